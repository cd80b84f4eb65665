import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { interpolateLatents } from './interpolateLatents.js';

const rows = (t: tf.Tensor) => t.arraySync() as number[][];

describe('interpolateLatents', () => {
  it('linear: evenly spaced points from a to b', () => {
    const out = interpolateLatents([0, 2], [4, -2], 5);
    expect(out.shape).toEqual([5, 2]);
    const expected = [[0, 2], [1, 1], [2, 0], [3, -1], [4, -2]];
    rows(out).forEach((r, i) => r.forEach((v, j) => expect(v).toBeCloseTo(expected[i]![j]!, 6)));
    out.dispose();
  });

  it('slerp: follows the great circle between orthogonal unit vectors', () => {
    const out = interpolateLatents(tf.tensor1d([1, 0]), tf.tensor2d([[0, 1]]), 3, { method: 'slerp' });
    const [a, mid, b] = rows(out);
    expect(a![0]).toBeCloseTo(1, 6);
    expect(b![1]).toBeCloseTo(1, 6);
    // Closed form: the midpoint is (cos 45°, sin 45°), of norm 1 (lerp would give norm √½).
    expect(mid![0]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(mid![1]).toBeCloseTo(Math.SQRT1_2, 6);
    out.dispose();
  });

  it('slerp of parallel vectors falls back to lerp', () => {
    const out = interpolateLatents([1, 1], [2, 2], 3, { method: 'slerp' });
    rows(out)[1]!.forEach((v) => expect(v).toBeCloseTo(1.5, 5));
    out.dispose();
  });

  it('leaks no tensors and rejects bad arguments', () => {
    const a = tf.tensor1d([1, 2, 3]);
    const before = tf.memory().numTensors;
    interpolateLatents(a, a, 4, { method: 'slerp' }).dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => interpolateLatents(a, [1, 2], 3)).toThrow(/interpolateLatents: `a` and `b` must have the same size: received \[3\] and \[2\]/);
    expect(() => interpolateLatents(a, a, 1)).toThrow(/interpolateLatents: invalid `steps`: expected an integer >= 2, received 1/);
    // @ts-expect-error: not a method.
    expect(() => interpolateLatents(a, a, 3, { method: 'cubic' })).toThrow(/invalid `method`: expected one of 'linear', 'slerp', received "cubic"/);
    const m = tf.zeros([2, 3]);
    expect(() => interpolateLatents(m, a, 3)).toThrow(/invalid `a` shape: expected \[Z\] or \[1, Z\], received \[2, 3\]/);
    tf.dispose([a, m]);
  });
});
