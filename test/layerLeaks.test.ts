// Every layer of the library, taken from the list `registerLayers` registers:
// called eagerly (as users call layers outside a model) it frees its
// intermediates (tfjs-layers does not wrap `call` in a tidy), its constructor
// rejects unknown arguments before allocating anything, and its config
// survives `getConfig` → `fromConfig`.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { BACKENDS, expectNoLeaks, useBackend } from './backends.js';
import { LIBRARY_LAYERS } from '../src/io/registerLayers.js';
import { LAYER_ARG_KEYS } from '../src/_internal/layers.js';
import { ValueError } from '../src/errors.js';

type LayerClass = (typeof LIBRARY_LAYERS)[number] & (new (args: never) => tfl.layers.Layer);

interface LayerCase {
  /** The registered class's `className`. */
  className: string;
  /** Fresh constructor arguments (a fresh wrapped layer for SpectralNormalization). */
  args: () => Record<string, unknown>;
  input: () => tf.Tensor | tf.Tensor[];
  label?: string;
}

const x3 = () => tf.randomNormal([2, 6, 8], 0, 1, 'float32', 1);
const x4 = () => tf.randomNormal([2, 5, 5, 3], 0, 1, 'float32', 2);
const cases: LayerCase[] = [
  { className: 'LayerNorm', args: () => ({}), input: x3 },
  { className: 'MultiHeadAttention', args: () => ({ numHeads: 2, keyDim: 4, seed: 1 }), input: x3 },
  { className: 'TransformerBlock', args: () => ({ numHeads: 2, causal: true, seed: 1 }), input: x3 },
  { className: 'PositionEmbedding', args: () => ({ sequenceLength: 10, seed: 1 }), input: x3 },
  { className: 'TokenEmbedding', label: 'ids', args: () => ({ vocabSize: 5, outputDim: 8, seed: 1 }), input: () => tf.tensor2d([[1, 2], [3, 4]], [2, 2], 'int32') },
  { className: 'CausalConv1D', args: () => ({ filters: 3, kernelSize: 3, dilationRate: 2, seed: 1 }), input: x3 },
  { className: 'WaveNetBlock', args: () => ({ skipChannels: 4, dilationRate: 2, seed: 1 }), input: x3 },
  { className: 'WaveNetBlock', label: 'conditioned', args: () => ({ skipChannels: 4, conditioningDim: 3, seed: 1 }), input: () => [x3(), tf.ones([2, 3])] },
  { className: 'WaveNetBlock', label: 'recompute', args: () => ({ skipChannels: 4, dilationRate: 2, recompute: true, seed: 1 }), input: x3 },
  { className: 'InstanceNormalization', args: () => ({}), input: x4 },
  { className: 'ModulatedConv2D', args: () => ({ filters: 4, kernelSize: 3, seed: 1 }), input: () => [x4(), tf.ones([2, 6])] },
  { className: 'ModulatedConv2D', label: 'toRGB, no demodulation', args: () => ({ filters: 1, kernelSize: 1, demodulate: false, seed: 1 }), input: () => [x4(), tf.ones([2, 6])] },
  { className: 'NoiseInjection', args: () => ({ seed: 1 }), input: x4 },
  { className: 'PixelNormalization', args: () => ({}), input: () => tf.randomNormal([2, 6], 0, 1, 'float32', 3) },
  { className: 'ConstantInput', args: () => ({ size: 4, channels: 3, seed: 1 }), input: () => tf.zeros([2, 6]) },
  { className: 'SpectralNormalization', label: 'conv2d', args: () => ({ layer: tfl.layers.conv2d({ filters: 2, kernelSize: 3 }) }), input: x4 },
  { className: 'GaussianSample', args: () => ({ seed: 1 }), input: () => [tf.zeros([2, 3]), tf.zeros([2, 3])] },
];

