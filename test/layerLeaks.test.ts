// Every layer of the library, called eagerly (as users call layers outside a
// model), frees its intermediates: tfjs-layers does not wrap `call` in a tidy.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { describe, it } from 'vitest';
import { BACKENDS, expectNoLeaks, useBackend } from './backends.js';
import { layerNorm, multiHeadAttention, positionEmbedding, tokenEmbedding, transformerBlock } from '../src/attention/index.js';
import * as tfLayers from '@tensorflow/tfjs-layers';
import { causalConv1d, waveNetBlock } from '../src/audio/index.js';
import { constantInput, instanceNormalization, modulatedConv2d, noiseInjection, pixelNormalization, spectralNormalization } from '../src/gan/index.js';

const x3 = () => tf.randomNormal([2, 6, 8], 0, 1, 'float32', 1);
const x4 = () => tf.randomNormal([2, 5, 5, 3], 0, 1, 'float32', 2);
const cases: [string, () => tfl.layers.Layer, () => tf.Tensor | tf.Tensor[]][] = [
  ['LayerNorm', () => layerNorm(), x3],
  ['MultiHeadAttention', () => multiHeadAttention({ numHeads: 2, keyDim: 4, seed: 1 }), x3],
  ['TransformerBlock', () => transformerBlock({ numHeads: 2, causal: true, seed: 1 }), x3],
  ['PositionEmbedding', () => positionEmbedding({ sequenceLength: 10, seed: 1 }), x3],
  ['TokenEmbedding (ids)', () => tokenEmbedding({ vocabSize: 5, outputDim: 8, seed: 1 }), () => tf.tensor2d([[1, 2], [3, 4]], [2, 2], 'int32')],
  ['CausalConv1D', () => causalConv1d({ filters: 3, kernelSize: 3, dilationRate: 2, seed: 1 }), x3],
  ['WaveNetBlock', () => waveNetBlock({ skipChannels: 4, dilationRate: 2, seed: 1 }), x3],
  ['WaveNetBlock (conditioned)', () => waveNetBlock({ skipChannels: 4, conditioningDim: 3, seed: 1 }), () => [x3(), tf.ones([2, 3])]],
  ['WaveNetBlock (recompute)', () => waveNetBlock({ skipChannels: 4, dilationRate: 2, recompute: true, seed: 1 }), x3],
  ['InstanceNormalization', () => instanceNormalization(), x4],
  ['ModulatedConv2D', () => modulatedConv2d({ filters: 4, kernelSize: 3, seed: 1 }), () => [x4(), tf.ones([2, 6])]],
  ['ModulatedConv2D (toRGB, no demodulation)', () => modulatedConv2d({ filters: 1, kernelSize: 1, demodulate: false, seed: 1 }), () => [x4(), tf.ones([2, 6])]],
  ['NoiseInjection', () => noiseInjection({ seed: 1 }), x4],
  ['PixelNormalization', () => pixelNormalization(), () => tf.randomNormal([2, 6], 0, 1, 'float32', 3)],
  ['ConstantInput', () => constantInput({ size: 4, channels: 3, seed: 1 }), () => tf.zeros([2, 6])],
  ['SpectralNormalization (conv2d)', () => spectralNormalization({ layer: tfLayers.layers.conv2d({ filters: 2, kernelSize: 3 }) }), x4],
];

describe.each(BACKENDS)('layers called eagerly on %s', (backend) => {
  useBackend(backend);
  it.each(cases)('%s leaks no tensors', (_name, make, input) => {
    const layer = make();
    const inputs = input();
    expectNoLeaks(() => layer.apply(inputs) as tf.Tensor | tf.Tensor[]);
    tf.dispose(inputs);
  });
});
