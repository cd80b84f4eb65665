/**
 * Benchmarks, side by side in one run (never in tests):
 *
 *   npm run bench                       # all workloads
 *   npm run bench -- --quick            # fewer repetitions
 *   npm run bench -- --with-cpu         # also a whole DCGAN step on cpu (minutes)
 *   npm run bench -- --only attention   # one section: matmul, conv, dcgan, attention, conv-vae, wavenet-step, generation, wavenet-generation
 *   npm run bench -- --threads 4        # the kit's thread count (default: the core count)
 *   npm run bench -- --profile          # also where the time goes (tf.profile), kit with threads
 *
 * The wasm workloads (matmul, dcgan, attention, conv-vae, wavenet-step) run three
 * ways, each in a fresh Node process (the wasm backend chooses its build once, when
 * it starts): stock tfjs-backend-wasm 4.22 (single-threaded; it cannot train
 * convolutions), the kit (`registerWasmKernels`) with 1 thread, and the kit with N
 * threads; then PyTorch, where /usr/bin/python3 has torch, with 2 threads.
 *
 * 0. Matrix product 512 × 512 × 512, GFLOP/s.
 * 1. The filter gradient of a DCGAN-sized convolution (x [64, 14, 14, 32],
 *    4×4 stride 2, 64 filters): cpu backend against wasm with the library's kernel
 *    (stock wasm 4.22 has no such kernel at all).
 * 2. One MNIST DCGAN training step (D + G, batch 64, 32 filters).
 * 3. Causal multi-head self-attention forward + backward (batch 8, length 256,
 *    width 256, 4 heads).
 * 4. Text generation from a GPT-style model (context 512, width 128, 4 layers):
 *    tokens per second with the key/value cache against re-running the window,
 *    for 128, 256 and 512 tokens.
 * 5. WaveNet (64 residual / 256 skip channels): samples per second of fast
 *    against naive generation at receptive fields 256, 1,024 and 2,048, and the
 *    fast rate of the 2 × 10-layer model that PyTorch is measured on.
 * 6. A WaveNet training step (2 × 10 layers, 64 / 256 channels, 4 × 4,096
 *    samples).
 * 7. A convolutional VAE training step (28 × 28, batch 64, latent 16).
 *
 * Lines comparing with PyTorch read `NAME: tfjs-generative X ms, torch Y ms, ratio R`
 * (X: the kit with N threads), followed by the three wasm figures. The first line
 * names the Node version and whether relaxed SIMD (fused multiply-add) is on;
 * the matrix product's line adds the engine's measured peak on one thread (a
 * tight multiply-add loop in the kit's own wasm module), so the distance to the
 * limit shows.
 */
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { buildConvVAE, buildDCGAN, buildTransformerLM, buildWaveNet, generate, generateAudio, multiHeadAttention, receptiveField, trainGAN, trainVAE, trainWaveNet } from 'tfjs-generative';
import { registerWasmKernels } from 'tfjs-generative/wasm';
import { nativeKernels, relaxedSimdSupported } from '../src/wasm/_native.js';

const quick = process.argv.includes('--quick');
const withCpu = process.argv.includes('--with-cpu');
const onlyIndex = process.argv.indexOf('--only');
const only = onlyIndex >= 0 ? process.argv[onlyIndex + 1] : undefined;
const run = (section: string) => only === undefined || only === section;
const profile = process.argv.includes('--profile');
const threadsIndex = process.argv.indexOf('--threads');
const threads = threadsIndex >= 0 ? Number(process.argv[threadsIndex + 1]) : Math.min(8, availableParallelism());
const variantIndex = process.argv.indexOf('--variant');
/** In a child process: the one way the wasm backend runs there. */
const variant = variantIndex >= 0 ? (process.argv[variantIndex + 1] as Variant) : undefined;
type Variant = 'stock' | 'kit-1' | 'kit-n';
const VARIANTS: readonly Variant[] = ['stock', 'kit-1', 'kit-n'];
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

