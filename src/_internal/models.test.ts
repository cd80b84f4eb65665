import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { disposeModels, disposerOf, withDispose } from './models.js';

/** An encoder, a decoder and the model that chains them: three models over two sets of layers. */
function sharedModels(): { encoder: tfl.LayersModel; decoder: tfl.LayersModel; chained: tfl.LayersModel } {
  const x = tfl.input({ shape: [4] });
  const encoder = tfl.model({ inputs: x, outputs: tfl.layers.dense({ units: 3 }).apply(x) as tfl.SymbolicTensor });
  const z = tfl.input({ shape: [3] });
  const hidden = tfl.layers.batchNormalization().apply(tfl.layers.dense({ units: 3 }).apply(z)) as tfl.SymbolicTensor;
  const decoder = tfl.model({ inputs: z, outputs: tfl.layers.dense({ units: 4 }).apply(hidden) as tfl.SymbolicTensor });
  const input = tfl.input({ shape: [4] });
  const chained = tfl.model({ inputs: input, outputs: decoder.apply(encoder.apply(input)) as tfl.SymbolicTensor });
  return { encoder, decoder, chained };
}

describe('disposeModels', () => {
  it('frees every weight of models that share layers exactly once, in any order', () => {
    for (const order of [[0, 1, 2], [2, 0, 1], [1, 2, 0]]) {
      const before = tf.memory().numTensors;
      const { encoder, decoder, chained } = sharedModels();
      const all = [encoder, decoder, chained];
      // encoder: kernel, bias; decoder: two kernels, two biases, γ, β, moving mean and variance.
      expect(tf.memory().numTensors - before).toBe(10);
      expect(disposeModels(...order.map((i) => all[i]!))).toBe(10);
      expect(tf.memory().numTensors).toBe(before);
    }
  });

  it('frees the nested models through the outer one alone', () => {
    const before = tf.memory().numTensors;
    const { chained } = sharedModels();
    expect(disposeModels(chained)).toBe(10);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('leaves the other models of a set alone', () => {
    const before = tf.memory().numTensors;
    const { encoder, decoder } = sharedModels();
    disposeModels(encoder);
    expect(tf.memory().numTensors - before).toBe(8);
    expect(decoder.weights.every((w) => !w.read().isDisposed)).toBe(true);
    disposeModels(decoder);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('disposerOf', () => {
  it('frees on the first call and does nothing on later ones', () => {
    const before = tf.memory().numTensors;
    const { encoder, decoder, chained } = sharedModels();
    const dispose = disposerOf(chained, encoder, decoder);
    dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => dispose()).not.toThrow();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('withDispose', () => {
  it('adds a dispose() that spreading and Object.keys leave out', () => {
    const before = tf.memory().numTensors;
    const { encoder, decoder, chained } = sharedModels();
    const result = withDispose({ encoder, decoder }, chained, encoder, decoder);
    expect(Object.keys(result)).toEqual(['encoder', 'decoder']);
    expect(Object.keys({ ...result })).toEqual(['encoder', 'decoder']);
    result.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
