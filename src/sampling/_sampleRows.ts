// The draw shared by sampleLogits and generate: temperature, top-k (Fan et al. 2018,
// https://arxiv.org/abs/1805.04833) and nucleus / top-p sampling (Holtzman et al. 2019,
// https://arxiv.org/abs/1904.09751), by the Gumbel-max trick; and the validation of its options.
//
// Legend: B batch, V vocabulary, K kept candidates.
import * as tf from '@tensorflow/tfjs-core';
import { invalidField } from '../_internal/errors.js';
import { checkPositiveInt } from '../_internal/validate.js';

/** @hidden */
export interface ResolvedSampling {
  temperature: number;
  topK: number | undefined;
  topP: number;
}

/** Validates the sampling options (shared with `generate`). @hidden */
export function resolveSampling(fn: string, options: { temperature?: unknown; topK?: unknown; topP?: unknown }): ResolvedSampling {
  const temperature = options.temperature ?? 1;
  if (typeof temperature !== 'number' || !Number.isFinite(temperature) || temperature < 0) {
    throw invalidField(fn, 'temperature', 'a finite number >= 0', temperature);
  }
  const topK = options.topK === undefined ? undefined : checkPositiveInt(fn, 'topK', options.topK);
  const topP = options.topP ?? 1;
  if (typeof topP !== 'number' || !(topP > 0 && topP <= 1)) throw invalidField(fn, 'topP', 'a number in (0, 1]', topP);
  return { temperature, topK, topP };
}

/** The id of a row whose logits are all −∞: no token can be drawn. @hidden */
export const NO_CANDIDATE = -1;
/** The id of a row whose logits contain NaN. @hidden */
export const NAN_LOGITS = -2;

/**
 * The draw itself, without validation. Defined for every row: a row holding
 * +∞ draws uniformly among its +∞ tokens (the most likely ones); the logits
 * are shifted by their row maximum before the temperature divides them, so a
 * tiny temperature tends to the argmax instead of overflowing; a row with NaN
 * gives {@link NAN_LOGITS} and a row of −∞ gives {@link NO_CANDIDATE}.
 * @hidden
 */
export function sampleRows(rows: tf.Tensor2D, sampling: ResolvedSampling, seed: number | undefined): tf.Tensor1D {
  const posInf = tf.equal(rows, Infinity);
  const finite = tf.where(tf.any(posInf, 1, true), tf.where(posInf, tf.zerosLike(rows), tf.fill(rows.shape, -Infinity)), rows); // [B, V]
  const ids = drawRows(tf.sub(finite, tf.max(finite, 1, true)) as tf.Tensor2D, sampling, seed); // max 0 per row
  const empty = tf.all(tf.equal(finite, -Infinity), 1); // [B]
  const nan = tf.any(tf.isNaN(rows), 1); // [B]
  return tf.where(nan, tf.fill(ids.shape, NAN_LOGITS, 'int32'), tf.where(empty, tf.fill(ids.shape, NO_CANDIDATE, 'int32'), ids)) as tf.Tensor1D;
}

/** Temperature, top-k, top-p and the draw, on rows whose maximum is 0. */
function drawRows(rows: tf.Tensor2D, { temperature, topK, topP }: ResolvedSampling, seed: number | undefined): tf.Tensor1D {
  const [b, v] = rows.shape;
  if (temperature === 0) return tf.cast(tf.argMax(rows, 1), 'int32') as tf.Tensor1D;
  const k = Math.min(topK ?? v, v);
  const scaled = tf.div(rows, temperature) as tf.Tensor2D;
  if (k === v && topP >= 1) return gumbelArgMax(scaled, seed);
  const { values, indices } = tf.topk(scaled, k); // [B, K], sorted descending
  let candidates: tf.Tensor2D = values;
  if (topP < 1) {
    // Keep candidate j while the mass of the candidates before it is < topP: the smallest prefix reaching topP.
    const before = tf.cumsum(tf.softmax(values), 1, true); // exclusive cumulative mass [B, K]
    candidates = tf.where(tf.less(before, topP), values, tf.fill([b, k], -Infinity)) as tf.Tensor2D;
  }
  const choice = gumbelArgMax(candidates, seed); // [B] index into each row's candidates
  // indices[r, choice[r]] as a flat gather (gather with batchDims reads out of bounds on tfjs-backend-wasm 4.22).
  const flat = tf.add(tf.mul(tf.range(0, b, 1, 'int32'), tf.scalar(k, 'int32')), choice); // [B]
  return tf.gather(tf.reshape(indices, [b * k]), flat) as tf.Tensor1D;
}

