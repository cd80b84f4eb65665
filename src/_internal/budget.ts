/**
 * The size budget every builder and layer checks before it allocates: the
 * parameter count its config implies (computed in closed form, without
 * creating anything), the largest single tensor, the largest activation of
 * one example where the input size is known, and the number of layers.
 *
 * Limits:
 * - a single tensor holds at most 2^31 − 1 elements (tfjs indexes with int32;
 *   the wasm backend's heap is 32-bit);
 * - the weights of one call total at most {@link DEFAULT_MAX_PARAMETERS}
 *   (2^29 parameters, 2 GiB of float32: half of wasm32's 4 GB heap, leaving
 *   room for activations, gradients and optimizer state), or the caller's
 *   `maxParameters`;
 * - at most {@link MAX_LAYERS} repeated layers or blocks, so that a depth of
 *   1e9 fails at once instead of building layer objects for hours.
 */
import { invalidField, ValueError } from './errors.js';

/** The most elements one tensor may hold: 2^31 − 1. @hidden */
export const MAX_TENSOR_ELEMENTS = 2 ** 31 - 1;

/** The default parameter budget: 2^29 parameters (2 GiB of float32). @hidden */
export const DEFAULT_MAX_PARAMETERS = 2 ** 29;

/** The most repeated layers or blocks a config may ask for. @hidden */
export const MAX_LAYERS = 4096;

/**
 * One weight tensor (or `repeat` tensors of one shape) a config implies, with
 * the config fields its size comes from, for messages.
 * @hidden
 */
export interface WeightTerm {
  /** Config fields that set this size, named in errors (`vocabSize`, `modelDim`). */
  fields: readonly string[];
  /** The tensor's shape. */
  shape: readonly number[];
  /** How many tensors of this shape (one per repeated block). Defaults to 1. */
  repeat?: number;
}

/** The product of a shape, as a float (never overflows to a wrong integer). @hidden */
export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** `3.2e9`, or the integer itself below a million. @hidden */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (n < 1e6) return String(Math.round(n));
  return n.toExponential(1).replace('e+', 'e');
}

/** `1,234,567` below 2^53, else `3.2e20`. @hidden */
export function formatExact(n: number): string {
  return Number.isSafeInteger(n) ? n.toLocaleString('en-US') : formatCount(n);
}

/** `4.0 GiB`, `12.0 MiB`, `512 bytes`. @hidden */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return `${bytes} bytes`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  if (bytes < 1024) return `${bytes} bytes`;
  let v = bytes;
  let unit = 'bytes';
  for (const u of units) {
    if (v < 1024) break;
    v /= 1024;
    unit = u;
  }
  return v >= 1024 ? `${formatCount(bytes)} bytes` : `${v.toFixed(1)} ${unit}`;
}

function fieldList(fields: readonly string[]): string {
  return fields.map((f) => `\`${f}\``).join(', ');
}

/**
 * Checks one tensor of `shape` (a weight, or one example's activation) holds
 * at most 2^31 − 1 elements.
 * @hidden
 */
export function checkTensorSize(fn: string, fields: readonly string[], shape: readonly number[], what = 'a tensor'): void {
  const n = elementCount(shape);
  if (!(n <= MAX_TENSOR_ELEMENTS)) {
    throw new ValueError(
      `${fn}: ${fieldList(fields)} too large: ${what} of shape [${shape.map(formatCount).join(', ')}] would hold ${formatCount(n)} elements, which exceeds 2^31−1 (${formatBytes(n * 4)} of float32).`,
    );
  }
}

/**
 * Checks the caller's `maxParameters` option: `undefined` (the default
 * budget) or a positive integer.
 * @hidden
 */
export function checkMaxParameters(fn: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw invalidField(fn, 'maxParameters', 'a positive integer', value);
  }
  return value;
}

/**
 * Checks a count of repeated layers or blocks against {@link MAX_LAYERS}.
 * @hidden
 */
export function checkLayerCount(fn: string, field: string, count: number): number {
  if (!(count <= MAX_LAYERS)) {
    throw new ValueError(`${fn}: invalid \`${field}\`: expected at most ${MAX_LAYERS} layers in all, the config asks for ${formatCount(count)}.`);
  }
  return count;
}

/**
 * Checks the weights a config implies, before any is created: each tensor at
 * most 2^31 − 1 elements, and their total at most `maxParameters` (else
 * {@link DEFAULT_MAX_PARAMETERS}). Runs in time linear in `terms.length`
 * (repeated blocks are one term with `repeat`).
 *
 * @param fn - The builder or layer, for messages.
 * @param terms - The weight tensors.
 * @param maxParameters - The caller's budget, or `undefined` for the default.
 * @returns The total parameter count.
 * @hidden
 */
export function checkWeightBudget(fn: string, terms: readonly WeightTerm[], maxParameters?: number): number {
  let total = 0;
  let largest: WeightTerm | null = null;
  let largestCount = -1;
  for (const term of terms) {
    checkTensorSize(fn, term.fields, term.shape, 'a weight');
    const count = elementCount(term.shape) * (term.repeat ?? 1);
    total += count;
    if (count > largestCount) {
      largest = term;
      largestCount = count;
    }
  }
  const limit = maxParameters ?? DEFAULT_MAX_PARAMETERS;
  if (!(total <= limit) && largest !== null) {
    const budget =
      maxParameters === undefined
        ? `the default budget of ${formatExact(limit)} parameters (${formatBytes(limit * 4)} of float32; builders take \`maxParameters\` to change it)`
        : `\`maxParameters\` = ${formatExact(limit)}`;
    throw new ValueError(
      `${fn}: the config would allocate ${formatBytes(total * 4)} of weights (${formatExact(total)} parameters), over ${budget}; the largest part comes from ${fieldList(largest.fields)}.`,
    );
  }
  return total;
}

/**
 * The weights of a dense layer `[inputs, units]` plus its bias `[units]`.
 * @hidden
 */
export function denseTerms(fields: readonly string[], inputs: number, units: number, useBias = true): WeightTerm[] {
  return useBias ? [{ fields, shape: [inputs, units] }, { fields, shape: [units] }] : [{ fields, shape: [inputs, units] }];
}

/**
 * The weights of a 2-D (transposed) convolution `[k, k, in, out]` plus its
 * bias `[out]`.
 * @hidden
 */
export function convTerms(fields: readonly string[], kernelSize: number, inputs: number, filters: number, useBias: boolean): WeightTerm[] {
  const kernel: WeightTerm = { fields, shape: [kernelSize, kernelSize, inputs, filters] };
  return useBias ? [kernel, { fields, shape: [filters] }] : [kernel];
}
