/** A categorical draw from logits held in a plain array (sample-by-sample loops). */
import type { SeedSource } from './random.js';

/**
 * Draws an index from `softmax(logits / temperature)` with one uniform number
 * from `rng` (inverse CDF); `temperature` 0 is the argmax (no number drawn).
 * @hidden
 */
export function drawFromLogits(logits: ArrayLike<number>, temperature: number, rng: SeedSource): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i]! > logits[best]!) best = i;
  if (temperature === 0) return best;
  const max = logits[best]!;
  const weights = new Float64Array(logits.length);
  let total = 0;
  for (let i = 0; i < logits.length; i++) {
    weights[i] = Math.exp((logits[i]! - max) / temperature);
    total += weights[i]!;
  }
  let u = rng.next() * total;
  for (let i = 0; i < weights.length; i++) {
    u -= weights[i]!;
    if (u < 0) return i;
  }
  return best; // rounding left u ≥ 0 at the end: the last non-zero weight is at most ulp away
}
