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
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  if (Array.isArray(value)) return `[${value.map(describeValue).join(', ')}]`;
  if (typeof value === 'function') return 'a function';
  const ctor = (value as { constructor?: { name?: string } }).constructor?.name;
  return ctor !== undefined && ctor !== 'Object' ? `a ${ctor}` : JSON.stringify(value);
}

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
