/**
 * The one helper that formats "who, which field, what was expected, what was
 * received" messages. The error classes themselves are public, in `src/errors.ts`;
 * they are re-exported here so that internal code has one import for both.
 */
import { ValueError } from '../errors.js';

export { NonFiniteLossError, NotImplementedError, ValueError } from '../errors.js';

/**
 * Formats a received value for an error message: arrays and shapes as
 * `[a, b]`, strings quoted, objects by constructor name.
 * @hidden
 */
export function describeValue(value: unknown, depth = 0): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.length > MAX_TEXT ? `${value.slice(0, MAX_TEXT)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return value.toString();
  // Never throw while describing (circular, BigInt-holding or huge values): bounded depth and length.
  if (Array.isArray(value)) {
    if (depth >= 2) return `[… ${value.length} items]`;
    const shown = value.slice(0, MAX_ITEMS).map((v) => describeValue(v, depth + 1));
    return `[${shown.join(', ')}${value.length > MAX_ITEMS ? `, … ${value.length - MAX_ITEMS} more` : ''}]`;
  }
  const ctor = (value as { constructor?: { name?: string } }).constructor?.name;
  if (ctor !== undefined && ctor !== 'Object') return `a ${ctor}`;
  try {
    const text = JSON.stringify(value);
    return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
  } catch {
    return 'an object that cannot be written as JSON (circular, or holding a BigInt)';
  }
}

const MAX_TEXT = 200;
const MAX_ITEMS = 8;

/**
 * Builds the library's standard error for an invalid field.
 * @hidden
 */
export function invalidField(
  fn: string,
  field: string,
  expected: string,
  received: unknown,
): ValueError {
  return new ValueError(
    `${fn}: invalid \`${field}\`: expected ${expected}, received ${describeValue(received)}.`,
  );
}
