// WaveNet: van den Oord et al. 2016, https://arxiv.org/abs/1609.03499 — stacked dilated causal
// residual blocks with skip connections, and a relu → 1×1 → relu → 1×1 head over μ-law classes.
//
// Legend: B batch, T time, Q quantization levels, R residual channels, S skip channels, G conditioning size.
import * as tfl from '@tensorflow/tfjs-layers';
import { checkConfigObject, checkKnownKeys } from '../_internal/config.js';
import { invalidField, ValueError } from '../_internal/errors.js';
import { weightSeed } from '../_internal/initializers.js';
import { checkBoolean, checkOptionalSeed, checkPositiveInt } from '../_internal/validate.js';
import { tokenEmbedding } from '../layers/TokenEmbedding.js';
import { waveNetBlock } from './WaveNetBlock.js';

/**
 * Dilations of a WaveNet: an explicit list, or cycles of `1, 2, 4, …,
 * 2^(layersPerCycle-1)` repeated `cycles` times.
 *
 * @category Audio
 */
export type WaveNetDilations = readonly number[] | WaveNetDilationCycles;

/**
 * Dilations `1, 2, 4, …, 2^(layersPerCycle-1)`, repeated `cycles` times.
 *
 * @category Audio
 */
export interface WaveNetDilationCycles {
  /** Blocks per cycle (dilations 1 … 2^(layersPerCycle-1)). */
  layersPerCycle: number;
  /** Number of cycles. */
  cycles: number;
}

/**
 * Configuration of {@link buildWaveNet}.
 *
 * @category Audio
 */
export interface WaveNetConfig {
  /** Channels `R` of the residual stream. Defaults to `64`. */
  residualChannels?: number;
  /** Channels `S` of the skip connections and the head. Defaults to `256`. */
  skipChannels?: number;
  /** Taps of each dilated convolution (≥ 1). Defaults to `2`. */
  kernelSize?: number;
  /** One block per dilation. Defaults to `{ layersPerCycle: 10, cycles: 2 }` (1…512, twice). */
  dilations?: WaveNetDilations;
  /** Number of classes `Q` of the input and output (μ = Q - 1 for μ-law). Defaults to `256`. */
  quantizationLevels?: number;
  /** Size `G` of a global conditioning vector, given as a second input `[B, G]`. Defaults to none. */
  conditioningDim?: number;
  /** Seed of every initializer. Defaults to unseeded. */
  seed?: number;
  /**
   * Recompute each block's activations in the backward pass instead of storing
   * them (gradient checkpointing; see `WaveNetBlockArgs.recompute`), for one
   * more dilated convolution and gate per block. Use it for windows whose step
   * does not fit the heap otherwise (2 × 10 layers of 64 / 256 channels at
   * 4 × 4,096 samples: 3.1 GB without, 2.5 GB with, on wasm). Defaults to `false`.
   */
  recompute?: boolean;
}

const FN = 'buildWaveNet';
const KEYS = ['residualChannels', 'skipChannels', 'kernelSize', 'dilations', 'quantizationLevels', 'conditioningDim', 'seed', 'recompute'] as const;

/** Layer names of the models buildWaveNet builds; generateAudio finds its parts by them. @hidden */
export const WAVENET_LAYER_NAMES = {
  input: 'audio_classes',
  conditioning: 'conditioning',
  embedding: 'input_embedding',
  block: (i: number) => `wavenet_block_${i}`,
  head1: 'head_1',
  head2: 'logits',
} as const;

/** @hidden */
export interface ResolvedWaveNetConfig {
  residualChannels: number;
  skipChannels: number;
  kernelSize: number;
  dilations: number[];
  quantizationLevels: number;
  conditioningDim: number | null;
  seed: number | undefined;
  recompute: boolean;
}

/** Validates a WaveNet config (shared with receptiveField). @hidden */
export function resolveWaveNetConfig(fn: string, config: WaveNetConfig): ResolvedWaveNetConfig {
  checkConfigObject(fn, config);
  checkKnownKeys(fn, config, KEYS);
  const kernelSize = config.kernelSize ?? 2;
  if (typeof kernelSize !== 'number' || !Number.isInteger(kernelSize) || kernelSize < 1) {
    throw invalidField(fn, 'kernelSize', 'an integer >= 1', kernelSize);
  }
  const d = config.dilations ?? { layersPerCycle: 10, cycles: 2 };
  let dilations: number[];
  if (Array.isArray(d)) {
    if (d.length === 0) throw invalidField(fn, 'dilations', 'a non-empty list of positive integers', d);
    dilations = d.map((v: unknown, i) => {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw invalidField(fn, `dilations[${i}]`, 'a positive integer', v);
      return v;
    });
  } else if (d !== null && typeof d === 'object') {
    const { layersPerCycle, cycles } = d as { layersPerCycle: unknown; cycles: unknown };
    const l = checkPositiveInt(fn, 'dilations.layersPerCycle', layersPerCycle);
    const c = checkPositiveInt(fn, 'dilations.cycles', cycles);
    dilations = Array.from({ length: l * c }, (_, i) => 2 ** (i % l));
  } else {
    throw invalidField(fn, 'dilations', 'a list of positive integers or { layersPerCycle, cycles }', d);
  }
  const quantizationLevels = config.quantizationLevels ?? 256;
  if (typeof quantizationLevels !== 'number' || !Number.isInteger(quantizationLevels) || quantizationLevels < 2) {
    throw invalidField(fn, 'quantizationLevels', 'an integer >= 2', quantizationLevels);
  }
  const recompute = checkBoolean(fn, 'recompute', config.recompute ?? false);
  return {
    recompute,
    residualChannels: checkPositiveInt(fn, 'residualChannels', config.residualChannels ?? 64),
    skipChannels: checkPositiveInt(fn, 'skipChannels', config.skipChannels ?? 256),
    kernelSize,
    dilations,
    quantizationLevels,
    conditioningDim: config.conditioningDim === undefined ? null : checkPositiveInt(fn, 'conditioningDim', config.conditioningDim),
    seed: checkOptionalSeed(fn, 'seed', config.seed),
  };
}

