// A dense variational autoencoder: Kingma & Welling 2013, "Auto-Encoding Variational
// Bayes", https://arxiv.org/abs/1312.6114 (§3, Appendix C: MLP encoder and decoder);
// conditional as in Sohn et al. 2015, "Learning Structured Output Representation
// using Deep Conditional Generative Models" (the label feeds both networks).
//
// Legend: B batch, D features (the product of `inputShape`), Z latent size, K classes.
import * as tfl from '@tensorflow/tfjs-layers';
import { checkLayerCount, checkTensorSize, checkWeightBudget, denseTerms, type WeightTerm } from '../_internal/budget.js';
import { checkConfigObject, checkKnownKeys } from '../_internal/config.js';
import { invalidField } from '../_internal/errors.js';
import { checkPositiveInt } from '../_internal/validate.js';
import { assembleVAE, commonVAEOptions, kernelInitializers, VAE_COMMON_KEYS } from './_builderCommon.js';
import type { VAE, VAECommonConfig } from './types.js';

/**
 * Configuration of {@link buildVAE}. Only `inputShape` is required.
 *
 * @category VAE
 */
export interface VAEConfig extends VAECommonConfig {
  /** Shape of one example, without the batch: `[784]`, or `[28, 28, 1]` for images. */
  inputShape: number[];
  /** Size `Z` of the latent space: a positive integer. Defaults to `16`. */
  latentDim?: number;
  /** Units of the encoder's hidden layers, first to last; the decoder mirrors them. Defaults to `[512, 256]`. */
  hiddenUnits?: number[];
  /** Activation of the hidden layers. Defaults to `'relu'`. */
  activation?: 'relu' | 'tanh' | 'elu' | 'selu' | 'sigmoid' | 'softplus';
}

const FN = 'buildVAE';
const KEYS = [
  'inputShape',
  'latentDim',
  'hiddenUnits',
  'activation',
  ...VAE_COMMON_KEYS,
] as const;
const ACTIVATIONS = ['relu', 'tanh', 'elu', 'selu', 'sigmoid', 'softplus'] as const;

/**
 * Builds a VAE of dense layers (Kingma & Welling 2013).
 *
 * The encoder flattens `x`, (concatenates the one-hot label,) runs the
 * hidden layers and ends in two linear heads, `mean` and `logVar` (`[B, Z]`
 * each). The decoder takes `z` (concatenated with the one-hot label), runs
 * the hidden layers in reverse order and a linear output layer of `D` units,
 * reshaped to `inputShape`: logits for the Bernoulli likelihood, means for
 * the Gaussian one. Weights are Glorot-uniform, biases zero.
 *
 * Train it with {@link "tfjs-generative/training"!trainVAE | trainVAE}; evaluate with {@link importanceWeightedBound}.
 * The whole config is validated before any variable is created.
 *
 * @param config - Shapes, sizes and likelihood; see {@link VAEConfig}.
 * @returns `{ encoder, decoder, vae, … }` (see {@link VAE}): encoder
 *   `[B, …]` → `[mean [B, Z], logVar [B, Z]]`; decoder `[B, Z]` → `[B, …]`;
 *   conditional models take one-hot labels `[B, K]` as a second input.
 * @throws {@link ValueError} naming the field when the config is invalid.
 *
 * @example
 * ```ts
 * import { buildVAE } from 'tfjs-generative';
 * const { encoder, decoder, vae } = buildVAE({ inputShape: [28, 28, 1], latentDim: 2, seed: 1 });
 * console.log(encoder.outputs.map((o) => o.shape)); // [[null, 2], [null, 2]]
 * console.log(decoder.outputs[0].shape); // [null, 28, 28, 1]
 * console.log(vae.outputs[0].shape); // [null, 28, 28, 1]
 * ```
 *
 * @category VAE
 */
