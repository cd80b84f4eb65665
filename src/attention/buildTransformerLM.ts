// A GPT-style decoder-only language model: Radford et al. 2018 (GPT) and 2019 (GPT-2):
// token + learned position embeddings, pre-norm causal transformer blocks, final layer norm,
// logits over the vocabulary (tied to the token embedding by default, Press & Wolf 2016).
//
// Legend: B batch, T length (≤ contextLength), C modelDim, V vocabSize.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { checkLayerCount, checkMaxParameters, checkWeightBudget, denseTerms } from '../_internal/budget.js';
import { checkConfigObject, checkKnownKeys, optional } from '../_internal/config.js';
import { ValueError } from '../_internal/errors.js';
import { checkBoolean, checkOneOf, checkOptionalSeed, checkPositiveInt, checkPositiveNumber, checkRate01 } from '../_internal/validate.js';
import { gpt2NormalInitializer, layerSeeds } from '../_internal/initializers.js';
import { disposeRepeatedLayersWithModel } from '../_internal/models.js';
import { layerNorm } from '../layers/LayerNorm.js';
import { positionEmbedding } from './PositionEmbedding.js';
import { tokenEmbedding } from '../layers/TokenEmbedding.js';
import { transformerBlock, transformerBlockWeightTerms, type TransformerActivation, type TransformerBlock } from './TransformerBlock.js';

/**
 * Configuration of {@link buildTransformerLM}.
 *
 * @category Attention
 */
export interface TransformerLMConfig {
  /** Number of tokens `V`. */
  vocabSize: number;
  /** Longest context `T` the model attends over (size of the position table). */
  contextLength: number;
  /** Model width `C`; divisible by `numHeads`. */
  modelDim: number;
  /** Attention heads per block. */
  numHeads: number;
  /** Number of transformer blocks. */
  numLayers: number;
  /** MLP width as a multiple of `modelDim`. Defaults to `4`. */
  mlpRatio?: number;
  /** Dropout rate after the embeddings, on attention weights and on residual branches, in training. Defaults to `0`. */
  dropout?: number;
  /** Use the token embedding table as the output layer (GPT-2). Defaults to `true`. */
  tieEmbeddings?: boolean;
  /** MLP activation. Defaults to `'gelu'`. */
  activation?: TransformerActivation;
  /** Seed of all initializers and dropout; the same seed gives the same weights. Defaults to unseeded. */
  seed?: number;
  /**
   * Refuse (with a `ValueError`, before allocating) a config with more weights
   * than this. Defaults to 2^29 (2 GiB of float32).
   */
  maxParameters?: number;
}

const FN = 'buildTransformerLM';
const KEYS = ['vocabSize', 'contextLength', 'modelDim', 'numHeads', 'numLayers', 'mlpRatio', 'dropout', 'tieEmbeddings', 'activation', 'seed', 'maxParameters'] as const;

/**
 * Layer names of the models {@link buildTransformerLM} builds; `generate`
 * finds the parts it caches by these names.
 * @hidden
 */
export const LM_LAYER_NAMES = {
  input: 'token_ids',
  tokenEmbedding: 'token_embedding',
  positionEmbedding: 'position_embedding',
  block: (i: number) => `block_${i}`,
  finalNorm: 'final_norm',
  head: 'lm_head',
} as const;

/**
 * Builds a GPT-style decoder-only language model.
 *
 * Token ids `[B, T]` (int32, `T ≤ contextLength`, any `T`) go through token
 * and learned position embeddings, dropout, `numLayers` pre-norm causal
 * {@link TransformerBlock}s, a final layer norm, and a projection to logits
 * `[B, T, V]`: the transposed token table when `tieEmbeddings` (GPT-2), else a
 * dense layer. Weights are drawn from N(0, 0.02) as in GPT-2, with the
 * residual output projections scaled by 1/√(2·numLayers).
 *
 * Train it with `trainLanguageModel`; generate from it with `generate`, which
 * uses a key/value cache for models built here. Save and load it with
 * `saveModel` / `loadModel`.
 *
 * @param config - Sizes and options; see {@link TransformerLMConfig}.
 * @returns A `tf.LayersModel` from ids `[B, T]` to logits `[B, T, V]`.
 * @throws {@link ValueError} for an invalid config (for example `modelDim` not
 *   divisible by `numHeads`), before any weight is created.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { buildTransformerLM } from 'tfjs-generative/attention';
 * const lm = buildTransformerLM({ vocabSize: 64, contextLength: 32, modelDim: 32, numHeads: 4, numLayers: 2, seed: 1 });
 * const logits = lm.predict(tf.zeros([2, 10], 'int32')) as tf.Tensor;
 * console.log(logits.shape); // [2, 10, 64]
 * ```
 *
 * @category Attention
 */