/** One workload, set up: `run(steps)` runs that many steps and waits for their results. */
interface Runner {
  run(steps: number): Promise<void>;
  dispose(): void;
}

/** One MNIST DCGAN training step (D + G, batch 64, 32 filters). */
async function dcganRunner(): Promise<Runner> {
  const { generator, discriminator } = buildDCGAN({ imageSize: 28, channels: 1, latentDim: 100, generatorFilters: 32, discriminatorFilters: 32, seed: 1 });
  const data = tf.randomUniform([64 * 8, 28, 28, 1], -1, 1, 'float32', 3);
  const generatorOptimizer = tf.train.adam(2e-4, 0.5);
  const discriminatorOptimizer = tf.train.adam(2e-4, 0.5);
  const models = { generator, discriminator };
  const common = { batchSize: 64, generatorOptimizer, discriminatorOptimizer };
  let seed = 1;
  return {
    run: async (steps) => void (await trainGAN(models, data, { ...common, steps, seed: seed++ })),
    dispose: () => {
      data.dispose();
      generatorOptimizer.dispose();
      discriminatorOptimizer.dispose();
      generator.dispose();
      discriminator.dispose();
    },
  };
}

/**
 * ms per step of `runner` on the current backend, after one warm-up step (kernel
 * set-up, optimizer state): the median of `reps` steps timed one by one, so that
 * a step slowed by another process on the machine does not move the figure.
 */
async function stepMs(runner: Runner, reps: number): Promise<number> {
  await runner.run(1);
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await runner.run(1);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const mid = times.length >> 1;
  return times.length % 2 === 1 ? times[mid]! : (times[mid - 1]! + times[mid]!) / 2;
}

/** Where one step's time goes: kernel time by kernel, from tf.profile. */
async function profileLines(runner: Runner): Promise<string[]> {
  const t0 = performance.now();
  const info = await tf.profile(() => runner.run(1));
  const wall = performance.now() - t0;
  const byKernel = new Map<string, { ms: number; calls: number }>();
  // Ops recorded around their kernels (`fusedConv2d__op`, from a custom gradient) would count twice.
  for (const k of info.kernels.filter((kernel) => !kernel.name.endsWith('__op'))) {
    const entry = byKernel.get(k.name) ?? { ms: 0, calls: 0 };
    entry.ms += Number(k.kernelTimeMs) || 0;
    entry.calls += 1;
    byKernel.set(k.name, entry);
  }
  const total = [...byKernel.values()].reduce((t, e) => t + e.ms, 0);
  const top = [...byKernel.entries()].sort((x, y) => y[1].ms - x[1].ms).slice(0, 8);
  const calls = [...byKernel.values()].reduce((t, e) => t + e.calls, 0);
  return [
    `profile (one step, tf.profile): wall ${wall.toFixed(0)} ms, kernels ${total.toFixed(0)} ms in ${calls} calls`,
    ...top.map(([name, e]) => `  ${name.padEnd(22)} ${e.ms.toFixed(1).padStart(8)} ms ${((100 * e.ms) / total).toFixed(1).padStart(5)}%  ${e.calls} calls`),
  ];
}

/**
 * The engine's single-thread peak, GFLOP/s: our module's multiply-add loop
 * (12 independent chains of 4-lane multiply-adds), best of several runs after
 * the engine has compiled it with its optimising tier. `null` where our module
 * cannot run.
 */
async function wasmPeakGflops(): Promise<number | null> {
  await tf.setBackend('wasm');
  const native = nativeKernels(tf.backend());
  if (native === null) return null;
  const iters = 2_000_000;
  let best = 0;
  for (let i = 0; i < 8; i++) {
    const t0 = performance.now();
    native.exports.fma_peak(iters, 0.5);
    best = Math.max(best, (iters * 12 * 4 * 2) / (performance.now() - t0) / 1e6);
    await new Promise((resolve) => setTimeout(resolve, 10)); // lets the optimised code arrive
  }
  return best;
}

/** Runs a PyTorch reference script; its ms per step, or null where torch is missing. */
function torchMs(script: string, ...args: string[]): number | null {
  return torchValue('ms_per_step', script, ...args);
}

