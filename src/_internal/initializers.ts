/**
 * Weight initializers for the library's own layers: accepted as a tfjs-layers
 * `Initializer`, a name, or the `{ className, config }` form that `getConfig`
 * writes, and serialized back to that form.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { invalidField } from './errors.js';
import type { Initializer, InitializerName } from '../layers/types.js';

export type { Initializer, InitializerName } from '../layers/types.js';

/** `{ className, config }`: how `getConfig` stores an initializer. @hidden */
export interface SerializedInitializer {
  className: string;
  config: tf.serialization.ConfigDict;
}

const NAMED: Record<InitializerName, (seed: number | undefined) => Initializer> = {
  glorotUniform: (seed) => tfl.initializers.glorotUniform(seed === undefined ? {} : { seed }),
  glorotNormal: (seed) => tfl.initializers.glorotNormal(seed === undefined ? {} : { seed }),
  heUniform: (seed) => tfl.initializers.heUniform(seed === undefined ? {} : { seed }),
  heNormal: (seed) => tfl.initializers.heNormal(seed === undefined ? {} : { seed }),
  leCunUniform: (seed) => tfl.initializers.leCunUniform(seed === undefined ? {} : { seed }),
  leCunNormal: (seed) => tfl.initializers.leCunNormal(seed === undefined ? {} : { seed }),
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
export function normal002(seed: number | undefined): Initializer {
  return tfl.initializers.randomNormal(seed === undefined ? { mean: 0, stddev: 0.02 } : { mean: 0, stddev: 0.02, seed });
}
