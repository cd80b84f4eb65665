// The size budget: every builder and layer refuses a size field of 1e9 at
// once, naming itself and the field, with nothing allocated; a config exactly
// at `maxParameters` builds, one parameter less is refused (so the closed-form
// count equals the built model's); receptiveField is closed-form.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { buildTransformerLM, MultiHeadAttention, PositionEmbedding, TransformerBlock } from '../attention/index.js';
import { buildWaveNet, CausalConv1D, receptiveField, WaveNetBlock } from '../audio/index.js';
import { buildCycleGAN, buildDCGAN, buildStyleGenerator, ConstantInput, InstanceNormalization, ModulatedConv2D, NoiseInjection } from '../gan/index.js';
import { LayerNorm, TokenEmbedding } from '../layers/index.js';
import { buildConvVAE, buildVAE } from '../vae/index.js';
import { ValueError } from '../errors.js';
import { checkWeightBudget, DEFAULT_MAX_PARAMETERS, formatBytes, formatCount, MAX_LAYERS } from './budget.js';

const HUGE = 1e9;

interface Target {
  name: string;
  make: (config: Record<string, unknown>) => { dispose(): void } | tfl.layers.Layer;
  /** A small valid config. */
  base: Record<string, unknown>;
  /** Size fields; each set to 1e9 (with the adjustments `huge` gives) must fail fast. */
  sizes: string[];
  huge?: (field: string) => Record<string, unknown>;
  /** Total parameters of a built result, for builders. */
  count?: (built: never) => number;
}

const lm = { vocabSize: 11, contextLength: 7, modelDim: 4, numHeads: 2, numLayers: 2 };
const builders: Target[] = [
  {
    name: 'buildTransformerLM',
    make: (c) => buildTransformerLM(c as never),
    base: lm,
    sizes: ['vocabSize', 'contextLength', 'modelDim', 'numHeads', 'numLayers', 'mlpRatio'],
    count: (m: tfl.LayersModel) => m.countParams(),
  },
  {
    name: 'buildWaveNet',
    make: (c) => buildWaveNet(c as never),
    base: { residualChannels: 3, skipChannels: 4, dilations: [1, 2], quantizationLevels: 5, conditioningDim: 2 },
    sizes: ['residualChannels', 'skipChannels', 'kernelSize', 'quantizationLevels', 'conditioningDim', 'dilations.cycles', 'dilations.layersPerCycle', 'dilations[0]'],
    huge: (f) =>
      f === 'dilations.cycles' ? { dilations: { layersPerCycle: 2, cycles: HUGE } } : f === 'dilations.layersPerCycle' ? { dilations: { layersPerCycle: HUGE, cycles: 1 } } : f === 'dilations[0]' ? { dilations: [HUGE, HUGE, HUGE] } : {},
    count: (m: tfl.LayersModel) => m.countParams(),
  },
  {
    name: 'buildDCGAN',
    make: (c) => buildDCGAN(c as never),
    base: { imageSize: 8, channels: 2, latentDim: 3, generatorFilters: 2, discriminatorFilters: 2, numClasses: 3 },
    sizes: ['imageSize', 'channels', 'latentDim', 'generatorFilters', 'discriminatorFilters', 'numClasses'],
    huge: (f) => (f === 'imageSize' ? { imageSize: 2 ** 30 } : {}),
    count: (m: { generator: tfl.LayersModel; discriminator: tfl.LayersModel }) => m.generator.countParams() + m.discriminator.countParams(),
  },
  {
    name: 'buildCycleGAN',
    make: (c) => buildCycleGAN(c as never),
    base: { imageSize: 8, channels: 1, residualBlocks: 1, generatorFilters: 2, discriminatorFilters: 2 },
    sizes: ['imageSize', 'channels', 'residualBlocks', 'generatorFilters', 'discriminatorFilters'],
    count: (m: { generatorAB: tfl.LayersModel; discriminatorA: tfl.LayersModel }) => 2 * (m.generatorAB.countParams() + m.discriminatorA.countParams()),
  },
  {
    name: 'buildStyleGenerator',
    make: (c) => buildStyleGenerator(c as never),
    base: { imageSize: 8, channels: 1, latentDim: 3, styleDim: 2, mappingLayers: 2, filters: 2 },
    sizes: ['imageSize', 'channels', 'latentDim', 'styleDim', 'mappingLayers', 'filters'],
    huge: (f) => (f === 'imageSize' ? { imageSize: 4 * 2 ** 28 } : {}),
    count: (m: { generator: tfl.LayersModel }) => m.generator.countParams(),
  },
  {
    name: 'buildVAE',
    make: (c) => buildVAE(c as never),
    base: { inputShape: [3, 2], latentDim: 2, hiddenUnits: [3], numClasses: 2 },
    sizes: ['inputShape', 'latentDim', 'hiddenUnits', 'numClasses'],
    huge: (f) => (f === 'inputShape' ? { inputShape: [HUGE, 3] } : f === 'hiddenUnits' ? { hiddenUnits: [HUGE] } : {}),
    count: (m: { vae: tfl.LayersModel }) => m.vae.countParams(),
  },
  {
    name: 'buildConvVAE',
    make: (c) => buildConvVAE(c as never),
    base: { imageSize: 4, channels: 1, latentDim: 2, filters: [2], numClasses: 2 },
    sizes: ['imageSize', 'channels', 'latentDim', 'filters', 'kernelSize', 'numClasses'],
    huge: (f) => (f === 'imageSize' ? { imageSize: 2 * 2 ** 29 } : f === 'filters' ? { filters: [HUGE] } : {}),
    count: (m: { vae: tfl.LayersModel }) => m.vae.countParams(),
  },
];