const classOf = (className: string): LayerClass => {
  const cls = LIBRARY_LAYERS.find((c) => c.className === className);
  if (cls === undefined) throw new Error(`no registered layer ${className}`);
  return cls as LayerClass;
};
const make = (c: LayerCase, extra: Record<string, unknown> = {}): tfl.layers.Layer =>
  new (classOf(c.className) as unknown as new (args: Record<string, unknown>) => tfl.layers.Layer)({ ...c.args(), ...extra });
const title = (c: LayerCase) => (c.label === undefined ? c.className : `${c.className} (${c.label})`);
// tfjs-layers adds an empty `customObjects` to the initializer configs of a
// layer it rebuilds (the layer SpectralNormalization wraps); it means nothing.
const withoutCustomObjects = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value), (key, v: unknown) => (key === 'customObjects' ? undefined : v));
const firstCases = cases.filter((c, i) => cases.findIndex((d) => d.className === c.className) === i);

describe('the layer cases', () => {
  it('cover every class registerLayers registers, and only those', () => {
    expect(new Set(cases.map((c) => c.className))).toEqual(new Set(LIBRARY_LAYERS.map((c) => c.className)));
  });
});

describe('layer constructors', () => {
  it.each(firstCases.map((c) => [title(c), c] as const))('%s rejects an unknown argument, naming it and the allowed ones, before allocating', (_t, c) => {
    const before = tf.memory().numTensors;
    let error: unknown;
    try {
      make(c, { bogusArg: 1 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValueError);
    expect((error as Error).message).toMatch(new RegExp(`^${c.className}: unknown args field \`bogusArg\`: expected one of .*\`name\`, \`trainable\``));
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each(firstCases.map((c) => [title(c), c] as const))('%s rejects args that are not an object', (_t, c) => {
    expect(() => new (classOf(c.className) as unknown as new (args: unknown) => unknown)(null)).toThrow(
      new RegExp(`^${c.className}: invalid \`args\`: expected an object, received null`),
    );
  });

  it.each(firstCases.map((c) => [title(c), c] as const))('%s passes the base layer arguments to tfjs-layers', (_t, c) => {
    const layer = make(c, { name: `named_${c.className}`, trainable: false });
    expect(layer.name).toBe(`named_${c.className}`);
    expect(layer.trainable).toBe(false);
  });

  it('accepts every base layer key', () => {
    expect(LAYER_ARG_KEYS).toEqual(['name', 'trainable', 'inputShape', 'batchInputShape', 'batchSize', 'dtype', 'weights', 'inputDType']);
    const layer = make(cases[0]!, { batchInputShape: [null, 4], dtype: 'float32' });
    expect(layer.batchInputShape).toEqual([null, 4]);
  });
});

describe('layer configs', () => {
  it.each(cases.map((c) => [title(c), c] as const))('%s round-trips getConfig → fromConfig', (_t, c) => {
    const layer = make(c);
    const inputs = c.input();
    tf.dispose(layer.apply(inputs) as tf.Tensor | tf.Tensor[]);
    const config = layer.getConfig();
    const cls = classOf(c.className) as unknown as tf.serialization.SerializableConstructor<tfl.layers.Layer>;
    // tfjs-layers' deserializer adds `customObjects` to the config it passes on.
    const copy = tfl.layers.Layer.fromConfig(cls, { ...config, customObjects: {} });
    expect(withoutCustomObjects(copy.getConfig())).toEqual(withoutCustomObjects(config));
    tf.dispose(inputs);
    layer.dispose();
  });
});

describe.each(BACKENDS)('layers called eagerly on %s', (backend) => {
  useBackend(backend);
  it.each(cases.map((c) => [title(c), c] as const))('%s leaks no tensors', (_t, c) => {
    const layer = make(c);
    const inputs = c.input();
    expectNoLeaks(() => layer.apply(inputs) as tf.Tensor | tf.Tensor[]);
    tf.dispose(inputs);
  });
});
