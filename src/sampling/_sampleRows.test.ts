// The CPU draw that generate uses (drawRowsData) against the backend draw that
// sampleLogits uses (sampleRows): on the cpu backend, the same ids for the
// same logits, options and seed, special rows included.
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { useBackend } from '../../test/backends.js';
import { drawRowsData, noiseSize, resolveSampling, sampleRows, NAN_LOGITS, NO_CANDIDATE } from './_sampleRows.js';

function both(rows: number[][], options: { temperature?: number; topK?: number; topP?: number }, seed: number): { backend: number[]; data: number[] } {
  const sampling = resolveSampling('test', options);
  const [b, v] = [rows.length, rows[0]!.length];
  const logits = tf.tensor2d(rows);
  const ids = sampleRows(logits, sampling, seed);
  const n = noiseSize(sampling, b, v);
  const noise = n === 0 ? null : tf.randomUniform([n], 1e-20, 1, 'float32', seed);
  const backend = Array.from(ids.dataSync());
  const data = Array.from(drawRowsData(logits.dataSync() as Float32Array, b, v, sampling, noise === null ? null : (noise.dataSync() as Float32Array)));
  tf.dispose([logits, ids, ...(noise === null ? [] : [noise])]);
  return { backend, data };
}

describe('drawRowsData (the CPU draw of generate) on the cpu backend', () => {
  useBackend('cpu');

  it('gives the ids of sampleRows for the same logits, options and seed', () => {
    // Logits with ties (small integers), -Infinity, +Infinity and NaN; every option combination.
    const logit = fc.oneof(
      { weight: 8, arbitrary: fc.float({ min: -8, max: 8, noNaN: true, noDefaultInfinity: true }) },
      { weight: 3, arbitrary: fc.integer({ min: -2, max: 2 }) },
      { weight: 1, arbitrary: fc.constantFrom(-Infinity, Infinity, NaN) },
    );
    const input = fc.integer({ min: 1, max: 12 }).chain((v) =>
      fc.record({
        rows: fc.array(fc.array(logit, { minLength: v, maxLength: v }), { minLength: 1, maxLength: 3 }),
        temperature: fc.oneof(fc.constant(0), fc.constant(1), fc.double({ min: 0.05, max: 3, noNaN: true })),
        topK: fc.option(fc.integer({ min: 1, max: v + 2 }), { nil: undefined }),
        topP: fc.oneof(fc.constant(1), fc.double({ min: 0.05, max: 1, noNaN: true })),
        seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      }),
    );
    let special = 0;
    fc.assert(
      fc.property(input, ({ rows, temperature, topK, topP, seed }) => {
        const { backend, data } = both(rows, { temperature, ...(topK === undefined ? {} : { topK }), topP }, seed);
        if (data.some((id) => id === NAN_LOGITS || id === NO_CANDIDATE)) special++;
        expect(data).toEqual(backend);
      }),
      { numRuns: 400, seed: 19 },
    );
    expect(special).toBeGreaterThan(0); // the special rows were exercised
  });

  it('draws from the nucleus only, and differently for different seeds', () => {
    const row = [[Math.log(0.4), Math.log(0.25), Math.log(0.15), Math.log(0.1), Math.log(0.1)]];
    const drawn = new Set<number>();
    for (let seed = 0; seed < 200; seed++) drawn.add(both(row, { topP: 0.6 }, seed).data[0]!);
    expect([...drawn].sort()).toEqual([0, 1]); // 0.4 < 0.6 ≤ 0.65
  });
});
