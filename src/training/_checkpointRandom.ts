/**
 * Randomness keyed by position: every draw a training loop makes is taken
 * from a stream named by what it is for and where it happens (`'epoch'` 3's
 * shuffle, `'step'` 120's noise), each stream a pure function of
 * `(seed, name, index)`. The random state of a run is then its position, and a
 * checkpoint that records the seed and the position resumes the draws exactly.
 */
import { seedSource, type SeedSource } from '../_internal/random.js';

/** A {@link SeedSource} whose stream is chosen by {@link KeyedSeedSource.at}. @hidden */
export interface KeyedSeedSource extends SeedSource {
  /** The seed every stream derives from (drawn at random when the caller gave none). */
  readonly seed: number;
  /** Switches to the stream of `(seed, name, index)`, from its start. */
  at(name: string, index: number): void;
  /** Replaces the seed (a resumed run takes its checkpoint's) and restarts the current stream. */
  reseed(seed: number): void;
}

/** Murmur3's 32-bit finalizer over `h ^ v`: a well-mixed hash of two 32-bit words. */
function mix(h: number, v: number): number {
  let x = Math.imul((h ^ v) >>> 0, 0xcc9e2d51);
  x = Math.imul((x << 15) | (x >>> 17), 0x1b873593);
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** FNV-1a of a stream name. */
function nameHash(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * A keyed source: `seed` (a non-negative integer), or a random one. Starts on
 * the stream `('start', 0)`. Indices up to 2⁵³ are told apart (the high and
 * low 32-bit words are both mixed in).
 * @hidden
 */
export function keyedSeedSource(seed: number | undefined): KeyedSeedSource {
  let base = seed ?? Math.floor(Math.random() * 2 ** 32);
  let key: [string, number] = ['start', 0];
  let stream: SeedSource;
  const select = (): void => {
    const [name, index] = key;
    const high = Math.floor(index / 2 ** 32);
    stream = seedSource(mix(mix(mix(mix(0x9e3779b9, base >>> 0), Math.floor(base / 2 ** 32)), nameHash(name)), mix(index >>> 0, high)));
  };
  select();
  return {
    get seed() {
      return base;
    },
    next: () => stream.next(),
    nextSeed: () => stream.nextSeed(),
    at(name, index) {
      key = [name, index];
      select();
    },
    reseed(value) {
      base = value;
      select();
    },
  };
}