export function buildTransformerLM(config: TransformerLMConfig): tfl.LayersModel {
  checkConfigObject(FN, config);
  checkKnownKeys(FN, config, KEYS);
  const vocabSize = checkPositiveInt(FN, 'vocabSize', config.vocabSize);
  const contextLength = checkPositiveInt(FN, 'contextLength', config.contextLength);
  const modelDim = checkPositiveInt(FN, 'modelDim', config.modelDim);
  const numHeads = checkPositiveInt(FN, 'numHeads', config.numHeads);
  const numLayers = checkPositiveInt(FN, 'numLayers', config.numLayers);
  const mlpRatio = checkPositiveNumber(FN, 'mlpRatio', config.mlpRatio ?? 4);
  const dropout = checkRate01(FN, 'dropout', config.dropout ?? 0);
  const tieEmbeddings = checkBoolean(FN, 'tieEmbeddings', config.tieEmbeddings ?? true);
  const activation = checkOneOf(FN, 'activation', config.activation ?? 'gelu', ['gelu', 'geluTanh', 'relu', 'swish'] as const);
  const seed = checkOptionalSeed(FN, 'seed', config.seed);
  const maxParameters = checkMaxParameters(FN, config.maxParameters);
  if (modelDim % numHeads !== 0) {
    throw new ValueError(`${FN}: \`modelDim\` must be divisible by \`numHeads\`: received modelDim ${modelDim} and numHeads ${numHeads}.`);
  }
  checkLayerCount(FN, 'numLayers', numLayers);
  checkWeightBudget(
    FN,
    [
      { fields: ['vocabSize', 'modelDim'], shape: [vocabSize, modelDim] },
      { fields: ['contextLength', 'modelDim'], shape: [contextLength, modelDim] },
      ...transformerBlockWeightTerms(
        { width: modelDim, numHeads, keyDim: modelDim / numHeads, mlpRatio, useBias: true },
        { width: ['modelDim', 'numLayers'], attention: ['modelDim', 'numLayers'], mlp: ['mlpRatio', 'modelDim', 'numLayers'] },
        numLayers,
      ),
      { fields: ['modelDim'], shape: [2 * modelDim] },
      ...(tieEmbeddings ? [] : denseTerms(['vocabSize', 'modelDim'], modelDim, vocabSize)),
    ],
    maxParameters,
  );
  // Embeddings, dropout and head take seeds 0-3; each block i takes seed i of
  // three streams (kernels, dropout, residual projections), for any depth.
  const layerSeed = layerSeeds(seed);
  const blockKernelSeed = layerSeeds(seed, 'blockKernel');
  const blockSeed = layerSeeds(seed, 'block');
  const residualProjectionSeed = layerSeeds(seed, 'residualProjection');
  const residualStd = 0.02 / Math.sqrt(2 * numLayers);

  const ids = tfl.input({ shape: [null], dtype: 'int32', name: LM_LAYER_NAMES.input }); // [B, T]
  const embedding = tokenEmbedding({ vocabSize, outputDim: modelDim, name: LM_LAYER_NAMES.tokenEmbedding, ...optional('seed', layerSeed(0)) });
  const tokens = embedding.apply(ids) as tfl.SymbolicTensor; // [B, T, C]
  const positions = positionEmbedding({ sequenceLength: contextLength, name: LM_LAYER_NAMES.positionEmbedding, ...optional('seed', layerSeed(1)) }).apply(tokens) as tfl.SymbolicTensor;
  let x = tfl.layers.add({ name: 'embedding_sum' }).apply([tokens, positions]) as tfl.SymbolicTensor;
  if (dropout > 0) x = tfl.layers.dropout({ rate: dropout, name: 'embedding_dropout', ...optional('seed', layerSeed(2)) }).apply(x) as tfl.SymbolicTensor;
  for (let i = 0; i < numLayers; i++) {
    const block = transformerBlock({
      numHeads,
      mlpRatio,
      activation,
      dropout,
      causal: true,
      kernelInitializer: gpt2NormalInitializer(blockKernelSeed(i)),
      name: LM_LAYER_NAMES.block(i),
      ...optional('seed', blockSeed(i)),
    });
    x = block.apply(x) as tfl.SymbolicTensor;
    scaleResidualProjections(block, residualStd, residualProjectionSeed(i));
  }
  x = layerNorm({ epsilon: 1e-5, name: LM_LAYER_NAMES.finalNorm }).apply(x) as tfl.SymbolicTensor;
  const logits = tieEmbeddings
    ? (embedding.apply(x) as tfl.SymbolicTensor) // [B, T, V]
    : (tfl.layers.dense({ units: vocabSize, name: LM_LAYER_NAMES.head, kernelInitializer: gpt2NormalInitializer(layerSeed(3)) }).apply(x) as tfl.SymbolicTensor);
  // A tied table is applied twice; its model's dispose() must release both.
  return disposeRepeatedLayersWithModel(tfl.model({ inputs: ids, outputs: logits, name: 'transformer_lm' }));
}

/** GPT-2: residual projections (attention output, MLP output) start at N(0, 0.02/√(2L)). */
function scaleResidualProjections(block: TransformerBlock, std: number, seed: number | undefined): void {
  const projectionSeed = layerSeeds(seed);
  block.residualProjections().forEach((w, i) => {
    const init = gpt2NormalInitializer(projectionSeed(i));
    const scaled = tf.tidy(() => tf.mul(init.apply(w.shape), std / 0.02));
    w.write(scaled);
    scaled.dispose();
  });
}