/**
 * The receptive field of a WaveNet: `(kernelSize - 1) · Σ dilations + 1`
 * samples (kernel 2 with dilations 1…512 three times: 3,070).
 *
 * @param config - A {@link WaveNetConfig} (only `kernelSize` and `dilations` matter).
 * @returns The number of past samples, the current one included, each output sees.
 * @throws {@link ValueError} for an invalid config.
 *
 * @example
 * ```ts
 * import { receptiveField } from 'tfjs-generative/audio';
 * console.log(receptiveField({ dilations: { layersPerCycle: 10, cycles: 3 } })); // 3070
 * ```
 *
 * @category Audio
 */
export function receptiveField(config: WaveNetConfig = {}): number {
  const c = resolveWaveNetConfig('receptiveField', config);
  return (c.kernelSize - 1) * c.dilations.reduce((a, b) => a + b, 0) + 1;
}

/**
 * Builds a WaveNet over quantized audio.
 *
 * Input: classes `[B, T]` (int32, e.g. from `muLawEncode`), and with
 * `conditioningDim` a second input `[B, G]`. The classes are embedded to `R`
 * channels (a 1×1 convolution of their one-hot codes), pass through one
 * {@link WaveNetBlock} per dilation, and the sum of the blocks' skip outputs
 * goes through relu → 1×1 (`S`) → relu → 1×1 (`Q`). Output: logits
 * `[B, T, Q]`, where position `t` predicts the class of sample `t + 1` from
 * samples `≤ t`.
 *
 * @param config - Channels, kernel, dilations, levels, conditioning; see {@link WaveNetConfig}.
 * @returns A `tf.LayersModel` (classes `[B, T]` or `[classes, conditioning]`) → logits `[B, T, Q]`.
 * @throws {@link ValueError} for an invalid config (kernel size below 1, dilations
 *   that are not positive integers, …), before any weight is created.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { buildWaveNet } from 'tfjs-generative/audio';
 * const net = buildWaveNet({ residualChannels: 16, skipChannels: 32, dilations: [1, 2, 4, 8], seed: 1 });
 * const logits = net.predict(tf.zeros([1, 100], 'int32')) as tf.Tensor;
 * console.log(logits.shape); // [1, 100, 256]
 * ```
 *
 * @category Audio
 */
export function buildWaveNet(config: WaveNetConfig = {}): tfl.LayersModel {
  const c = resolveWaveNetConfig(FN, config);
  const s = (i: number): { seed?: number } => (c.seed === undefined ? {} : { seed: weightSeed(c.seed, i) });
  const classes = tfl.input({ shape: [null], dtype: 'int32', name: WAVENET_LAYER_NAMES.input }); // [B, T]
  const conditioning = c.conditioningDim === null ? null : tfl.input({ shape: [c.conditioningDim], name: WAVENET_LAYER_NAMES.conditioning }); // [B, G]
  let x = tokenEmbedding({
    vocabSize: c.quantizationLevels,
    outputDim: c.residualChannels,
    embeddingsInitializer: 'glorotUniform',
    name: WAVENET_LAYER_NAMES.embedding,
    ...s(0),
  }).apply(classes) as tfl.SymbolicTensor; // [B, T, R]
  const skips: tfl.SymbolicTensor[] = [];
  c.dilations.forEach((dilationRate, i) => {
    const block = waveNetBlock({
      skipChannels: c.skipChannels,
      kernelSize: c.kernelSize,
      dilationRate,
      name: WAVENET_LAYER_NAMES.block(i),
      ...(c.conditioningDim === null ? {} : { conditioningDim: c.conditioningDim }),
      ...(c.recompute ? { recompute: true } : {}),
      ...s(10 + i),
    });
    const [residual, skip] = block.apply(conditioning === null ? x : [x, conditioning]) as tfl.SymbolicTensor[];
    x = residual!;
    skips.push(skip!);
  });
  if (skips.length === 0) throw new ValueError(`${FN}: no blocks.`);
  let h = skips.length === 1 ? skips[0]! : (tfl.layers.add({ name: 'skip_sum' }).apply(skips) as tfl.SymbolicTensor); // [B, T, S]
  h = tfl.layers.reLU({ name: 'head_relu_1' }).apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.dense({ units: c.skipChannels, name: WAVENET_LAYER_NAMES.head1, kernelInitializer: tfl.initializers.glorotUniform(s(1)) }).apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.reLU({ name: 'head_relu_2' }).apply(h) as tfl.SymbolicTensor;
  const logits = tfl.layers.dense({ units: c.quantizationLevels, name: WAVENET_LAYER_NAMES.head2, kernelInitializer: tfl.initializers.glorotUniform(s(2)) }).apply(h) as tfl.SymbolicTensor;
  return tfl.model({ inputs: conditioning === null ? classes : [classes, conditioning], outputs: logits, name: 'wavenet' });
}
