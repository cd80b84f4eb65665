import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { seedSource } from '../_internal/random.js';
import { imagePool } from './_imagePool.js';

/** Batch of `n` 1×1×1 images whose values are their ids. */
const ids = (from: number, n: number) => tf.tensor4d(Array.from({ length: n }, (_, i) => from + i), [n, 1, 1, 1]);

describe('imagePool', () => {
  it('returns the new images while filling, then each is swapped for a stored one with probability ½', () => {
    const before = tf.memory().numTensors;
    const pool = imagePool(4, seedSource(1));
    const first = ids(0, 4);
    const out0 = pool.query(first);
    expect(Array.from(out0.dataSync())).toEqual([0, 1, 2, 3]); // filling: returned as given
    expect(pool.size).toBe(4);
    let fromHistory = 0;
    let total = 0;
    const seen = new Set<number>([0, 1, 2, 3]);
    for (let q = 1; q <= 100; q++) {
      const batch = ids(q * 10, 4);
      const out = pool.query(batch);
      for (let i = 0; i < 4; i++) seen.add(q * 10 + i); // an image may be stored and handed back within its own batch
      expect(out.shape).toEqual([4, 1, 1, 1]);
      for (const [i, v] of Array.from(out.dataSync()).entries()) {
        total++;
        if (v !== q * 10 + i) {
          fromHistory++;
          expect(seen.has(v)).toBe(true); // an image stored before
        }
      }
      tf.dispose([batch, out]);
    }
    expect(fromHistory / total).toBeGreaterThan(0.4);
    expect(fromHistory / total).toBeLessThan(0.6);
    expect(pool.size).toBe(4);
    pool.dispose();
    tf.dispose([first, out0]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is a pass-through copy with capacity 0, and deterministic for a seed', () => {
    const before = tf.memory().numTensors;
    const none = imagePool(0, seedSource(1));
    const x = ids(5, 3);
    const y = none.query(x);
    expect(Array.from(y.dataSync())).toEqual([5, 6, 7]);
    tf.dispose([y]);
    const run = (seed: number) => {
      const pool = imagePool(2, seedSource(seed));
      const outs: number[] = [];
      for (let q = 0; q < 20; q++) {
        const b = ids(q * 3, 3);
        const o = pool.query(b);
        outs.push(...Array.from(o.dataSync()));
        tf.dispose([b, o]);
      }
      pool.dispose();
      return outs;
    };
    expect(run(3)).toEqual(run(3));
    expect(run(3)).not.toEqual(run(4));
    x.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
