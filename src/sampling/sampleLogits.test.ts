import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BACKENDS, expectNoLeaks, useBackend } from '../../test/backends.js';
import { sampleLogits, type SampleLogitsOptions } from './sampleLogits.js';

const probs = [0.4, 0.25, 0.15, 0.1, 0.06, 0.04];
const logits = probs.map(Math.log);

/** The truncated, renormalised distribution, computed independently in plain JS. */
function expected({ temperature = 1, topK, topP = 1 }: SampleLogitsOptions): number[] {
  const scaled = logits.map((l) => l / temperature);
  const max = Math.max(...scaled);
  const e = scaled.map((s) => Math.exp(s - max));
  const z = e.reduce((a, b) => a + b);
  const order = e.map((_, i) => i).sort((a, b) => e[b]! - e[a]!);
  let kept = order.slice(0, topK ?? order.length);
  const zk = kept.reduce((a, i) => a + e[i]!, 0);
  let mass = 0;
  const nucleus: number[] = [];
  for (const i of kept) {
    nucleus.push(i);
    mass += e[i]! / zk;
    if (mass >= topP) break;
  }
  kept = nucleus;
  const zn = kept.reduce((a, i) => a + e[i]!, 0);
  void z;
  return e.map((v, i) => (kept.includes(i) ? v / zn : 0));
}

describe.each(BACKENDS)('sampleLogits on %s', (backend) => {
  useBackend(backend);
  const n = 20000;

  it.each<[string, SampleLogitsOptions]>([
    ['plain', {}],
    ['temperature 0.5', { temperature: 0.5 }],
    ['topK 3', { topK: 3 }],
    ['topP 0.7', { topP: 0.7 }],
    ['temperature 1.5, topK 4, topP 0.9', { temperature: 1.5, topK: 4, topP: 0.9 }],
  ])('empirical frequencies match the truncated, renormalised distribution (%s)', async (_name, options) => {
    const rows = tf.tile(tf.tensor2d([logits]), [n, 1]); // [N, V]
    const ids = sampleLogits(rows, { ...options, seed: 42 });
    expect(ids.shape).toEqual([n]);
    expect(ids.dtype).toBe('int32');
    const counts = new Array<number>(probs.length).fill(0);
    for (const id of await ids.data()) counts[id]!++;
    const p = expected(options);
    p.forEach((pi, i) => {
      const freq = counts[i]! / n;
      if (pi === 0) expect(counts[i]).toBe(0);
      else expect(Math.abs(freq - pi)).toBeLessThan(5 * Math.sqrt((pi * (1 - pi)) / n));
    });
    tf.dispose([rows, ids]);
  });

  it('is greedy at temperature 0, deterministic with a seed, and leaks nothing', () => {
    const l = tf.tensor2d([[0.1, 3, -1], [2, 0, 1.9]]);
    expect(Array.from(sampleLogits(l, { temperature: 0 }).dataSync())).toEqual([1, 0]);
    expect(sampleLogits(tf.tensor1d([0, 5, 1]), { temperature: 0 }).shape).toEqual([]);
    const wide = tf.randomNormal([64, 50], 0, 1, 'float32', 3);
    const a = Array.from(sampleLogits(wide, { seed: 9, topP: 0.9 }).dataSync());
    const b = Array.from(sampleLogits(wide, { seed: 9, topP: 0.9 }).dataSync());
    const c = Array.from(sampleLogits(wide, { seed: 10, topP: 0.9 }).dataSync());
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    expectNoLeaks(() => sampleLogits(wide, { seed: 1, topK: 5, topP: 0.8, temperature: 0.7 }));
  });
});

describe('sampleLogits errors', () => {
  it('names the field and the value', () => {
    const l = tf.zeros([2, 4]);
    expect(() => sampleLogits(l, { topP: 0 })).toThrow(/sampleLogits: invalid `topP`: expected a number in \(0, 1\], received 0/);
    expect(() => sampleLogits(l, { topK: 0 })).toThrow(/invalid `topK`: expected a positive integer, received 0/);
    expect(() => sampleLogits(l, { temperature: -1 })).toThrow(/invalid `temperature`: expected a finite number >= 0, received -1/);
    expect(() => sampleLogits(tf.zeros([1, 2, 3]), {})).toThrow(/invalid `logits`: expected a tensor \[B, V\] or \[V\], received "shape \[1, 2, 3\]"/);
  });
});
