/**
 * Error classes thrown by tfjs-generative, and the one helper that formats
 * "who, which field, what was expected, what was received" messages.
 */

/**
 * Thrown when an argument, a config field or a tensor shape is invalid.
 *
 * Messages follow one pattern: `` fnName: invalid `field`: expected …, received …. ``
 *
 * @category Errors
 */
export class ValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValueError';
  }
}

/**
 * Thrown when a requested feature is not implemented.
 *
 * @category Errors
 */
export class NotImplementedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotImplementedError';
  }
}

/**
 * Thrown by training loops when a loss becomes NaN or infinite. The message
 * names the step and the loss.
 *
 * @category Errors
 */
export class NonFiniteLossError extends Error {
  /** Zero-based step at which the non-finite loss appeared. */
  readonly step: number;
  constructor(message: string, step: number) {
    super(message);
    this.name = 'NonFiniteLossError';
    this.step = step;
  }
}

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