/**
 * One categorical draw per row by the Gumbel-max trick: `argmax(l + g)` with
 * `g = -log(-log(u))`, `u ~ U(0, 1)`, is distributed as `softmax(l)`
 * (Gumbel 1954; Maddison et al. 2014). Unlike `tf.multinomial`, whose seeded
 * draw repeats the same uniform number on every row, each row gets its own.
 * Rows of `-∞` are never chosen.
 */
function gumbelArgMax(logits: tf.Tensor2D, seed: number | undefined): tf.Tensor1D {
  const u = tf.randomUniform(logits.shape, 1e-20, 1, 'float32', seed);
  const gumbel = tf.neg(tf.log(tf.neg(tf.log(u))));
  return tf.cast(tf.argMax(tf.add(logits, gumbel), 1), 'int32') as tf.Tensor1D;
}

/**
 * How many uniform numbers {@link drawRowsData} takes for `b` rows of `v`
 * logits: one per candidate (`b·min(topK, v)`), none for temperature 0.
 * @hidden
 */
export function noiseSize(sampling: ResolvedSampling, b: number, v: number): number {
  return sampling.temperature === 0 ? 0 : b * Math.min(sampling.topK ?? v, v);
}

/**
 * {@link sampleRows} on logits read back to the CPU, for callers that are
 * async anyway (`generate`): no kernel runs, so no backend reads anything
 * back synchronously (tfjs's webgl TopK kernel does, for rows shorter than
 * 100000). `noise` is `tf.randomUniform([noiseSize(…)], 1e-20, 1, 'float32', seed)`,
 * the numbers the backend path draws with the same seed; every step is
 * rounded to float32 as the cpu backend's kernels round it, so on the cpu
 * backend the ids equal {@link sampleRows}'s for the same seed.
 * @hidden
 */
export function drawRowsData(logits: Float32Array, b: number, v: number, sampling: ResolvedSampling, noise: Float32Array | null): Int32Array {
  const ids = new Int32Array(b);
  const k = Math.min(sampling.topK ?? v, v);
  for (let r = 0; r < b; r++) {
    const row = logits.subarray(r * v, (r + 1) * v);
    ids[r] = drawRowData(row, sampling, noise === null ? null : noise.subarray(r * k, (r + 1) * k));
  }
  return ids;
}

const f32 = Math.fround;

/** One row of {@link drawRowsData}: the special rows, then the shift by the row maximum and the draw. */
function drawRowData(row: Float32Array, sampling: ResolvedSampling, noise: Float32Array | null): number {
  let hasNaN = false;
  let hasPosInf = false;
  for (const x of row) {
    if (Number.isNaN(x)) hasNaN = true;
    else if (x === Infinity) hasPosInf = true;
  }
  if (hasNaN) return NAN_LOGITS;
  // With +∞ present, its tokens become 0 and every other −∞ (a uniform draw among the +∞ ones).
  const finite = hasPosInf ? row.map((x) => (x === Infinity ? 0 : -Infinity)) : row;
  let max = -Infinity;
  for (const x of finite) if (x > max) max = x;
  if (max === -Infinity) return NO_CANDIDATE;
  const { temperature, topK, topP } = sampling;
  const shifted = finite.map((x) => f32(x - max));
  if (temperature === 0) return argMaxOf(shifted);
  const t = f32(temperature);
  const scaled = shifted.map((x) => f32(x / t));
  const v = scaled.length;
  const k = Math.min(topK ?? v, v);
  if (k === v && topP >= 1) return argMaxOf(addGumbel(scaled, noise!));
  // tf.topk's order: value descending, then index ascending.
  const order = Array.from(scaled.keys())
    .sort((a, b) => (scaled[a]! === scaled[b]! ? a - b : scaled[b]! - scaled[a]!))
    .slice(0, k);
  let candidates = Float32Array.from(order, (i) => scaled[i]!);
  if (topP < 1) {
    // softmax as the cpu kernel computes it (float32 exp, float64 sum rounded), then the exclusive cumulative mass.
    const top = candidates[0]!;
    const e = candidates.map((x) => f32(Math.exp(f32(x - top))));
    let z = 0;
    for (const x of e) z += x;
    const sum = f32(z);
    const p = f32(topP); // tf.less compares with a float32 scalar
    let before = 0;
    candidates = candidates.map((x, j) => {
      if (j > 0) before = f32(before + f32(e[j - 1]! / sum));
      return before < p ? x : -Infinity;
    });
  }
  return order[argMaxOf(addGumbel(candidates, noise!))]!;
}

/** `logits + g`, `g = -log(-log(u))`, rounded as float32 kernels round each step. */
function addGumbel(logits: Float32Array, u: Float32Array): Float32Array {
  return logits.map((l, i) => f32(l + -f32(Math.log(-f32(Math.log(u[i]!))))));
}

/** The first index of the largest value (as tf.argMax). */
function argMaxOf(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}
