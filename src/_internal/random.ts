/**
 * A small seeded pseudo-random source for the library's own choices
 * (shuffling, per-step seeds of tf.random* ops). Mulberry32: 32-bit state,
 * fast and good enough for shuffling and seeding, not for cryptography.
 */

/** @hidden */
export interface SeedSource {
  /** Uniform float in [0, 1). */
  next(): number;
  /** A fresh integer seed for a tf.random* op. */
  nextSeed(): number;
}

/**
 * With a seed, a deterministic stream; without one, seeded from Math.random.
 * @hidden
 */
export function seedSource(seed?: number): SeedSource {
  let state = (seed ?? Math.floor(Math.random() * 2 ** 32)) >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, nextSeed: () => Math.floor(next() * 2 ** 31) };
}

/** Fisher–Yates shuffle of `0..n-1`. @hidden */
export function shuffledIndices(n: number, rng: SeedSource): Int32Array {
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    const t = idx[i]!;
    idx[i] = idx[j]!;
    idx[j] = t;
  }
  return idx;
}
