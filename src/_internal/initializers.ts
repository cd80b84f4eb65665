/**
 * Weight initializers for the library's own layers: accepted as a tfjs-layers
 * `Initializer`, a name, or the `{ className, config }` form that `getConfig`
 * writes, and serialized back to that form.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { optional } from './config.js';
import { invalidField } from './errors.js';
import type { Initializer, InitializerName } from '../layers/types.js';

export type { Initializer, InitializerName } from '../layers/types.js';

/** `{ className, config }`: how `getConfig` stores an initializer. @hidden */
export interface SerializedInitializer {
  className: string;
  config: tf.serialization.ConfigDict;
}

const NAMED: Record<InitializerName, (seed: number | undefined) => Initializer> = {
  glorotUniform: (seed) => tfl.initializers.glorotUniform(optional('seed', seed)),
  glorotNormal: (seed) => tfl.initializers.glorotNormal(optional('seed', seed)),
  heUniform: (seed) => tfl.initializers.heUniform(optional('seed', seed)),
  heNormal: (seed) => tfl.initializers.heNormal(optional('seed', seed)),
  leCunUniform: (seed) => tfl.initializers.leCunUniform(optional('seed', seed)),
  leCunNormal: (seed) => tfl.initializers.leCunNormal(optional('seed', seed)),
  zeros: () => tfl.initializers.zeros(),
  ones: () => tfl.initializers.ones(),
};

/**
 * A resolved initializer argument: `make(i)` gives the initializer of a
 * layer's `i`-th weight. A named (or default) initializer with a seed gets a
 * different seed per weight, since a seeded tfjs initializer returns the same
 * values on every call (and would make, say, query and key kernels equal).
 * @hidden
 */
export interface InitializerSpec {
  make(index: number): Initializer;
  /** What `getConfig` stores: the name, or `{ className, config }`. */
  config: string | SerializedInitializer;
}

/** A seed per weight, decorrelated from neighbouring layer seeds. @hidden */
export function weightSeed(seed: number, index: number): number {
  return (Math.imul(seed + 1, 0x9e3779b1) + Math.imul(index + 1, 0x85ebca6b)) >>> 1;
}

/**
 * The seed of a named random stream derived from `seed` (`undefined` without
 * a seed): a layer's dropout or noise, a builder's sampler, or one model of
 * a builder that makes several. The name is hashed (FNV-1a) into an index of
 * {@link weightSeed} at or above 2^30, so a stream never meets the seeds
 * `layerSeeds(seed)` gives the first 2^30 layers.
 * @hidden
 */
export function streamSeed(seed: number | undefined, stream: string): number | undefined {
  if (seed === undefined) return undefined;
  let hash = 0x811c9dc5;
  for (let i = 0; i < stream.length; i++) hash = Math.imul(hash ^ stream.charCodeAt(i), 0x01000193);
  return weightSeed(seed, (hash >>> 2) | 0x40000000);
}

/**
 * The seeds of a builder's layers, one rule for every builder:
 * `layerSeeds(seed)(i)` is `weightSeed(seed, i)`, the seed of its `i`-th
 * seeded layer; with a `stream` (one model of several, such as
 * `'discriminator'`), layer `i` of that stream gets
 * `weightSeed(streamSeed(seed, stream), i)`. Without a seed every layer is
 * unseeded (`undefined`).
 *
 * @param seed - The builder's seed.
 * @param stream - Names the model or part the layers belong to.
 * @returns The seed of layer `index`.
 * @hidden
 */
export function layerSeeds(seed: number | undefined, stream?: string): (index: number) => number | undefined {
  const base = stream === undefined ? seed : streamSeed(seed, stream);
  return (index) => (base === undefined ? undefined : weightSeed(base, index));
}

/**
 * Counts a builder's layers for {@link layerSeeds}: each `next()` gives the
 * seed of the next layer. @hidden
 */
export interface LayerSeedCounter {
  next(): number | undefined;
}

/** A {@link LayerSeedCounter} over `layerSeeds(seed, stream)`. @hidden */
export function layerSeedCounter(seed: number | undefined, stream?: string): LayerSeedCounter {
  const seeds = layerSeeds(seed, stream);
  let index = 0;
  return { next: () => seeds(index++) };
}

/**
 * Resolves an initializer argument (an Initializer, a name, or
 * `{ className, config }`); `undefined` takes `fallback`, called with each
 * weight's seed. `seed` seeds named initializers.
 * @hidden
 */
export function resolveInitializer(
  fn: string,
  field: string,
  value: unknown,
  fallback: InitializerName | ((seed: number | undefined) => Initializer),
  seed?: number,
): InitializerSpec {
  const seeded = (factory: (s: number | undefined) => Initializer) => (i: number) =>
    factory(seed === undefined ? undefined : weightSeed(seed, i));
  if (value === undefined) {
    if (typeof fallback === 'function') return { make: seeded(fallback), config: serializeInitializer(fallback(seed)) };
    return { make: seeded(NAMED[fallback]), config: fallback };
  }
  if (typeof value === 'string' && Object.hasOwn(NAMED, value)) {
    return { make: seeded(NAMED[value as InitializerName]), config: value };
  }
  if (value !== null && typeof value === 'object') {
    const v = value as Partial<Initializer> & Partial<SerializedInitializer>;
    if (typeof v.apply === 'function' && typeof v.getClassName === 'function') {
      const init = value as Initializer;
      return { make: () => init, config: serializeInitializer(init) };
    }
    if (typeof v.className === 'string') {
      const entry = tf.serialization.SerializationMap.getMap().classNameMap[v.className];
      if (entry !== undefined) {
        const [cls, fromConfig] = entry;
        const init = fromConfig(cls, v.config ?? {}) as unknown as Initializer;
        return { make: () => init, config: { className: v.className, config: v.config ?? {} } };
      }
    }
  }
  throw invalidField(fn, field, `an initializer or one of ${Object.keys(NAMED).map((n) => `'${n}'`).join(', ')}`, value);
}

/** @hidden */
export function serializeInitializer(init: Initializer): SerializedInitializer {
  return { className: init.getClassName(), config: init.getConfig() };
}

/** N(0, 0.02), GPT-2's initializer for embeddings and kernels. @hidden */
export function gpt2NormalInitializer(seed: number | undefined): Initializer {
  return tfl.initializers.randomNormal(seed === undefined ? { mean: 0, stddev: 0.02 } : { mean: 0, stddev: 0.02, seed });
}