/**
 * OpenBLAS picks its kernels from the CPU model, which a virtual machine may
 * hide ("Intel Xeon Processor": it then falls back to generic SSE3 code, 17
 * GFLOP/s for a 1,024³ product here, against 68 with its AVX-512 kernels). So
 * that PyTorch runs at its best, name the kernel family from the CPU's flags
 * unless the caller did.
 */
function openBlasCore(): Record<string, string> {
  if (process.env['OPENBLAS_CORETYPE'] !== undefined || !existsSync('/proc/cpuinfo')) return {};
  const flags = readFileSync('/proc/cpuinfo', 'utf8');
  if (/\bavx512f\b/.test(flags)) return { OPENBLAS_CORETYPE: 'SkylakeX' };
  if (/\bavx2\b/.test(flags)) return { OPENBLAS_CORETYPE: 'Haswell' };
  return {};
}

/** A `name=value` figure printed by a PyTorch reference script, or null where torch is missing. */
function torchValue(name: string, script: string, ...args: string[]): number | null {
  if (!existsSync('/usr/bin/python3')) return null;
  try {
    const out = execFileSync('/usr/bin/python3', [script, ...args], {
      env: { ...process.env, OPENBLAS_NUM_THREADS: '1', ...openBlasCore() },
      stdio: ['ignore', 'pipe', 'ignore'],
    }).toString();
    const value = Number(new RegExp(`${name}=([\\d.]+)`).exec(out)?.[1]);
    return Number.isFinite(value) ? value : null;
  } catch {
    return null; // no torch here
  }
}

/** Samples per second of WaveNet generation, fast and naive, for one dilation layout. */
async function waveNetGeneration(layersPerCycle: number, cycles: number, naiveSamples: number): Promise<{ rf: number; fast: number; naive: number | null }> {
  await tf.setBackend('wasm');
  const config = { residualChannels: 64, skipChannels: 256, dilations: { layersPerCycle, cycles }, seed: 1 };
  const net = buildWaveNet(config);
  // The naive loop is primed with a receptive field of audio, so it runs at its steady-state
  // window; the fast path's cost per sample does not depend on the history.
  const prime = Array.from({ length: receptiveField(config) }, (_, i) => 128 + Math.round(60 * Math.sin(i / 9)));
  const rate = async (method: 'fast' | 'naive', length: number) => {
    const options = method === 'naive' ? { method, prime } : { method };
    await generateAudio(net, { length: 5, seed: 1, ...options }); // warm-up
    const t0 = performance.now();
    await generateAudio(net, { length, seed: 1, ...options });
    return length / ((performance.now() - t0) / 1000);
  };
  const fast = await rate('fast', 3000);
  const naive = naiveSamples > 0 ? await rate('naive', naiveSamples) : null;
  net.dispose();
  return { rf: receptiveField(config), fast, naive };
}

/** One WaveNet training step, 2 × 10 layers, 64 / 256 channels, batch 4 × `window`. */
async function waveNetRunner(window: number): Promise<Runner> {
  // Activations stored (no `recompute`): the blocks keep only their columns and gate
  // activations, and the step peaks at ≈ 3.1 GB of wasm32's 4 GB heap.
  const net = buildWaveNet({ residualChannels: 64, skipChannels: 256, dilations: { layersPerCycle: 10, cycles: 2 }, seed: 1 });
  const audio = Float32Array.from({ length: 20000 }, (_, i) => 0.5 * Math.sin(i / 7));
  const optimizer = tf.train.adam(1e-3);
  let seed = 1;
  return {
    run: async (steps) => void (await trainWaveNet(net, audio, { steps, batchSize: 4, contextLength: window, optimizer, seed: seed++ })),
    dispose: () => {
      optimizer.dispose();
      net.dispose();
    },
  };
}

