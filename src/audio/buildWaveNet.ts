// WaveNet: van den Oord et al. 2016, https://arxiv.org/abs/1609.03499 — stacked dilated causal
// residual blocks with skip connections, and a relu → 1×1 → relu → 1×1 head over μ-law classes.
//
// Legend: B batch, T time, Q quantization levels, R residual channels, S skip channels, G conditioning size.
import * as tfl from '@tensorflow/tfjs-layers';
import { optional } from '../_internal/config.js';
import { ValueError } from '../_internal/errors.js';
import { layerSeeds } from '../_internal/initializers.js';
import { tokenEmbedding } from '../layers/TokenEmbedding.js';
import { checkLayerCount, checkTensorSize, checkWeightBudget, denseTerms } from '../_internal/budget.js';
import { waveNetBlock, waveNetBlockWeightTerms } from './WaveNetBlock.js';
import { resolveWaveNetConfig } from './_waveNetConfig.js';

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
  /**
   * Refuse (with a `ValueError`, before allocating) a config with more weights
   * than this. Defaults to 2^29 (2 GiB of float32).
   */
  maxParameters?: number;
}

const FN = 'buildWaveNet';

/** Layer names of the models buildWaveNet builds; generateAudio finds its parts by them. @hidden */
export const WAVENET_LAYER_NAMES = {
  input: 'audio_classes',
  conditioning: 'conditioning',
  embedding: 'input_embedding',
  block: (i: number) => `wavenet_block_${i}`,
  /** The hidden 1×1 layer of the head (`S` → `S`). */
  headHidden: 'head_1',
  /** The output 1×1 layer of the head (`S` → `Q` logits). */
  headLogits: 'logits',
} as const;

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
  return resolveWaveNetConfig('receptiveField', config).receptiveField;
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
  checkLayerCount(FN, c.blocksField, c.blocks);
  checkTensorSize(FN, ['dilations', 'kernelSize'], [c.receptiveField], 'a window of one receptive field');
  const r = c.residualChannels;
  const s = c.skipChannels;
  checkWeightBudget(
    FN,
    [
      { fields: ['quantizationLevels', 'residualChannels'], shape: [c.quantizationLevels, r] },
      ...waveNetBlockWeightTerms(
        { residualChannels: r, skipChannels: s, kernelSize: c.kernelSize, conditioningDim: c.conditioningDim },
        { residual: ['residualChannels', 'kernelSize', c.blocksField], skip: ['residualChannels', 'skipChannels', c.blocksField], conditioning: ['conditioningDim', 'residualChannels', c.blocksField] },
        c.blocks,
      ),
      ...denseTerms(['skipChannels'], s, s),
      ...denseTerms(['skipChannels', 'quantizationLevels'], s, c.quantizationLevels),
    ],
    c.maxParameters,
  );
  // The embedding and the two head layers take seeds 0-2; block i takes seed i of its own stream.
  const layerSeed = layerSeeds(c.seed);
  const blockSeed = layerSeeds(c.seed, 'block');
  const classes = tfl.input({ shape: [null], dtype: 'int32', name: WAVENET_LAYER_NAMES.input }); // [B, T]
  const conditioning = c.conditioningDim === null ? null : tfl.input({ shape: [c.conditioningDim], name: WAVENET_LAYER_NAMES.conditioning }); // [B, G]
  let x = tokenEmbedding({
    vocabSize: c.quantizationLevels,
    outputDim: c.residualChannels,
    embeddingsInitializer: 'glorotUniform',
    name: WAVENET_LAYER_NAMES.embedding,
    ...optional('seed', layerSeed(0)),
  }).apply(classes) as tfl.SymbolicTensor; // [B, T, R]
  const skips: tfl.SymbolicTensor[] = [];
  c.dilations().forEach((dilationRate, i) => {
    const block = waveNetBlock({
      skipChannels: c.skipChannels,
      kernelSize: c.kernelSize,
      dilationRate,
      name: WAVENET_LAYER_NAMES.block(i),
      ...optional('conditioningDim', c.conditioningDim ?? undefined),
      ...(c.recompute ? { recompute: true } : {}),
      ...optional('seed', blockSeed(i)),
    });
    const [residual, skip] = block.apply(conditioning === null ? x : [x, conditioning]) as tfl.SymbolicTensor[];
    x = residual!;
    skips.push(skip!);
  });
  if (skips.length === 0) throw new ValueError(`${FN}: no blocks.`);
  let h = skips.length === 1 ? skips[0]! : (tfl.layers.add({ name: 'skip_sum' }).apply(skips) as tfl.SymbolicTensor); // [B, T, S]
  h = tfl.layers.reLU({ name: 'head_relu_1' }).apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.dense({ units: c.skipChannels, name: WAVENET_LAYER_NAMES.headHidden, kernelInitializer: tfl.initializers.glorotUniform(optional('seed', layerSeed(1))) }).apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.reLU({ name: 'head_relu_2' }).apply(h) as tfl.SymbolicTensor;
  const logits = tfl.layers.dense({ units: c.quantizationLevels, name: WAVENET_LAYER_NAMES.headLogits, kernelInitializer: tfl.initializers.glorotUniform(optional('seed', layerSeed(2))) }).apply(h) as tfl.SymbolicTensor;
  return tfl.model({ inputs: conditioning === null ? classes : [classes, conditioning], outputs: logits, name: 'wavenet' });
}
