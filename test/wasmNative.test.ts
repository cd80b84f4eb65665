// Our own SIMD kernels (native/kernels, instantiated on the wasm backend's heap):
// the module's hygiene (it imports the backend's memory, so it must own no data
// segment and never touch a stack), and the GEMM behind BatchMatMul and
// _FusedMatMul against the cpu backend: odd sizes past every tile, 0-size
// operands, every transpose, broadcast batches, NaN and ±Inf.
//
// Legend: B batch, M×K left, K×N right.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectAllClose, expectNoLeaks, runOn, useBackend } from './backends.js';
import { WASM_KERNELS } from '../src/_internal/native/kernels.js';
import { nativeKernels, relaxedSimdSupported, type NativeExports } from '../src/wasm/_native.js';
import { registerWasmKernels } from '../src/wasm/registerWasmKernels.js';

registerWasmKernels();

/** Section ids of a wasm binary, in order. */
function sectionIds(bytes: Uint8Array): number[] {
  const ids: number[] = [];
  let i = 8;
  while (i < bytes.length) {
    ids.push(bytes[i++]!);
    let size = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = bytes[i++]!;
      size += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    i += size;
  }
  return ids;
}

describe('native kernels module', () => {
  const variants = Object.entries(WASM_KERNELS);

  it('is built in four variants, relaxed and plain SIMD, shared and unshared memory', () => {
    expect(variants.map(([name]) => name).sort()).toEqual(['relaxed-shared', 'relaxed-unshared', 'simd-shared', 'simd-unshared']);
  });

  it.each(variants)('%s imports only the memory and has no data segment', (name, base64) => {
    const bytes = new Uint8Array(Buffer.from(base64, 'base64'));
    expect(sectionIds(bytes)).not.toContain(11); // data
    expect(sectionIds(bytes)).not.toContain(12); // data count
    if (name.startsWith('relaxed') && !relaxedSimdSupported()) return;
    const module = new WebAssembly.Module(bytes);
    expect(WebAssembly.Module.imports(module)).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
    expect(WebAssembly.Module.exports(module).map((e) => e.name)).toEqual(expect.arrayContaining(['gemm', 'gemm_scratch_floats', 'fma_peak']));
  });

  it.each(variants)('%s writes nothing outside its output and scratch (no stack, no statics)', (name, base64) => {
    if (name.startsWith('relaxed') && !relaxedSimdSupported()) return;
    const shared = name.endsWith('-shared');
    const pages = 64; // 4 MiB
    const memory = new WebAssembly.Memory(shared ? { initial: pages, maximum: 65536, shared: true } : { initial: pages });
    const exports = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(base64, 'base64')), { env: { memory } }).exports as unknown as NativeExports;
    const heap = new Float32Array(memory.buffer);
    heap.fill(-7.25); // a sentinel everywhere
    const [m, n, k] = [13, 11, 300];
    const a = 1 << 20; // operands from 1 MiB on; the linker's stack would sit below 64 KiB
    const b = a + m * k * 4;
    const c = b + k * n * 4;
    const bias = c + m * n * 4;
    const scratch = bias + n * 4;
    const scratchFloats = exports.gemm_scratch_floats();
    const end = scratch + scratchFloats * 4;
    for (let i = a / 4; i < bias / 4 + n; i++) heap[i] = (i % 17) / 16 - 0.5;
    exports.gemm(a, b, c, m, n, k, 1, 1, bias, 3, 0.1, scratch);
    expect(exports.fma_peak(10, 0.5)).toBeGreaterThan(0);
    const untouched = (from: number, to: number) => heap.subarray(from / 4, to / 4).every((v) => v === -7.25);
    expect(untouched(0, a)).toBe(true);
    expect(untouched(end, memory.buffer.byteLength)).toBe(true);
    // And the product is right (transposed A [K, M], transposed B [N, K], leaky relu 0.1).
    for (const [i, j] of [[0, 0], [12, 10], [5, 7]] as const) {
      let s = heap[bias / 4 + j]!;
      for (let p = 0; p < k; p++) s += heap[a / 4 + p * m + i]! * heap[b / 4 + j * k + p]!;
      expect(heap[c / 4 + i * n + j]).toBeCloseTo(s < 0 ? 0.1 * s : s, 3);
    }
  });
});

