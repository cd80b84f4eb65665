// Property-based tests over every public builder's and layer's config (issue 19
// item 7): each field gets a random valid or hostile value (NaN, ±Inf, 1e9,
// negatives, fractions, wrong types, BigInt, circular objects), sometimes an
// unknown key is added. Every case either succeeds (for builders: with exactly
// the parameter count the closed-form budget computes) or throws a ValueError
// naming the function and a field; never a bare TypeError/RangeError, never
// more than 1 s, and tf.memory().numTensors is unchanged after disposal or a throw.
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { buildTransformerLM, MultiHeadAttention, PositionEmbedding, TransformerBlock } from '../../src/attention/index.js';
import { buildWaveNet, CausalConv1D, WaveNetBlock } from '../../src/audio/index.js';
import { buildCycleGAN, buildDCGAN, buildStyleGenerator, ConstantInput, InstanceNormalization, ModulatedConv2D, NoiseInjection, PixelNormalization } from '../../src/gan/index.js';
import { LayerNorm, TokenEmbedding } from '../../src/layers/index.js';
import { buildConvVAE, buildVAE, GaussianSample } from '../../src/vae/index.js';
import { CASE_LIMIT_MS, expectNamedValueError, FUZZ_SEED, hostileValue, runs, timed } from './_fuzz.js';

type Fields = Record<string, fc.Arbitrary<unknown>>;

/**
 * A config: each field omitted or valid, and in half of the cases some fields
 * hostile (each with probability 1/4) and sometimes an unknown key.
 */
function configOf(fields: Fields, required: readonly string[] = []): fc.Arbitrary<Record<string, unknown>> {
  const entries = (hostile: number) =>
    Object.entries(fields).map(([key, valid]) =>
      fc.oneof(
        { weight: 3, arbitrary: valid.map((v) => [key, v] as const) },
        { weight: hostile, arbitrary: hostileValue.map((v) => [key, v] as const) },
        { weight: required.includes(key) ? 0 : 1, arbitrary: fc.constant(null) },
      ),
    );
  const unknownKey = fc.tuple(fc.constantFrom('unknownKey', 'seeds', 'numHead', 'constructor', '__proto__x'), hostileValue);
  const valid = fc.tuple(fc.tuple(...entries(0)), fc.constant(null));
  const mixed = fc.tuple(fc.tuple(...entries(1)), fc.option(unknownKey, { freq: 8 }));
  return fc.oneof(valid, mixed).map(([pairs, extra]) => {
    const config: Record<string, unknown> = {};
    for (const p of pairs) if (p !== null) config[p[0]] = p[1];
    if (extra !== null) config[extra[0]] = extra[1];
    return config;
  });
}

const seed = fc.integer({ min: 0, max: 9 });
const small = (max: number, min = 1) => fc.integer({ min, max });

interface BuilderTarget {
  name: string;
  make: (config: Record<string, unknown>) => { dispose(): void };
  count: (built: never) => number;
  fields: Fields;
  required?: string[];
  numRuns: number;
}