/** One convolutional VAE step, 28 × 28, batch 64, latent 16. */
async function convVAERunner(): Promise<Runner> {
  const model = buildConvVAE({ imageSize: 28, channels: 1, latentDim: 16, seed: 1 });
  const images = tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([64 * 8, 28, 28, 1], 0, 1, 'float32', 2), 0.7), 'float32'));
  const optimizer = tf.train.adam(1e-3);
  let seed = 1;
  return {
    run: async (steps) => void (await trainVAE(model, images, { steps, batchSize: 64, optimizer, seed: seed++ })),
    dispose: () => {
      tf.dispose([images]);
      optimizer.dispose();
    },
  };
}

/** A 512 × 512 × 512 matrix product (result read back). */
async function matmulRunner(): Promise<Runner> {
  const a = tf.randomNormal([512, 512], 0, 1, 'float32', 1);
  const b = tf.randomNormal([512, 512], 0, 1, 'float32', 2);
  return {
    run: async (steps) => {
      for (let i = 0; i < steps; i++) {
        const c = tf.matMul(a, b);
        await c.data();
        c.dispose();
      }
    },
    dispose: () => tf.dispose([a, b]),
  };
}

function torchLine(name: string, ours: number, torch: number | null): string {
  return torch === null
    ? `${name}: tfjs-generative ${ours.toFixed(1)} ms, torch not available`
    : `${name}: tfjs-generative ${ours.toFixed(1)} ms, torch ${torch.toFixed(1)} ms, ratio ${(ours / torch).toFixed(2)}`;
}

/** Causal self-attention forward + backward (input and weight gradients), batch 8, length 256, width 256, 4 heads. */
async function attentionRunner(): Promise<Runner> {
  const mha = multiHeadAttention({ numHeads: 4, keyDim: 64, seed: 1 });
  const x = tf.randomNormal([8, 256, 256], 0, 1, 'float32', 1);
  const r = tf.randomNormal([8, 256, 256], 0, 1, 'float32', 2);
  mha.apply(x, { useCausalMask: true });
  const weights = mha.trainableWeights.map((w) => w.read() as tf.Variable);
  return {
    run: async (steps) => {
      for (let i = 0; i < steps; i++) {
        const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(mha.apply(x, { useCausalMask: true }) as tf.Tensor, r)) as tf.Scalar, weights);
        await value.data();
        tf.dispose([value, ...Object.values(grads)]);
      }
    },
    dispose: () => {
      tf.dispose([x, r]);
      mha.dispose();
    },
  };
}

/** Tokens per second generating 128, 256 and 512 tokens from one, cached and uncached, on one model. */
async function generationRates(counts: readonly number[]): Promise<{ count: number; cached: number; uncached: number }[]> {
  await tf.setBackend('wasm');
  const lm = buildTransformerLM({ vocabSize: 256, contextLength: 512, modelDim: 128, numHeads: 4, numLayers: 4, seed: 1 });
  await generate(lm, [1], { maxNewTokens: 64, temperature: 0 }); // warm-up: kernels, caches of every size class
  await generate(lm, [1], { maxNewTokens: 16, temperature: 0, useCache: false });
  const rate = async (count: number, useCache: boolean) => {
    const t0 = performance.now();
    await generate(lm, [1], { maxNewTokens: count - 1, temperature: 0, useCache });
    return (count - 1) / ((performance.now() - t0) / 1000);
  };
  const rows = [];
  for (const count of counts) rows.push({ count, cached: await rate(count, true), uncached: await rate(count, false) });
  lm.dispose();
  return rows;
}

/** A wasm workload measured three ways (stock, kit 1 thread, kit N threads), each in its own process. */
interface WasmWorkload {
  title: string;
  make(): Promise<Runner>;
  reps: number;
  /** Fewer where the stock backend's scalar loops take seconds a step. */
  stockReps: number;
  torch(): number | null;
}