/** cpu and wasm agree: NaN where cpu has NaN, the same infinities, finite values within `tol` (relative, floor 1). */
function expectSameValues(actual: Float32Array, expected: Float32Array, tol: number): void {
  expect(actual.length).toBe(expected.length);
  const finiteActual: number[] = [];
  const finiteExpected: number[] = [];
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const v = actual[i]!;
    if (Number.isFinite(e)) {
      finiteActual.push(v);
      finiteExpected.push(e);
    } else expect(Object.is(v, e) || (Number.isNaN(v) && Number.isNaN(e)), `element ${i}: ${v} vs ${e}`).toBe(true);
  }
  expectAllClose(Float32Array.from(finiteActual), Float32Array.from(finiteExpected), tol);
}

interface Case { a: number[]; b: number[]; ta: boolean; tb: boolean }
const swap = (s: readonly number[], t: boolean) => (t ? [...s.slice(0, -2), s[s.length - 1]!, s[s.length - 2]!] : [...s]);
const CASES: Case[] = [];
for (const [a, b] of [
  [[13, 300], [300, 1030]], // past the depth block (256) and the column panel (1024)
  [[77, 5], [5, 9]], // rows past the row block (72), columns not a multiple of 8
  [[2, 1, 7, 3], [1, 3, 3, 10]], // batch dims broadcast both ways
  [[4, 7, 3], [3, 5]], // batched left, shared right (folded into the rows)
  [[0, 5], [5, 4]], // 0-size: no rows
  [[3, 0], [0, 4]], // 0-size: no depth (zeros)
  [[2, 3, 5], [2, 5, 0]], // 0-size: no columns
] as const) {
  for (const ta of [false, true]) for (const tb of [false, true]) CASES.push({ a: swap(a, ta), b: swap(b, tb), ta, tb });
}

