// Shared pieces of the property-based suites: run counts, hostile values, and
// the one assertion every case makes about a failure.
import fc from 'fast-check';
import { expect } from 'vitest';
import { ValueError } from '../../src/errors.js';

/**
 * Runs per property: `base` in CI, times `FUZZ_RUNS` when it is set
 * (`npm run fuzz` sets it for a long run).
 */
export function runs(base: number): number {
  const scale = Number(process.env.FUZZ_RUNS ?? '1');
  return Math.max(1, Math.round(base * (Number.isFinite(scale) && scale > 0 ? scale : 1)));
}

/** A fixed seed in CI (reproducible), a random one for `npm run fuzz`; printed on failure by fast-check. */
export const FUZZ_SEED = process.env.FUZZ_SEED === undefined ? (process.env.FUZZ_RUNS === undefined ? 19 : Date.now() % 2 ** 31) : Number(process.env.FUZZ_SEED);

/** The longest one case may take, in ms (issue 19: no hang over 1 s). */
export const CASE_LIMIT_MS = 1000;

function circular(): Record<string, unknown> {
  const o: Record<string, unknown> = { a: 1 };
  o.self = o;
  return o;
}

/** Values a careless or hostile caller might put in a numeric field. */
export const hostileNumber = fc.oneof(
  fc.constantFrom(Number.NaN, Infinity, -Infinity, 1e9, 2 ** 31, 2 ** 53, 1e300, -1, 0, -0, 0.5, 1.5, Number.MIN_VALUE, -1e9),
  fc.double(),
  fc.integer({ min: -10, max: 1e6 }),
);

/** Anything at all: wrong types included. */
export const hostileValue = fc.oneof(
  hostileNumber,
  fc.constantFrom<unknown>(null, undefined, true, false, '', '4', 'gelu', [], [2], {}, 10n, 2n ** 80n, Symbol('s'), () => 1, new Date(0)),
  fc.string({ maxLength: 8 }),
  fc.array(fc.oneof(fc.integer({ min: -2, max: 6 }), hostileNumber), { maxLength: 4 }),
  fc.constant(null).map(() => circular()),
  fc.bigInt(),
);

/**
 * Asserts `error` is a ValueError (or one of its subclasses) whose message
 * starts with `fn` and names a field in backticks.
 */
export function expectNamedValueError(error: unknown, fn: string | RegExp): void {
  if (!(error instanceof ValueError)) throw new Error(`expected a ValueError, got ${describe(error)}`);
  const message = error.message;
  if (typeof fn === 'string') expect(message.startsWith(fn), message).toBe(true);
  else expect(message).toMatch(fn);
  expect(message, message).toMatch(/`[^`]+`/);
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.constructor.name}: ${error.message}\n${error.stack}` : String(error);
}

/** Milliseconds `f` took, and what it threw (or `null`). */
export function timed<T>(f: () => T): { ms: number; value: T | null; error: unknown } {
  const t0 = performance.now();
  try {
    const value = f();
    return { ms: performance.now() - t0, value, error: null };
  } catch (error) {
    return { ms: performance.now() - t0, value: null, error };
  }
}

/** The async form of {@link timed}. */
export async function timedAsync<T>(f: () => Promise<T>): Promise<{ ms: number; value: T | null; error: unknown }> {
  const t0 = performance.now();
  try {
    const value = await f();
    return { ms: performance.now() - t0, value, error: null };
  } catch (error) {
    return { ms: performance.now() - t0, value: null, error };
  }
}
