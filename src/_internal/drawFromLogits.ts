/** A categorical draw from logits held in a plain array (sample-by-sample loops). */
import type { SeedSource } from './random.js';

/**
 * Draws an index from `softmax(logits / temperature)` with one uniform number
 * from `rng` (inverse CDF); `temperature` 0 is the argmax (no number drawn).
 * Defined for every input, as `sampleLogits` is: the logits are shifted by
 * their maximum before the temperature divides them; `+Infinity` logits are
 * the only candidates, equally likely; NaN anywhere returns -2 and all
 * `-Infinity` returns -1 (the caller raises, naming its step).
 * @hidden
 */
export function drawFromLogits(logits: ArrayLike<number>, temperature: number, rng: SeedSource): number {
  let best = 0;
  let infinities = 0;
  for (let i = 0; i < logits.length; i++) {
    const l = logits[i]!;
    if (Number.isNaN(l)) return -2;
    if (l === Infinity) infinities++;
    if (l > logits[best]!) best = i;
  }
  if (logits.length === 0 || logits[best] === -Infinity) return -1;
  if (infinities > 0) {
    if (temperature === 0 || infinities === 1) return best;
    // Equally likely among the +Infinity logits.
    let pick = Math.floor(rng.next() * infinities);
    for (let i = 0; i < logits.length; i++) if (logits[i] === Infinity && pick-- === 0) return i;
  }
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