describe('native GEMM', () => {
  useBackend('wasm');

  it('runs on the wasm backend here, with relaxed SIMD exactly where the engine validates it', async () => {
    await tf.setBackend('wasm');
    const native = nativeKernels(tf.backend());
    expect(native).not.toBeNull();
    expect(native!.relaxed).toBe(relaxedSimdSupported());
  });

  it.each(CASES)('BatchMatMul matches cpu: a $a (transposed $ta) · b $b (transposed $tb)', async ({ a, b, ta, tb }) => {
    const x = tf.randomNormal(a, 0, 1, 'float32', 51);
    const y = tf.randomNormal(b, 0, 1, 'float32', 52);
    // tfjs 4.22's cpu kernel mishandles batches broadcast both ways ([2, 1] against
    // [1, 3]): the reference broadcasts them explicitly first.
    const batch = tf.broadcast_util.assertAndGetBroadcastShape(a.slice(0, -2), b.slice(0, -2));
    const full = (t: tf.Tensor) => tf.broadcastTo(t, [...batch, ...t.shape.slice(-2)]);
    const cpu = await runOn('cpu', [x, y], (p, q) => [tf.tidy(() => tf.matMul(full(p), full(q), ta, tb))]);
    const wasm = await runOn('wasm', [x, y], (p, q) => [tf.matMul(p, q, ta, tb)]);
    expect(wasm[0]!.length).toBe(batch.reduce((s, d) => s * d, 1) * (ta ? a[a.length - 1]! : a[a.length - 2]!) * (tb ? b[b.length - 2]! : b[b.length - 1]!));
    expectAllClose(wasm[0]!, cpu[0]!, 2e-5);
    tf.dispose([x, y]);
  });

  it.each([false, true])('propagates NaN and ±Inf as cpu does (transposed B %s)', async (tb) => {
    const m = 9;
    const k = 7;
    const n = 10;
    const av = tf.randomNormal([m, k], 0, 1, 'float32', 53).dataSync().slice();
    const bv = tf.randomNormal([k, n], 0, 1, 'float32', 54).dataSync().slice();
    av[0 * k + 2] = NaN; // row 0: NaN everywhere
    av[3 * k + 1] = Infinity; // row 3: ±Inf by the sign of b's row 1, NaN where it meets another Inf
    av[5 * k + 4] = -Infinity;
    bv[4 * n + 6] = Infinity; // column 6 of row 5: -Inf · Inf
    bv[1 * n + 8] = 0; // row 3, column 8: Inf · 0 = NaN
    const x = tf.tensor2d(av, [m, k]);
    const bt = tf.tensor2d(bv, [k, n]);
    const y = tb ? tf.transpose(bt) : bt;
    const fn = (p: tf.Tensor, q: tf.Tensor) => [tf.matMul(p, q, false, tb)];
    const cpu = await runOn('cpu', [x, y], fn);
    const wasm = await runOn('wasm', [x, y], fn);
    expect(cpu[0]!.some((v) => Number.isNaN(v))).toBe(true);
    expect(cpu[0]!.some((v) => v === Infinity) && cpu[0]!.some((v) => v === -Infinity)).toBe(true);
    expectSameValues(wasm[0]!, cpu[0]!, 2e-5);
    tf.dispose([x, bt, y]);
  });

  it.each<[string, boolean, boolean, number[]]>([
    ['linear', false, false, [37]],
    ['relu', true, false, [37]],
    ['relu6', false, true, [1, 37]],
    ['leakyrelu', true, true, [37]],
  ])('_FusedMatMul with bias %j and activation %s matches cpu, gradients too (transposes %s, %s)', async (activation, ta, tb, biasShape) => {
    const x = tf.randomNormal(swap([21, 30], ta), 0, 1, 'float32', 55);
    const y = tf.randomNormal(swap([30, 37], tb), 0, 1, 'float32', 56);
    const bias = tf.randomNormal(biasShape, 0, 1, 'float32', 57);
    const act = activation as tf.fused.Activation;
    const fn = (p: tf.Tensor, q: tf.Tensor, r: tf.Tensor) => {
      const f = (u: tf.Tensor, v: tf.Tensor, w: tf.Tensor) => tf.fused.matMul({ a: u as tf.Tensor2D, b: v as tf.Tensor2D, transposeA: ta, transposeB: tb, bias: w, activation: act, leakyreluAlpha: 0.3 });
      const out = f(p, q, r);
      const weights = tf.sin(tf.reshape(tf.range(0, out.size), out.shape));
      return [out, ...tf.grads((u: tf.Tensor, v: tf.Tensor, w: tf.Tensor) => tf.sum(tf.mul(f(u, v, w), weights)))([p, q, r])];
    };
    const cpu = await runOn('cpu', [x, y, bias], fn);
    const wasm = await runOn('wasm', [x, y, bias], fn);
    expect(cpu[0]!.some((v) => v === 0) || activation === 'linear' || activation === 'leakyrelu').toBe(true);
    cpu.forEach((c, i) => expectAllClose(wasm[i]!, c, 2e-5));
    tf.dispose([x, y, bias]);
  });

  it('leaks nothing, in BatchMatMul, _FusedMatMul and their gradients', async () => {
    await tf.setBackend('wasm');
    const p = tf.randomNormal([3, 20, 16]);
    const q = tf.randomNormal([3, 16, 12]);
    const w = tf.randomNormal([12]);
    const pt = tf.transpose(p, [0, 2, 1]);
    const p2 = tf.reshape(p, [60, 16]) as tf.Tensor2D;
    const q2 = tf.reshape(tf.slice(q, [0, 0, 0], [1, 16, 12]), [16, 12]) as tf.Tensor2D;
    expectNoLeaks(() => tf.grads((u: tf.Tensor, v: tf.Tensor) => tf.sum(tf.matMul(u, v, true, false)))([pt, q]));
    expectNoLeaks(() => tf.fused.matMul({ a: p2, b: q2, bias: w, activation: 'relu' }));
    expectNoLeaks(() => tf.grads((u: tf.Tensor, v: tf.Tensor) => tf.sum(tf.fused.matMul({ a: u as tf.Tensor2D, b: v as tf.Tensor2D, bias: w, activation: 'relu' })))([p2, q2]));
    tf.dispose([pt, p2, q2]);
    tf.dispose([p, q, w]);
  });
});