const WINDOW = 4096;
const WASM_WORKLOADS: Record<string, WasmWorkload> = {
  matmul: {
    title: 'matmul 512 × 512 × 512',
    make: matmulRunner,
    reps: quick ? 10 : 40,
    stockReps: quick ? 10 : 40,
    torch: () =>
      torchValue(
        'ms_per_step',
        '-c',
        'import time, torch\ntorch.set_num_threads(2)\na, b = torch.randn(512, 512), torch.randn(512, 512)\nfor _ in range(20): a @ b\nt = time.perf_counter()\nfor _ in range(200): a @ b\nprint("ms_per_step=%f" % ((time.perf_counter() - t) * 5))',
      ),
  },
  dcgan: { title: 'mnist-dcgan-step (B 64, 32 filters)', make: dcganRunner, reps: quick ? 3 : 10, stockReps: 1, torch: () => torchMs('bench/torch_dcgan.py') },
  attention: {
    title: 'causal-attention-fwd-bwd (B 8, T 256, C 256, 4 heads)',
    make: attentionRunner,
    reps: quick ? 3 : 10,
    stockReps: quick ? 2 : 5,
    torch: () => torchMs('bench/torch_attention.py', String(quick ? 6 : 20)),
  },
  'conv-vae': { title: 'conv-vae-step (28 × 28, B 64, Z 16)', make: convVAERunner, reps: quick ? 3 : 10, stockReps: 1, torch: () => torchMs('bench/torch_conv_vae.py') },
  // The issue's size, B 4 × 4,096.
  'wavenet-step': {
    title: `wavenet-step (2 × 10 layers, 64 / 256, B 4 × ${WINDOW.toLocaleString('en')})`,
    make: () => waveNetRunner(WINDOW),
    reps: quick ? 1 : 3,
    stockReps: 1,
    torch: () => torchMs('bench/torch_wavenet.py', String(WINDOW)),
  },
};

interface VariantResult {
  ms?: number;
  threads?: number;
  error?: string;
  profile?: string[];
}