const builders: BuilderTarget[] = [
  {
    name: 'buildTransformerLM',
    make: (c) => buildTransformerLM(c as never),
    count: (m: tfl.LayersModel) => m.countParams(),
    fields: {
      vocabSize: small(20),
      contextLength: small(8),
      modelDim: fc.constantFrom(2, 4, 6),
      numHeads: small(2),
      numLayers: small(2),
      mlpRatio: fc.constantFrom(0.5, 1, 2),
      dropout: fc.constantFrom(0, 0.1),
      tieEmbeddings: fc.boolean(),
      activation: fc.constantFrom('gelu', 'geluTanh', 'relu', 'swish'),
      seed,
    },
    required: ['vocabSize', 'contextLength', 'modelDim', 'numHeads', 'numLayers'],
    numRuns: 40,
  },
  {
    name: 'buildWaveNet',
    make: (c) => buildWaveNet(c as never),
    count: (m: tfl.LayersModel) => m.countParams(),
    fields: {
      residualChannels: small(4),
      skipChannels: small(4),
      kernelSize: small(3),
      dilations: fc.oneof(fc.array(fc.constantFrom(1, 2, 4), { minLength: 1, maxLength: 3 }), fc.record({ layersPerCycle: small(3), cycles: small(2) })),
      quantizationLevels: small(10, 2),
      conditioningDim: small(3),
      recompute: fc.boolean(),
      seed,
    },
    numRuns: 40,
  },
  {
    name: 'buildDCGAN',
    make: (c) => buildDCGAN(c as never),
    count: (m: { generator: tfl.LayersModel; discriminator: tfl.LayersModel }) => m.generator.countParams() + m.discriminator.countParams(),
    fields: {
      imageSize: fc.constantFrom(8, 16, 28),
      channels: small(3),
      latentDim: small(4),
      generatorFilters: small(3),
      discriminatorFilters: small(3),
      numClasses: small(3),
      auxiliaryClassifier: fc.boolean(),
      discriminatorNormalization: fc.constantFrom('batch', 'layer', 'none'),
      seed,
    },
    numRuns: 30,
  },
  {
    name: 'buildCycleGAN',
    make: (c) => buildCycleGAN(c as never),
    count: (m: { generatorAB: tfl.LayersModel; discriminatorA: tfl.LayersModel }) => 2 * (m.generatorAB.countParams() + m.discriminatorA.countParams()),
    fields: {
      imageSize: fc.constantFrom(8, 12, 16),
      channels: small(2),
      residualBlocks: small(2, 0),
      generatorFilters: small(2),
      discriminatorFilters: small(2),
      discriminatorLayers: small(3),
      seed,
    },
    numRuns: 25,
  },
  {
    name: 'buildStyleGenerator',
    make: (c) => buildStyleGenerator(c as never),
    count: (m: { generator: tfl.LayersModel }) => m.generator.countParams(),
    fields: {
      imageSize: fc.constantFrom(8, 10, 12, 14, 16),
      channels: small(2),
      latentDim: small(3),
      styleDim: small(3),
      mappingLayers: small(2),
      filters: fc.oneof(small(3), fc.array(small(3), { minLength: 1, maxLength: 3 })),
      noise: fc.boolean(),
      seed,
    },
    numRuns: 25,
  },
  {
    name: 'buildVAE',
    make: (c) => buildVAE(c as never),
    count: (m: { vae: tfl.LayersModel }) => m.vae.countParams(),
    fields: {
      inputShape: fc.array(small(3), { minLength: 1, maxLength: 2 }),
      latentDim: small(3),
      hiddenUnits: fc.array(small(4), { maxLength: 2 }),
      activation: fc.constantFrom('relu', 'tanh', 'elu', 'selu', 'sigmoid', 'softplus'),
      likelihood: fc.constantFrom('bernoulli', 'gaussian'),
      variance: fc.constantFrom(0.5, 1),
      beta: fc.constantFrom(0, 1, 4),
      numClasses: small(3, 2),
      sampleAtInference: fc.boolean(),
      seed,
    },
    required: ['inputShape'],
    numRuns: 40,
  },
  {
    name: 'buildConvVAE',
    make: (c) => buildConvVAE(c as never),
    count: (m: { vae: tfl.LayersModel }) => m.vae.countParams(),
    fields: {
      imageSize: fc.constantFrom(4, 8, 12),
      channels: small(2),
      latentDim: small(3),
      filters: fc.array(small(3), { minLength: 1, maxLength: 2 }),
      kernelSize: small(3),
      numClasses: small(3, 2),
      seed,
    },
    numRuns: 30,
  },
];

/** The closed-form count, read from the budget's refusal at `maxParameters: 1`. */
function closedFormCount(t: BuilderTarget, config: Record<string, unknown>): number {
  const { error } = timed(() => t.make({ ...config, maxParameters: 1 }));
  expectNamedValueError(error, t.name);
  const match = /\(([\d,]+) parameters\), over `maxParameters` = 1;/.exec((error as Error).message);
  expect(match, (error as Error).message).not.toBeNull();
  return Number(match![1]!.replaceAll(',', ''));
}

describe('fuzzed builder configs', () => {
  for (const t of builders) {
    it(`${t.name}: success with the closed-form parameter count, or a ValueError naming the field; bounded time; no leak`, () => {
      let built = 0;
      fc.assert(
        fc.property(configOf(t.fields, t.required), (config) => {
          const before = tf.memory().numTensors;
          const r = timed(() => t.make(config));
          if (r.error !== null) {
            expectNamedValueError(r.error, t.name);
          } else {
            built++;
            const n = t.count(r.value as never);
            r.value!.dispose();
            expect(closedFormCount(t, config)).toBe(n);
          }
          // A refusal must be immediate; a success builds real weights (omitted fields take the
          // defaults, e.g. DCGAN's 6.3 million parameters), so it gets 1 s more per million.
          expect(r.ms).toBeLessThan(CASE_LIMIT_MS * (1 + (r.error === null ? closedFormCount(t, config) / 1e6 : 0)));
          expect(tf.memory().numTensors).toBe(before);
        }),
        { numRuns: runs(t.numRuns), seed: FUZZ_SEED },
      );
      // The generator must reach the success branch, or the count check never runs.
      expect(built).toBeGreaterThan(0);
    });
  }
});

interface LayerTarget {
  name: string;
  make: (args: Record<string, unknown>) => tfl.layers.Layer;
  fields: Fields;
  required?: string[];
  input: () => tf.Tensor | tf.Tensor[];
  numRuns: number;
  /** Extra seconds a successful call may take: the causal convolutions run one op per kernel tap. */
  extraSeconds?: (args: Record<string, unknown>) => number;
}

/** One second per 10,000 kernel taps (about 90 µs per tap per call on this machine's cpu backend). */
const perTap = (args: Record<string, unknown>) => (typeof args.kernelSize === 'number' ? args.kernelSize / 1e4 : 0);

