/**
 * The one rule for the callbacks of trainers and samplers (`onStep`,
 * `onEpochEnd`, `onToken`, `onProgress`): optional, and a function when given.
 * A named cross-folder contract: `sampling/` and `audio/` use it too.
 */
import { invalidField } from '../_internal/errors.js';
import { checkSignal } from '../_internal/validate.js';

/**
 * Throws a ValueError naming `fn` and the field for each of `names` that
 * `options` holds and that is not a function (`undefined` passes), and for a
 * `signal` that is not an AbortSignal.
 *
 * @param fn - The public function, for the message.
 * @param options - The caller's options object.
 * @param names - The callback fields to check.
 * @hidden
 */
export function checkCallbacks(fn: string, options: object, names: readonly string[]): void {
  for (const name of names) {
    const value = (options as Record<string, unknown>)[name];
    if (value !== undefined && typeof value !== 'function') throw invalidField(fn, name, 'a function', value);
  }
  // Every loop that takes callbacks also takes an abort signal.
  checkSignal(fn, 'signal', (options as { signal?: unknown }).signal);
}
