/**
 * The WaveNet block's dilated convolution and gate as one op with a
 * hand-written gradient; the output projections stay ordinary ops.
 *
 * Left to automatic differentiation, a block keeps about a dozen activations
 * per layer for its backward pass (every add, slice, pad and product saves its
 * inputs) and runs one kernel per elementary step: at 4 × 1,024 samples, 20
 * layers of 64/256 channels held 1.5 GB of the wasm heap. This op keeps only
 * what its gradient needs, the convolution's columns and the gate's two
 * activations, `tanh f` and `σ g` (or, with `recompute`, nothing: they are
 * computed again from the input in the backward pass, one convolution's worth of
 * work), and computes each kernel half's gradient as one product. The output
 * projections are left to automatic differentiation so that every block's skip
 * gradient is the same tensor (the gradient of their sum), which the wasm
 * backend then packs for XNNPACK once per step rather than once per block.
 *
 * The gradient of this gradient (second order) is not supported.
 *
 * Legend: B batch, T time, N = B·T rows, K taps, d dilation, R residual
 * channels, S skip channels, G conditioning size.
 */
import * as tf from '@tensorflow/tfjs-core';
import { causalConvColumns } from './_causalConv.js';

/** The block's weights as tensors. @hidden */
export interface WaveNetBlockWeights {
  dilatedKernel: tf.Tensor; // [K, R, 2R]: filter half, then gate half
  dilatedBias: tf.Tensor; // [2R]
  conditioningKernel: tf.Tensor | null; // [G, 2R]
  residualKernel: tf.Tensor; // [R, R]
  residualBias: tf.Tensor; // [R]
  skipKernel: tf.Tensor; // [R, S]
  skipBias: tf.Tensor; // [S]
}

/** The gate's input halves and the columns they were computed from. */
interface Gate {
  cols: tf.Tensor2D; // [N, K·R]
  th: tf.Tensor2D; // tanh f, [N, R]
  sg: tf.Tensor2D; // σ g, [N, R]
}

/**
 * `residual = x + W_r z + b_r` `[B, T, R]` and `skip = W_s z + b_s` `[B, T, S]`,
 * `z = tanh(f) ⊙ σ(g)`, `[f, g]` the causal convolution of `x` (plus `V c`).
 * @hidden
 */
export function waveNetBlockOp(
  w: WaveNetBlockWeights,
  x: tf.Tensor,
  c: tf.Tensor | null,
  dilation: number,
  recompute: boolean,
): { residual: tf.Tensor3D; skip: tf.Tensor3D } {
  const [b, t, r] = x.shape as [number, number, number];
  const s = w.skipKernel.shape[1]!;
  // A named scope: profiles (tf.profile) list the op as WaveNetGate.
  const z = tf.tidy('WaveNetGate', () => gatedUnit(w, x, c, dilation, recompute)); // [N, R]
  const residual = tf.add(x, tf.reshape(tf.fused.matMul({ a: z, b: w.residualKernel as tf.Tensor2D, bias: w.residualBias }), [b, t, r])) as tf.Tensor3D;
  const skip = tf.reshape(tf.fused.matMul({ a: z, b: w.skipKernel as tf.Tensor2D, bias: w.skipBias }), [b, t, s]) as tf.Tensor3D;
  return { residual, skip };
}

/** `z = tanh(f) ⊙ σ(g)` `[N, R]` as one op with its own gradient. */
function gatedUnit(w: WaveNetBlockWeights, x: tf.Tensor, c: tf.Tensor | null, dilation: number, recompute: boolean): tf.Tensor2D {
  const conditioned = c !== null && w.conditioningKernel !== null;
  const inputs = [x, ...(conditioned ? [c] : []), w.dilatedKernel, w.dilatedBias, ...(conditioned ? [w.conditioningKernel!] : [])];
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const gate = gateOf(w, x, conditioned ? c : null, dilation);
    // The inputs too: the backward pass may outlive the tensors the forward pass was given.
    save([...inputs, ...(recompute ? [] : [gate.cols, gate.th, gate.sg])]);
    return {
      value: tf.mul(gate.th, gate.sg),
      // Tidied: the engine calls a custom gradient outside any scope of its own, so its
      // intermediates would otherwise live until the whole backward pass ends.
      gradFunc: (dz: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) =>
        tf.tidy(() => {
          const [xs, ...rest] = saved;
          const cs = conditioned ? rest.shift()! : null;
          const [dk, db, ...more] = rest;
          const ck = conditioned ? more.shift()! : null;
          const ws = { ...w, dilatedKernel: dk!, dilatedBias: db!, conditioningKernel: ck };
          const g = recompute ? gateOf(ws, xs!, cs, dilation) : { cols: more[0] as tf.Tensor2D, th: more[1] as tf.Tensor2D, sg: more[2] as tf.Tensor2D };
          return gateGrads(ws, xs!, cs, dilation, g, dz as tf.Tensor2D);
        }),
    };
  });
  return op(...inputs) as tf.Tensor2D;
}

