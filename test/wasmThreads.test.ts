// registerWasmKernels' threads: the version check that leaves an untested
// tfjs-backend-wasm alone, the threaded build really running in this process
// (2 threads, results equal to cpu), the warning when threads come too late, and a
// child process that starts the threaded backend and exits by itself.
//
// Legend: B batch, M×K left, K×N right.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { wasmVersionProblem } from '../src/wasm/_threads.js';
import { registerWasmKernels } from '../src/wasm/registerWasmKernels.js';
import { expectAllClose, runOn } from './backends.js';

const root = fileURLToPath(new URL('..', import.meta.url));

function threadsCount(): number {
  return (tf.backend() as unknown as { wasm: { tfjs: { getThreadsCount(): number } } }).wasm.tfjs.getThreadsCount();
}

/** A weighted sum, so that every output element gets a different upstream gradient. */
function weightedSum(y: tf.Tensor): tf.Scalar {
  return tf.sum(tf.mul(y, tf.sin(tf.reshape(tf.range(0, y.size), y.shape))));
}

function captureWarnings<T>(fn: () => T): { result: T; warnings: string[] } {
  const warn = console.warn;
  const warnings: string[] = [];
  console.warn = (...args: unknown[]) => warnings.push(args.join(' '));
  try {
    return { result: fn(), warnings };
  } finally {
    console.warn = warn;
  }
}

describe('wasmVersionProblem', () => {
  it('accepts 4.22.x and an unknown version, and names any other', () => {
    expect(wasmVersionProblem('4.22.0')).toBeNull();
    expect(wasmVersionProblem(null)).toBeNull();
    expect(wasmVersionProblem('4.21.0')).toMatch(/expected @tensorflow\/tfjs-backend-wasm 4\.22\.x, found 4\.21\.0; the wasm backend is left as it is/);
  });
});

// In order: the first test runs before anything is registered in this process.
describe('registerWasmKernels threads', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('leaves a tfjs-backend-wasm of another version alone, with a warning', () => {
    const factory = tf.engine().registryFactory['wasm']!.factory;
    const { result, warnings } = captureWarnings(() => registerWasmKernels({ threads: 2, wasm: { version_wasm: '4.21.0' } }));
    expect(result).toBe(false);
    expect(warnings).toEqual([expect.stringMatching(/found 4\.21\.0; the wasm backend is left as it is/)]);
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
    expect(tf.engine().registryFactory['wasm']!.factory).toBe(factory);
  });

  it('starts the threaded build with the threads asked for, whose products equal cpu', async () => {
    const { result, warnings } = captureWarnings(() => registerWasmKernels({ threads: 2, wasm: { version_wasm: '4.22.0' } }));
    expect(result).toBe(true);
    expect(warnings).toEqual([]);
    await tf.setBackend('wasm');
    expect(threadsCount()).toBe(2);
    // Big enough for XNNPACK to split the work: plain, transposed and batched products,
    // and a convolution's gradients (im2col around one product).
    const a = tf.randomNormal([3, 70, 130], 0, 1, 'float32', 1); // [B, M, K]
    const b = tf.randomNormal([3, 90, 130], 0, 1, 'float32', 2); // [B, N, K]
    const products = (x: tf.Tensor, y: tf.Tensor) => [tf.matMul(x, y, false, true), tf.matMul(tf.reshape(x, [210, 130]), tf.reshape(y, [270, 130]), false, true)];
    const cpu = await runOn('cpu', [a, b], products);
    const wasm = await runOn('wasm', [a, b], products);
    cpu.forEach((c, i) => expectAllClose(wasm[i]!, c));
    const x = tf.randomNormal([8, 14, 14, 16], 0, 1, 'float32', 3);
    const f = tf.randomNormal([4, 4, 16, 32], 0, 1, 'float32', 4);
    const grads = (p: tf.Tensor, q: tf.Tensor) => tf.grads((u: tf.Tensor, v: tf.Tensor) => weightedSum(tf.conv2d(u as tf.Tensor4D, v as tf.Tensor4D, 2, 'same')))([p, q]);
    const cpuGrads = await runOn('cpu', [x, f], grads);
    const wasmGrads = await runOn('wasm', [x, f], grads);
    cpuGrads.forEach((c, i) => expectAllClose(wasmGrads[i]!, c));
    tf.dispose([a, b, x, f]);
  });

  it('warns when threads are asked for after the backend started, and keeps the kernels', async () => {
    await tf.setBackend('wasm');
    const { result, warnings } = captureWarnings(() => registerWasmKernels({ threads: 1 }));
    expect(result).toBe(true);
    expect(warnings).toEqual([expect.stringMatching(/before tf\.setBackend\('wasm'\).*runs with 2 thread\(s\)/)]);
    expect(captureWarnings(() => registerWasmKernels()).warnings).toEqual([]); // no explicit threads: no warning
    expect(threadsCount()).toBe(2);
  });
});

describe('a Node process on the threaded backend', () => {
  it.each([2, 1])('starts %i thread(s), computes, and exits by itself', (threads) => {
    const code = `
      import '@tensorflow/tfjs-backend-cpu';
      import '@tensorflow/tfjs-backend-wasm';
      import * as tf from '@tensorflow/tfjs-core';
      import { registerWasmKernels } from './src/wasm/index.ts';
      registerWasmKernels({ threads: ${threads} });
      await tf.setBackend('wasm');
      const a = tf.randomNormal([200, 300], 0, 1, 'float32', 1);
      const b = tf.randomNormal([300, 100], 0, 1, 'float32', 2);
      const wasm = tf.matMul(a, b).dataSync();
      const threads = tf.backend().wasm.tfjs.getThreadsCount();
      await tf.setBackend('cpu');
      const cpu = tf.matMul(a, b).dataSync();
      const worst = wasm.reduce((w, v, i) => Math.max(w, Math.abs(v - cpu[i])), 0);
      console.log('threads=' + threads + ' worst=' + worst);
    `;
    const t0 = Date.now();
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    expect(child.signal, `killed after ${Date.now() - t0} ms: it did not exit by itself\n${child.stderr}`).toBeNull();
    expect(child.status, child.stderr).toBe(0);
    const [, count, worst] = /threads=(\d+) worst=([\d.e-]+)/.exec(child.stdout) ?? [];
    expect(Number(count)).toBe(threads);
    expect(Number(worst)).toBeLessThan(1e-3);
  });
});
