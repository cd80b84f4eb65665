import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { muLawDecodeValue, muLawEncodeValue } from './waveNetParts.js';
import { audioWindows } from './audioWindows.js';
import { muLawDecode, muLawEncode } from './muLawEncode.js';
import { dequantize, quantize } from './quantize.js';

/** The standard formulas, written out independently here. */
const F = (x: number, mu: number) => (Math.sign(x) * Math.log(1 + mu * Math.abs(x))) / Math.log(1 + mu);
const encode = (x: number, mu: number) => Math.floor(((F(x, mu) + 1) / 2) * mu + 0.5);
const decode = (q: number, mu: number) => {
  const y = (2 * q) / mu - 1;
  return (Math.sign(y) * (Math.pow(1 + mu, Math.abs(y)) - 1)) / mu;
};

describe('μ-law', () => {
  it('maps the edges -1, 0, 1 to 0, 128, 255 (μ = 255) and back', () => {
    expect(Array.from(muLawEncode(tf.tensor1d([-1, 0, 1])).dataSync())).toEqual([0, 128, 255]);
    expect(Array.from(muLawEncode(tf.tensor1d([-3, 2])).dataSync())).toEqual([0, 255]); // clipped
    const back = Array.from(muLawDecode(tf.tensor1d([0, 255], 'int32')).dataSync());
    expect(back[0]).toBeCloseTo(-1, 6);
    expect(back[1]).toBeCloseTo(1, 6);
    expect(muLawDecodeValue(128, 255)).toBeCloseTo(decode(128, 255), 12); // ≈ 0 (the class straddling 0)
  });

  it.each([255, 15])('matches the formulas on a ramp, tensors and plain values alike (μ = %i)', (mu) => {
    const ramp = Array.from({ length: 2001 }, (_, i) => -1 + i / 1000);
    const classes = Array.from(muLawEncode(tf.tensor1d(ramp), { mu }).dataSync());
    expect(classes).toEqual(ramp.map((x) => encode(x, mu)));
    expect(ramp.map((x) => muLawEncodeValue(x, mu))).toEqual(classes);
    const all = Array.from({ length: mu + 1 }, (_, q) => q);
    const decoded = Array.from(muLawDecode(tf.tensor1d(all, 'int32'), { mu }).dataSync());
    all.forEach((q) => {
      expect(decoded[q]).toBeCloseTo(decode(q, mu), 5);
      expect(muLawDecodeValue(q, mu)).toBeCloseTo(decode(q, mu), 12);
    });
    // Round trip: decoding an encoded value lands within one class step of it.
    for (const x of ramp) expect(encode(muLawDecodeValue(muLawEncodeValue(x, mu), mu), mu)).toBe(encode(x, mu));
  });

  it('quantizes uniformly and back', () => {
    expect(Array.from(quantize(tf.tensor1d([-1, -0.5, 0, 0.5, 1]), { levels: 5 }).dataSync())).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(dequantize(tf.tensor1d([0, 1, 2, 3, 4], 'int32'), { levels: 5 }).dataSync())).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(Array.from(quantize(tf.tensor1d([-1, 1])).dataSync())).toEqual([0, 255]);
    expect(() => quantize(tf.zeros([2]), { levels: 1 })).toThrow(/quantize: invalid `levels`: expected an integer in \[2, 2\^31 − 1\], received 1/);
    expect(() => quantize(tf.zeros([2]), { levels: 2 ** 31 })).toThrow(/quantize: invalid `levels`: expected an integer in \[2, 2\^31 − 1\], received 2147483648/);
    expect(() => muLawEncode(tf.zeros([2]), { mu: 0 })).toThrow(/muLawEncode: invalid `mu`: expected an integer in \[1, 2\^31 − 2\], received 0/);
    expect(() => muLawDecode(tf.zeros([2]), { mu: 2 ** 31 })).toThrow(/muLawDecode: invalid `mu`/);
  });

  it('NaN has no class: μ-law and quantize refuse it (issue 19), ±∞ clip to the end classes, nothing leaks', () => {
    const x = tf.tensor2d([[0.5, -Infinity], [Infinity, Number.NaN]]);
    const before = tf.memory().numTensors;
    expect(() => muLawEncode(x)).toThrow(/^muLawEncode: invalid `x`: expected no NaN, received NaN at flat index 3 \(shape \[2, 2\]\)\.$/);
    expect(() => quantize(x, { levels: 4 })).toThrow(/^quantize: invalid `x`: expected no NaN, received NaN at flat index 3/);
    expect(tf.memory().numTensors).toBe(before);
    const finite = tf.tensor1d([-Infinity, Infinity]);
    expect(Array.from(muLawEncode(finite).dataSync())).toEqual([0, 255]);
    expect(Array.from(quantize(finite, { levels: 4 }).dataSync())).toEqual([0, 3]);
    // Integer tensors hold no NaN and are encoded as before.
    expect(Array.from(quantize(tf.tensor1d([-1, 1], 'int32'), { levels: 3 }).dataSync())).toEqual([0, 2]);
    tf.dispose([x, finite]);
  });

  it('audioWindows cuts overlapping windows', () => {
    const w = audioWindows(Float32Array.from({ length: 10 }, (_, i) => i), { windowLength: 4, hop: 3 });
    expect(w.arraySync()).toEqual([[0, 1, 2, 3], [3, 4, 5, 6], [6, 7, 8, 9]]);
    expect(audioWindows(new Int32Array(8), { windowLength: 4 }).dtype).toBe('int32');
    expect(() => audioWindows(new Float32Array(3), { windowLength: 4 })).toThrow(/audioWindows: invalid `samples`: expected at least windowLength = 4 samples, received "3 samples"/);
  });
});