/** In a child process: one workload, one way; prints `RESULT {json}`. */
async function runVariant(v: Variant, section: string): Promise<void> {
  const workload = WASM_WORKLOADS[section]!;
  if (v !== 'stock') registerWasmKernels({ threads: v === 'kit-1' ? 1 : threads });
  await tf.setBackend('wasm');
  const result: VariantResult = { threads: (tf.backend() as unknown as { wasm: { tfjs: { getThreadsCount(): number } } }).wasm.tfjs.getThreadsCount() };
  try {
    const runner = await workload.make();
    result.ms = await stepMs(runner, v === 'stock' ? workload.stockReps : workload.reps);
    if (profile && v === 'kit-n') result.profile = await profileLines(runner);
    runner.dispose();
  } catch (error) {
    result.error = (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
  }
  log(`RESULT ${JSON.stringify(result)}`);
}

/** Runs one workload one way in a fresh Node process (the backend picks its build at start-up). */
function spawnVariant(v: Variant, section: string): VariantResult {
  const args = [...process.execArgv, process.argv[1]!, '--variant', v, '--only', section, '--threads', String(threads)];
  if (quick) args.push('--quick');
  if (profile) args.push('--profile');
  const child = spawnSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  const line = child.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (line !== undefined) return JSON.parse(line.slice('RESULT '.length)) as VariantResult;
  const why = child.stderr.trim().split('\n').filter((l) => l.trim() !== '').at(-1) ?? `exit ${child.status ?? child.signal}`;
  return { error: why };
}

function variantName(v: Variant, r: VariantResult): string {
  return v === 'stock' ? 'stock wasm' : `kit ${r.threads ?? '?'} thread${r.threads === 1 ? '' : 's'}`;
}

async function main(): Promise<void> {
  if (variant !== undefined) return runVariant(variant, only!);
  registerWasmKernels({ threads });
  log(`Node ${process.version}; relaxed SIMD ${relaxedSimdSupported() ? 'on (fused multiply-add)' : 'off (plain SIMD128)'}; tfjs-core ${tf.version_core}; ${quick ? 'quick' : 'full'} run; kit threads ${threads}; wasm lines: stock, kit 1 thread, kit ${threads} threads, each in a fresh process`);
  const peak = run('matmul') ? await wasmPeakGflops() : null;

  for (const [section, workload] of Object.entries(WASM_WORKLOADS)) {
    if (!run(section)) continue;
    const results = VARIANTS.map((v) => [v, spawnVariant(v, section)] as const);
    const torch = workload.torch();
    const byVariant = new Map(results);
    const kitN = byVariant.get('kit-n')!;
    const kit1 = byVariant.get('kit-1')!;
    if (section === 'matmul') {
      const gflops = (ms: number) => (2 * 512 ** 3) / ms / 1e6;
      const figures = results.map(([v, r]) => `${variantName(v, r)} ${r.ms === undefined ? `did not run (${r.error})` : `${gflops(r.ms).toFixed(1)} GFLOP/s`}`);
      log(`${workload.title}: ${figures.join(', ')}${torch === null ? '' : `; torch (2 threads) ${gflops(torch).toFixed(1)} GFLOP/s`}`);
      if (peak !== null) {
        const one = kit1.ms === undefined ? '' : `; kit 1 thread at ${((100 * gflops(kit1.ms)) / peak).toFixed(0)}% of it`;
        log(`  wasm peak, 1 thread (multiply-add loop): ${peak.toFixed(1)} GFLOP/s${one}`);
      }
      if (kitN.ms !== undefined && torch !== null) log(torchLine(workload.title, kitN.ms, torch));
    } else {
      if (kitN.ms !== undefined) log(torchLine(`${workload.title}`, kitN.ms, torch));
      else log(`${workload.title}: did not run: ${kitN.error}`);
      const figures = results.map(([v, r]) => `${variantName(v, r)} ${r.ms === undefined ? `did not run (${r.error})` : `${r.ms.toFixed(1)} ms`}`);
      log(`  wasm: ${figures.join(', ')}`);
    }
    if (kit1.ms !== undefined && kitN.ms !== undefined) log(`  threads: ×${(kit1.ms / kitN.ms).toFixed(2)} (kit ${kitN.threads} threads against 1)`);
    for (const line of kitN.profile ?? []) log(`  ${line}`);
    if (section === 'dcgan' && withCpu) {
      await tf.setBackend('cpu');
      const runner = await dcganRunner();
      const ms = await stepMs(runner, 1);
      runner.dispose();
      log(`  cpu backend: ${ms.toFixed(0)} ms`);
    }
  }

  if (run('conv')) {
    const gradCpu = await filterGradient('cpu', 1);
    const gradWasm = await filterGradient('wasm', quick ? 3 : 10);
    log(`conv filter gradient [64,14,14,32]→64, 4×4/2: wasm+kernels (${threads} threads) ${gradWasm.toFixed(1)} ms, cpu ${gradCpu.toFixed(0)} ms, speed-up ${(gradCpu / gradWasm).toFixed(0)}×`);
  }

  if (run('wavenet-generation')) {
    for (const [layers, cycles, naive] of [[8, 1, 40], [10, 1, 15], [10, 2, 8]] as const) {
      const { rf, fast, naive: slow } = await waveNetGeneration(layers, cycles, naive);
      log(`wavenet generation, receptive field ${rf} (${cycles} × ${layers} layers, 64 / 256 channels, wasm+kernels): fast ${fast.toFixed(0)} samples/s, naive ${slow!.toFixed(1)} samples/s, speed-up ${(fast / slow!).toFixed(0)}×`);
    }
    const torchRate = torchValue('samples_per_second', 'bench/torch_wavenet.py', 'generate');
    log(`wavenet cached generation, 2 × 10 layers, 64 / 256: torch (bench/torch_wavenet.py, a per-layer queue loop) ${torchRate === null ? 'not available' : `${torchRate.toFixed(0)} samples/s`}`);
  }

  if (run('generation')) {
    for (const { count, cached, uncached } of await generationRates([128, 256, 512])) {
      log(`generation of ${count} tokens (context 512, C 128, 4 layers, wasm+kernels): cached ${cached.toFixed(1)} tokens/s, uncached ${uncached.toFixed(1)} tokens/s, speed-up ${(cached / uncached).toFixed(1)}×`);
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
