// The data the panels train on, made at build time by vite.config.ts's
// `virtual:demo-data` plugin: MNIST digits from the `mnist` package and a
// short English text. Legend: N digits, 28×28 pixels, 1 channel.
import * as tf from '@tensorflow/tfjs-core';
import { unzlibSync } from 'fflate';
import { corpus, corpusSource, digitCount, digitsZlibBase64 } from 'virtual:demo-data';

export { corpus, corpusSource };

let bytes: Uint8Array | undefined;

/** The bundled digits' pixels, 784 bytes each, classes interleaved 0–9. */
function digitBytes(): Uint8Array {
  if (bytes === undefined) {
    const packed = Uint8Array.from(atob(digitsZlibBase64), (c) => c.charCodeAt(0));
    bytes = unzlibSync(packed);
  }
  return bytes;
}

/** The number of bundled digits. */
export const DIGIT_COUNT = digitCount;

/**
 * The first `count` bundled digits as `[N, 28, 28, 1]`, in `[low, high]`
 * (`[-1, 1]` for a tanh generator, `[0, 1]` for a Bernoulli VAE), and their
 * classes `[N]`.
 */
export function digits(count: number, low: number, high: number): { images: tf.Tensor4D; labels: number[] } {
  const n = Math.min(count, digitCount);
  const source = digitBytes();
  const pixels = new Float32Array(n * 784);
  for (let i = 0; i < pixels.length; i++) pixels[i] = low + ((high - low) * source[i]!) / 255;
  return {
    images: tf.tensor4d(pixels, [n, 28, 28, 1]),
    labels: Array.from({ length: n }, (_, i) => i % 10),
  };
}
