import { describe, expect, it } from 'vitest';
import { layerSeedCounter, layerSeeds, streamSeed, weightSeed } from './initializers.js';

describe('layerSeeds', () => {
  it('gives layer i of the default stream weightSeed(seed, i), and nothing without a seed', () => {
    expect([0, 1, 7].map(layerSeeds(5))).toEqual([weightSeed(5, 0), weightSeed(5, 1), weightSeed(5, 7)]);
    expect([0, 1].map(layerSeeds(undefined))).toEqual([undefined, undefined]);
    expect([0, 1].map(layerSeeds(undefined, 'generator'))).toEqual([undefined, undefined]);
    expect(streamSeed(undefined, 'dropout')).toBeUndefined();
  });

  it('gives each named stream its own seeds, the same on every call, apart from the default stream', () => {
    const indices = Array.from({ length: 200 }, (_, i) => i);
    const streams = [undefined, 'generator', 'discriminator', 'generatorAB', 'generatorBA', 'block'];
    const all = streams.flatMap((stream) => indices.map(layerSeeds(3, stream)));
    expect(new Set(all).size).toBe(all.length);
    expect(indices.map(layerSeeds(3, 'block'))).toEqual(indices.map(layerSeeds(3, 'block')));
    expect(all.every((s) => Number.isInteger(s) && s! >= 0 && s! < 2 ** 31)).toBe(true);
    expect(streamSeed(3, 'dropout')).toBe(streamSeed(3, 'dropout'));
    expect(streamSeed(3, 'dropout')).not.toBe(streamSeed(4, 'dropout'));
    expect(indices.map(layerSeeds(3))).not.toContain(streamSeed(3, 'dropout'));
  });

  it('counts layers in order', () => {
    const counter = layerSeedCounter(9, 'discriminator');
    expect([counter.next(), counter.next(), counter.next()]).toEqual([0, 1, 2].map(layerSeeds(9, 'discriminator')));
  });
});