const layers: Target[] = [
  { name: 'MultiHeadAttention', make: (c) => new MultiHeadAttention(c as never), base: { numHeads: 2, keyDim: 2, valueDim: 2, outputShape: 3 }, sizes: ['numHeads', 'keyDim', 'valueDim', 'outputShape'] },
  { name: 'TransformerBlock', make: (c) => new TransformerBlock(c as never), base: { numHeads: 2, keyDim: 2, mlpRatio: 2 }, sizes: ['numHeads', 'keyDim', 'mlpRatio'] },
  { name: 'PositionEmbedding', make: (c) => new PositionEmbedding(c as never), base: { sequenceLength: 4 }, sizes: ['sequenceLength'] },
  { name: 'TokenEmbedding', make: (c) => new TokenEmbedding(c as never), base: { vocabSize: 4, outputDim: 2 }, sizes: ['vocabSize', 'outputDim'] },
  { name: 'CausalConv1D', make: (c) => new CausalConv1D(c as never), base: { filters: 2, kernelSize: 2 }, sizes: ['filters', 'kernelSize'] },
  { name: 'WaveNetBlock', make: (c) => new WaveNetBlock(c as never), base: { skipChannels: 2, kernelSize: 2, conditioningDim: 2 }, sizes: ['skipChannels', 'kernelSize', 'conditioningDim'] },
  { name: 'ConstantInput', make: (c) => new ConstantInput(c as never), base: { size: 4, channels: 2 }, sizes: ['size', 'channels'] },
  { name: 'ModulatedConv2D', make: (c) => new ModulatedConv2D(c as never), base: { filters: 2, kernelSize: 3 }, sizes: ['filters', 'kernelSize'] },
];

/** Runs `f`, expecting a ValueError naming `name` and `field`; returns the best of three times (ms). */
function expectFastRefusal(name: string, field: string, f: () => unknown): number {
  const before = tf.memory().numTensors;
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    let error: unknown = null;
    try {
      f();
    } catch (e) {
      error = e;
    }
    best = Math.min(best, performance.now() - t0);
    expect(error).toBeInstanceOf(ValueError);
    const message = (error as Error).message;
    expect(message.startsWith(name)).toBe(true);
    expect(message).toContain(`\`${field.replace(/\[\d+\]$/, '')}`);
  }
  expect(tf.memory().numTensors).toBe(before);
  return best;
}