const x3 = () => tf.randomNormal([1, 3, 4], 0, 1, 'float32', 1);
const x4 = () => tf.randomNormal([1, 4, 4, 2], 0, 1, 'float32', 2);
const layers: LayerTarget[] = [
  { name: 'MultiHeadAttention', make: (a) => new MultiHeadAttention(a as never), fields: { numHeads: small(3), keyDim: small(3), valueDim: small(3), dropout: fc.constantFrom(0, 0.5), useBias: fc.boolean(), outputShape: small(3), seed }, required: ['numHeads', 'keyDim'], input: x3, numRuns: 40 },
  { name: 'TransformerBlock', make: (a) => new TransformerBlock(a as never), fields: { numHeads: small(4), keyDim: small(3), mlpRatio: fc.constantFrom(0.5, 1, 2), activation: fc.constantFrom('gelu', 'relu'), dropout: fc.constantFrom(0, 0.2), causal: fc.boolean(), layerNormEpsilon: fc.constantFrom(1e-5, 1e-3), useBias: fc.boolean(), seed }, required: ['numHeads'], input: x3, numRuns: 40 },
  { name: 'PositionEmbedding', make: (a) => new PositionEmbedding(a as never), fields: { sequenceLength: small(6, 3), seed }, required: ['sequenceLength'], input: x3, numRuns: 30 },
  { name: 'TokenEmbedding', make: (a) => new TokenEmbedding(a as never), fields: { vocabSize: small(8), outputDim: small(4), seed }, required: ['vocabSize', 'outputDim'], input: () => tf.tensor2d([[0, 0, 0]], [1, 3], 'int32'), numRuns: 30 },
  { name: 'CausalConv1D', make: (a) => new CausalConv1D(a as never), fields: { filters: small(3), kernelSize: small(3), dilationRate: small(3), useBias: fc.boolean(), seed }, required: ['filters', 'kernelSize'], input: x3, numRuns: 40, extraSeconds: perTap },
  { name: 'WaveNetBlock', make: (a) => new WaveNetBlock(a as never), fields: { skipChannels: small(3), kernelSize: small(3), dilationRate: small(3), recompute: fc.boolean(), seed }, required: ['skipChannels'], input: x3, numRuns: 40, extraSeconds: perTap },
  { name: 'ConstantInput', make: (a) => new ConstantInput(a as never), fields: { size: small(4), channels: small(3), seed }, required: ['size', 'channels'], input: x4, numRuns: 30 },
  { name: 'ModulatedConv2D', make: (a) => new ModulatedConv2D(a as never), fields: { filters: small(3), kernelSize: small(3), demodulate: fc.boolean(), useBias: fc.boolean(), seed }, required: ['filters'], input: () => [x4(), tf.ones([1, 3])], numRuns: 40 },
  { name: 'LayerNorm', make: (a) => new LayerNorm(a as never), fields: { epsilon: fc.constantFrom(1e-5, 1e-3) }, input: x3, numRuns: 20 },
  { name: 'InstanceNormalization', make: (a) => new InstanceNormalization(a as never), fields: { epsilon: fc.constantFrom(1e-5, 1e-3), affine: fc.boolean() }, input: x4, numRuns: 20 },
  { name: 'NoiseInjection', make: (a) => new NoiseInjection(a as never), fields: { seed }, input: x4, numRuns: 20 },
  { name: 'PixelNormalization', make: (a) => new PixelNormalization(a as never), fields: { epsilon: fc.constantFrom(1e-8, 1e-3) }, input: x3, numRuns: 20 },
  { name: 'GaussianSample', make: (a) => new GaussianSample(a as never), fields: { seed, sampleAtInference: fc.boolean() }, input: () => [tf.zeros([1, 2]), tf.zeros([1, 2])], numRuns: 20 },
];

describe('fuzzed layer arguments', () => {
  for (const t of layers) {
    it(`${t.name}: constructs and runs, or throws a ValueError naming the argument; bounded time; no leak`, () => {
      let ran = 0;
      fc.assert(
        fc.property(configOf(t.fields, t.required), (args) => {
          const before = tf.memory().numTensors;
          let parameters = 0;
          const r = timed(() => {
            const layer = t.make(args);
            const input = t.input();
            try {
              const out = layer.apply(input) as tf.Tensor | tf.Tensor[];
              tf.dispose(out);
              parameters = layer.countParams();
            } finally {
              tf.dispose(input);
              if (layer.built) layer.dispose();
            }
          });
          if (r.error !== null) expectNamedValueError(r.error, t.name);
          else ran++;
          // As for builders: a refusal within 1 s, a success 1 s more per million parameters.
          const extra = r.error === null ? parameters / 1e6 + (t.extraSeconds?.(args) ?? 0) : 0;
          expect(r.ms).toBeLessThan(CASE_LIMIT_MS * (1 + extra));
          expect(tf.memory().numTensors).toBe(before);
        }),
        { numRuns: runs(t.numRuns), seed: FUZZ_SEED },
      );
      expect(ran).toBeGreaterThan(0);
    });
  }
});