/** The columns and the gate's activations for `x` (and conditioning `c`). */
function gateOf(w: WaveNetBlockWeights, x: tf.Tensor, c: tf.Tensor | null, dilation: number): Gate {
  const [b, t, r] = x.shape as [number, number, number];
  const k = w.dilatedKernel.shape[0]!;
  const cols = causalConvColumns(x, k, dilation); // [N, K·R]
  // Filter and gate as two products with the kernel's halves: no split of [N, 2R] activations.
  const [kernelF, kernelG] = tf.split(tf.reshape(w.dilatedKernel, [k * r, 2 * r]), 2, 1) as [tf.Tensor2D, tf.Tensor2D];
  const [biasF, biasG] = tf.split(w.dilatedBias, 2);
  let f: tf.Tensor = tf.fused.matMul({ a: cols, b: kernelF, bias: biasF! }); // [N, R]
  let g: tf.Tensor = tf.fused.matMul({ a: cols, b: kernelG, bias: biasG! });
  if (c !== null && w.conditioningKernel !== null) {
    const [vF, vG] = tf.split(w.conditioningKernel, 2, 1); // [G, R] each
    const perStep = (y: tf.Tensor, v: tf.Tensor) => tf.reshape(tf.add(tf.reshape(y, [b, t, r]), tf.expandDims(tf.matMul(c, v), 1)), [b * t, r]);
    f = perStep(f, vF!);
    g = perStep(g, vG!);
  }
  return { cols, th: tf.tanh(f) as tf.Tensor2D, sg: tf.sigmoid(g) as tf.Tensor2D };
}

/** Gradients of the gate's inputs `[x, c?, dilated kernel, dilated bias, conditioning kernel?]`. */
function gateGrads(w: WaveNetBlockWeights, x: tf.Tensor, c: tf.Tensor | null, dilation: number, gate: Gate, dz: tf.Tensor2D): tf.Tensor[] {
  const [b, t, r] = x.shape as [number, number, number];
  const k = w.dilatedKernel.shape[0]!;
  const { cols, th, sg } = gate;
  // Through the gate: d tanh f = 1 - tanh², d σ g = σ (1 - σ).
  const df = tf.mul(tf.mul(dz, sg), tf.sub(1, tf.square(th))) as tf.Tensor2D; // [N, R]
  const dg = tf.mul(tf.mul(dz, th), tf.mul(sg, tf.sub(1, sg))) as tf.Tensor2D;
  // The dilated kernel: columnsᵀ (transposed once) times each half's gradient.
  const colsT = tf.transpose(cols); // [K·R, N]
  const dKernel = tf.reshape(tf.concat([tf.matMul(colsT, df), tf.matMul(colsT, dg)], 1), [k, r, 2 * r]);
  const dBias = tf.concat([tf.sum(df, 0), tf.sum(dg, 0)]);
  // The input: each tap's share, moved back by its delay.
  const [kernelF, kernelG] = tf.split(tf.reshape(w.dilatedKernel, [k * r, 2 * r]), 2, 1);
  const parts: tf.Tensor[] = [];
  for (let j = 0; j < k; j++) {
    const delay = (k - 1 - j) * dilation; // tap j holds x[t - delay]
    if (delay >= t) continue; // it only ever saw the zeros before the start
    const tapF = tf.slice(kernelF!, [j * r, 0], [r, r]);
    const tapG = tf.slice(kernelG!, [j * r, 0], [r, r]);
    const share = tf.reshape(tf.add(tf.matMul(df, tapF, false, true), tf.matMul(dg, tapG, false, true)), [b, t, r]);
    parts.push(delay === 0 ? share : tf.pad(tf.slice(share, [0, delay, 0], [b, t - delay, r]), [[0, 0], [0, delay], [0, 0]]));
  }
  const dx = parts.length === 0 ? tf.zeros([b, t, r]) : parts.length === 1 ? parts[0]! : tf.addN(parts);
  if (c === null || w.conditioningKernel === null) return [dx, dKernel, dBias];
  // V c is added at every step of its example: its gradient sums over time.
  const perExample = tf.concat([tf.sum(tf.reshape(df, [b, t, r]), 1), tf.sum(tf.reshape(dg, [b, t, r]), 1)], 1); // [B, 2R]
  const dc = tf.matMul(perExample, w.conditioningKernel, false, true); // [B, G]
  return [dx, dc, dKernel, dBias, tf.matMul(c, perExample, true, false)];
}