describe('size budget', () => {
  for (const t of [...builders, ...layers]) {
    for (const field of t.sizes) {
      it(`${t.name}: ${field} = 1e9 is refused in under 10 ms, naming the field, with nothing allocated`, () => {
        const config = { ...t.base, [field]: HUGE, ...(t.huge?.(field) ?? {}) };
        const ms = expectFastRefusal(t.name, field, () => t.make(config));
        expect(ms).toBeLessThan(10);
      });
    }
  }

  for (const t of builders) {
    it(`${t.name}: builds at maxParameters = its parameter count, refuses one less`, () => {
      const built = t.make(t.base) as { dispose(): void };
      const n = t.count!(built as never);
      built.dispose();
      const before = tf.memory().numTensors;
      const again = t.make({ ...t.base, maxParameters: n }) as { dispose(): void };
      again.dispose();
      expect(tf.memory().numTensors).toBe(before);
      const exact = (k: number) => k.toLocaleString('en-US');
      expect(() => t.make({ ...t.base, maxParameters: n - 1 })).toThrow(new RegExp(`^${t.name}: .*\\(${exact(n)} parameters\\), over \`maxParameters\` = ${exact(n - 1)}`));
      expect(tf.memory().numTensors).toBe(before);
    });
    it(`${t.name}: maxParameters must be a positive integer`, () => {
      for (const bad of [0, -1, 1.5, Number.NaN, Infinity, '10', 2n ** 70n]) {
        expect(() => t.make({ ...t.base, maxParameters: bad })).toThrow(new RegExp(`^${t.name}: invalid \`maxParameters\`: expected a positive integer`));
      }
    });
  }

  it('layers whose weights depend on the input width check it when built', () => {
    const before = tf.memory().numTensors;
    const wide = tfl.input({ shape: [2, 2, 3e9] });
    for (const [name, layer] of [
      ['LayerNorm', new LayerNorm({})],
      ['InstanceNormalization', new InstanceNormalization({})],
      ['NoiseInjection', new NoiseInjection({ seed: 1 })],
    ] as const) {
      expect(() => layer.apply(wide)).toThrow(new RegExp(`^${name} '.*': \`input (width|channels) C\` too large: .* 3\\.0e9 elements, which exceeds 2\\^31−1`));
    }
    const seq = tfl.input({ shape: [5, 2 ** 27] });
    expect(() => new PositionEmbedding({ sequenceLength: 8 }).apply(seq)).toThrow(/^PositionEmbedding '.*': the config would allocate 4\.0 GiB of weights/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses more than MAX_LAYERS blocks, naming the field', () => {
    expect(() => buildTransformerLM({ ...lm, numLayers: MAX_LAYERS + 1 })).toThrow(/^buildTransformerLM: invalid `numLayers`: expected at most 4096 layers in all, the config asks for 4097\./);
    expect(() => buildWaveNet({ dilations: { layersPerCycle: 10, cycles: 1e9 } })).toThrow(/^buildWaveNet: invalid `dilations\.cycles`: expected at most 4096 layers in all, the config asks for 1\.0e10\./);
  });

  it('receptiveField is closed-form: 1e9 cycles answer at once, an unbounded sum is an error', () => {
    const t0 = performance.now();
    expect(receptiveField({ dilations: { layersPerCycle: 10, cycles: 1e9 } })).toBe(1023 * 1e9 + 1);
    expect(receptiveField({ kernelSize: 3, dilations: { layersPerCycle: 10, cycles: 3 } })).toBe(2 * 3 * 1023 + 1);
    expect(receptiveField({ dilations: [1, 2, 4, 1] })).toBe(9);
    expect(performance.now() - t0).toBeLessThan(50);
    expect(() => receptiveField({ dilations: { layersPerCycle: 1e9, cycles: 1 } })).toThrow(/^receptiveField: `dilations\.layersPerCycle`, `kernelSize` too large: .* beyond 2\^53/);
    expect(() => receptiveField({ dilations: { layersPerCycle: 2, cycles: 1, extra: 1 } as never })).toThrow(/^receptiveField: unknown dilations field `extra`/);
  });

  it('checkWeightBudget: per-tensor limit, total against the default, the largest part named', () => {
    expect(checkWeightBudget('f', [{ fields: ['a'], shape: [3, 4] }, { fields: ['b'], shape: [5], repeat: 3 }])).toBe(27);
    expect(() => checkWeightBudget('f', [{ fields: ['a', 'b'], shape: [2 ** 16, 2 ** 15] }])).toThrow(
      /^f: `a`, `b` too large: a weight of shape \[65536, 32768\] would hold 2\.1e9 elements, which exceeds 2\^31−1 \(8\.0 GiB of float32\)\.$/,
    );
    expect(checkWeightBudget('f', [{ fields: ['a'], shape: [2 ** 31 - 1] }], 2 ** 31)).toBe(2 ** 31 - 1);
    expect(() => checkWeightBudget('f', [{ fields: ['x'], shape: [4] }, { fields: ['y'], shape: [2 ** 20], repeat: 2 ** 9 + 1 }])).toThrow(
      /^f: the config would allocate 2\.0 GiB of weights \(537,919,492 parameters\), over the default budget of 536,870,912 parameters \(2\.0 GiB of float32; builders take `maxParameters` to change it\); the largest part comes from `y`\.$/,
    );
    expect(DEFAULT_MAX_PARAMETERS).toBe(2 ** 29);
    expect(formatBytes(4e9)).toBe('3.7 GiB');
    expect(formatBytes(100)).toBe('100 bytes');
    expect(formatCount(3.2e9)).toBe('3.2e9');
    expect(formatCount(12345)).toBe('12345');
  });
});