export function buildVAE(config: VAEConfig): VAE {
  checkConfigObject(FN, config);
  checkKnownKeys(FN, config, KEYS);
  const { inputShape } = config;
  if (!Array.isArray(inputShape) || inputShape.length === 0 || !inputShape.every((d) => Number.isInteger(d) && d > 0)) {
    throw invalidField(FN, 'inputShape', 'a non-empty array of positive integers', inputShape);
  }
  const hiddenUnits = config.hiddenUnits ?? [512, 256];
  if (!Array.isArray(hiddenUnits)) throw invalidField(FN, 'hiddenUnits', 'an array of positive integers', hiddenUnits);
  hiddenUnits.forEach((u, i) => checkPositiveInt(FN, `hiddenUnits[${i}]`, u));
  const activation = config.activation ?? 'relu';
  if (!(ACTIVATIONS as readonly string[]).includes(activation)) {
    throw invalidField(FN, 'activation', `one of ${ACTIVATIONS.map((a) => `'${a}'`).join(', ')}`, activation);
  }
  const common = commonVAEOptions(FN, config);
  const { latentDim, numClasses } = common;
  const features = inputShape.reduce((a, b) => a * b, 1);
  checkTensorSize(FN, ['inputShape'], inputShape, "one example's input");
  checkLayerCount(FN, 'hiddenUnits', hiddenUnits.length);
  {
    // Encoder: hidden denses from D (+ K), mean and logVar; decoder: hidden denses (reversed) from Z (+ K), output to D.
    const k = numClasses ?? 0;
    const terms: WeightTerm[] = [];
    let inputs = features + k;
    // The first dense of each network also takes the one-hot label.
    const label = k > 0 ? ['numClasses'] : [];
    let inputField = 'inputShape';
    hiddenUnits.forEach((units, i) => {
      terms.push(...denseTerms([inputField, `hiddenUnits[${i}]`, ...(i === 0 ? label : [])], inputs, units));
      inputs = units;
      inputField = `hiddenUnits[${i}]`;
    });
    const meanFields = [inputField, 'latentDim', ...(hiddenUnits.length === 0 ? label : [])];
    terms.push(...denseTerms(meanFields, inputs, latentDim), ...denseTerms(meanFields, inputs, latentDim));
    inputs = latentDim + k;
    inputField = 'latentDim';
    for (let i = hiddenUnits.length - 1; i >= 0; i--) {
      terms.push(...denseTerms([inputField, `hiddenUnits[${i}]`, ...(inputField === 'latentDim' ? label : [])], inputs, hiddenUnits[i]!));
      inputs = hiddenUnits[i]!;
      inputField = `hiddenUnits[${i}]`;
    }
    terms.push(...denseTerms([inputField, 'inputShape', ...(inputField === 'latentDim' ? label : [])], inputs, features));
    checkWeightBudget(FN, terms, common.maxParameters);
  }
  const kernel = kernelInitializers(common.seed);

  // Encoder: x [B, …] → flatten [B, D] (‖ one-hot [B, K]) → hidden → mean, logVar [B, Z].
  const x = tfl.input({ shape: inputShape, name: 'x' });
  const encLabel = numClasses === null ? null : tfl.input({ shape: [numClasses], name: 'label' });
  let h: tfl.SymbolicTensor = inputShape.length > 1 ? (tfl.layers.flatten({ name: 'enc_flatten' }).apply(x) as tfl.SymbolicTensor) : x; // [B, D]
  if (encLabel !== null) h = tfl.layers.concatenate({ name: 'enc_concat_label' }).apply([h, encLabel]) as tfl.SymbolicTensor; // [B, D + K]
  hiddenUnits.forEach((units, i) => {
    h = tfl.layers.dense({ units, activation, kernelInitializer: kernel(), name: `enc_dense${i}` }).apply(h) as tfl.SymbolicTensor;
  });
  const mean = tfl.layers.dense({ units: latentDim, kernelInitializer: kernel(), name: 'enc_mean' }).apply(h) as tfl.SymbolicTensor; // [B, Z]
  const logVar = tfl.layers.dense({ units: latentDim, kernelInitializer: kernel(), name: 'enc_log_var' }).apply(h) as tfl.SymbolicTensor; // [B, Z]
  const encoder = tfl.model({ inputs: encLabel === null ? x : [x, encLabel], outputs: [mean, logVar], name: 'vae_encoder' });

  // Decoder: z [B, Z] (‖ one-hot [B, K]) → hidden (reversed) → [B, D] → reshape [B, …].
  const z = tfl.input({ shape: [latentDim], name: 'z' });
  const decLabel = numClasses === null ? null : tfl.input({ shape: [numClasses], name: 'label' });
  let g: tfl.SymbolicTensor = decLabel === null ? z : (tfl.layers.concatenate({ name: 'dec_concat_label' }).apply([z, decLabel]) as tfl.SymbolicTensor); // [B, Z (+ K)]
  [...hiddenUnits].reverse().forEach((units, i) => {
    g = tfl.layers.dense({ units, activation, kernelInitializer: kernel(), name: `dec_dense${i}` }).apply(g) as tfl.SymbolicTensor;
  });
  let out = tfl.layers.dense({ units: features, kernelInitializer: kernel(), name: 'dec_output' }).apply(g) as tfl.SymbolicTensor; // [B, D]
  if (inputShape.length > 1) out = tfl.layers.reshape({ targetShape: inputShape, name: 'dec_reshape' }).apply(out) as tfl.SymbolicTensor; // [B, …]
  const decoder = tfl.model({ inputs: decLabel === null ? z : [z, decLabel], outputs: out, name: 'vae_decoder' });

  return assembleVAE(encoder, decoder, common, 'vae');
}
