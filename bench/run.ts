/**
 * Benchmarks, side by side in one run (never in tests):
 *
 *   npm run bench                # all workloads
 *   npm run bench -- --quick     # fewer repetitions
 *   npm run bench -- --with-cpu  # also a whole DCGAN step on cpu (minutes)
 *
 * 1. The filter gradient of a DCGAN-sized convolution (x [64, 14, 14, 32],
 *    4×4 stride 2, 64 filters): cpu backend against wasm with the library's kernel
 *    (stock wasm 4.22 has no such kernel at all).
 * 2. One MNIST DCGAN training step (D + G, batch 64, 32 filters): cpu against
 *    wasm + kernels, and PyTorch on the same model where /usr/bin/python3 has torch.
 */
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { buildDCGAN, trainGAN } from 'tfjs-generative';
import { registerWasmKernels } from 'tfjs-generative/wasm';

const quick = process.argv.includes('--quick');
const withCpu = process.argv.includes('--with-cpu');
const log = (line: string) => process.stdout.write(`${line}\n`);

async function timeMs(fn: () => Promise<void> | void, reps: number, warmUp = true): Promise<number> {
  if (warmUp) await fn(); // kernel set-up, optimizer state
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) await fn();
  return (performance.now() - t0) / reps;
}

async function filterGradient(backend: string, reps: number): Promise<number> {
  await tf.setBackend(backend);
  const x = tf.randomNormal([64, 14, 14, 32], 0, 1, 'float32', 1) as tf.Tensor4D;
  const dy = tf.randomNormal([64, 7, 7, 64], 0, 1, 'float32', 2) as tf.Tensor4D;
  const ms = await timeMs(async () => {
    const g = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: [2, 2], pad: 'same', dataFormat: 'NHWC', filterShape: [4, 4, 32, 64] }) as tf.Tensor;
    await g.data();
    g.dispose();
  }, reps, backend !== 'cpu');
  tf.dispose([x, dy]);
  return ms;
}

async function dcganStep(backend: string, reps: number): Promise<number> {
  await tf.setBackend(backend);
  const { generator, discriminator } = buildDCGAN({ imageSize: 28, channels: 1, latentDim: 100, generatorFilters: 32, discriminatorFilters: 32, seed: 1 });
  const data = tf.randomUniform([64 * (reps + 1), 28, 28, 1], -1, 1, 'float32', 3);
  const generatorOptimizer = tf.train.adam(2e-4, 0.5);
  const discriminatorOptimizer = tf.train.adam(2e-4, 0.5);
  const common = { generator, discriminator, data, batchSize: 64, generatorOptimizer, discriminatorOptimizer, seed: 1 };
  await trainGAN({ ...common, steps: 1 });
  const t0 = performance.now();
  await trainGAN({ ...common, steps: reps });
  const ms = (performance.now() - t0) / reps;
  data.dispose();
  generatorOptimizer.dispose();
  discriminatorOptimizer.dispose();
  generator.dispose();
  discriminator.dispose();
  return ms;
}

function torchDcganStep(): number | null {
  if (!existsSync('/usr/bin/python3')) return null;
  try {
    const out = execFileSync('/usr/bin/python3', ['bench/torch_dcgan.py'], {
      env: { ...process.env, OPENBLAS_NUM_THREADS: '1' },
      stdio: ['ignore', 'pipe', 'ignore'],
    }).toString();
    const ms = Number(/ms_per_step=([\d.]+)/.exec(out)?.[1]);
    return Number.isFinite(ms) ? ms : null;
  } catch {
    return null; // no torch here
  }
}

async function main(): Promise<void> {
  registerWasmKernels();
  log(`tfjs-core ${tf.version_core}; ${quick ? 'quick' : 'full'} run`);

  const gradCpu = await filterGradient('cpu', 1);
  const gradWasm = await filterGradient('wasm', quick ? 3 : 10);
  log(`conv filter gradient [64,14,14,32]→64, 4×4/2: wasm+kernels ${gradWasm.toFixed(1)} ms, cpu ${gradCpu.toFixed(0)} ms, speed-up ${(gradCpu / gradWasm).toFixed(0)}×`);

  const stepWasm = await dcganStep('wasm', quick ? 3 : 10);
  const stepCpu = withCpu ? await dcganStep('cpu', 1) : null;
  const torch = torchDcganStep();
  log(
    `mnist-dcgan step (B 64, 32 filters): wasm+kernels ${stepWasm.toFixed(0)} ms` +
      (stepCpu === null ? '; cpu skipped (--with-cpu)' : `, cpu ${stepCpu.toFixed(0)} ms, speed-up ${(stepCpu / stepWasm).toFixed(0)}×`) +
      (torch === null ? '; torch not available' : `; torch ${torch.toFixed(0)} ms, ratio ${(stepWasm / torch).toFixed(2)}`),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
