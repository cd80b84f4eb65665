/**
 * Config validators shared by every builder. Each throws a {@link ValueError}
 * naming the function, the field, what was expected and what was received.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { invalidField, ValueError } from './errors.js';

/** Checks `value` is a built `tf.LayersModel` (it can be applied and has inputs and outputs). @hidden */
export function checkLayersModel(fn: string, field: string, value: unknown): tfl.LayersModel {
  const m = value as Partial<tfl.LayersModel> | null;
  if (m === null || typeof m !== 'object' || typeof m.apply !== 'function' || !Array.isArray(m.inputs) || !Array.isArray(m.outputs)) {
    throw invalidField(fn, field, 'a tf.LayersModel', value);
  }
  return value as tfl.LayersModel;
}

/** @hidden */
export function checkPositiveInt(fn: string, field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw invalidField(fn, field, 'a positive integer', value);
  }
  return value;
}

/** @hidden */
export function checkNonNegativeInt(fn: string, field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw invalidField(fn, field, 'a non-negative integer', value);
  }
  return value;
}

/** @hidden */
export function checkFiniteNumber(fn: string, field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw invalidField(fn, field, 'a finite number', value);
  }
  return value;
}

/** @hidden */
export function checkPositiveNumber(fn: string, field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw invalidField(fn, field, 'a positive finite number', value);
  }
  return value;
}

/** @hidden */
export function checkOneOf<T extends string>(
  fn: string,
  field: string,
  value: unknown,
  allowed: readonly T[],
): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw invalidField(fn, field, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`, value);
  }
  return value as T;
}

/** @hidden */
export function checkTensor(fn: string, field: string, value: unknown): tf.Tensor {
  if (!(value instanceof tf.Tensor)) {
    throw invalidField(fn, field, 'a tf.Tensor', value);
  }
  if (value.isDisposed) {
    throw new ValueError(`${fn}: invalid \`${field}\`: the tensor has been disposed.`);
  }
  return value;
}

/** Formats a shape as `[a, b, c]`. @hidden */
export function formatShape(shape: readonly (number | null)[]): string {
  return `[${shape.map((d) => (d === null ? 'null' : String(d))).join(', ')}]`;
}

/**
 * Checks that a tensor has the given rank and, where given, dimension sizes
 * (`null` means any size).
 * @hidden
 */
export function checkShape(
  fn: string,
  field: string,
  tensor: tf.Tensor,
  expected: readonly (number | null)[],
): void {
  const ok =
    tensor.rank === expected.length &&
    expected.every((d, i) => d === null || tensor.shape[i] === d);
  if (!ok) {
    throw new ValueError(
      `${fn}: invalid \`${field}\` shape: expected ${formatShape(expected)}, received ${formatShape(tensor.shape)}.`,
    );
  }
}

/** @hidden */
export function checkBoolean(fn: string, field: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw invalidField(fn, field, 'a boolean', value);
  return value;
}

/** An optional seed: `undefined`, or a non-negative integer. @hidden */
export function checkOptionalSeed(fn: string, field: string, value: unknown): number | undefined {
  return value === undefined ? undefined : checkNonNegativeInt(fn, field, value);
}

/** A rate in [0, 1), such as a dropout rate. @hidden */
export function checkRate01(fn: string, field: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) throw invalidField(fn, field, 'a number in [0, 1)', value);
  return value;
}

/** @hidden */
export function checkNonNegativeNumber(fn: string, field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw invalidField(fn, field, 'a non-negative finite number', value);
  }
  return value;
}

/**
 * An optional abort signal: `undefined`, or an object with a boolean `aborted`
 * and an `addEventListener` function (an `AbortSignal`, or a polyfill of one).
 * @hidden
 */
export function checkSignal(fn: string, field: string, value: unknown): AbortSignal | undefined {
  if (value === undefined) return undefined;
  const s = value as Partial<AbortSignal> | null;
  if (s === null || typeof s !== 'object' || typeof s.aborted !== 'boolean' || typeof s.addEventListener !== 'function') {
    throw invalidField(fn, field, 'an AbortSignal (from an AbortController)', value);
  }
  return value as AbortSignal;
}

/**
 * Checks a tensor holds no NaN, reading one boolean back (synchronously), and
 * names the first NaN's flat index. Integer tensors cannot hold NaN and are
 * not read.
 * @hidden
 */
export function checkNoNaN(fn: string, field: string, x: tf.Tensor): void {
  if (x.dtype !== 'float32') return;
  const flags = tf.tidy(() => tf.isNaN(x));
  const any = tf.any(flags);
  let hasNaN: boolean;
  try {
    hasNaN = any.dataSync()[0] === 1;
  } finally {
    any.dispose();
  }
  if (!hasNaN) {
    flags.dispose();
    return;
  }
  const first = tf.tidy(() => tf.argMax(tf.reshape(flags, [-1])));
  flags.dispose();
  const index = first.dataSync()[0]!;
  first.dispose();
  throw new ValueError(`${fn}: invalid \`${field}\`: expected no NaN, received NaN at flat index ${index} (shape ${formatShape(x.shape)}).`);
}
