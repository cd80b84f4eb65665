/**
 * The error classes tfjs-generative throws. Every subpath re-exports them, so
 * `instanceof ValueError` holds whichever entry a caller imported from.
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
