// A convolutional variational autoencoder: the VAE of Kingma & Welling 2013,
// https://arxiv.org/abs/1312.6114, with the encoder/decoder of the Keras VAE example
// (strided 3×3 convolutions, mirrored by transposed convolutions); conditional as in
// Sohn et al. 2015 (the label feeds both networks).
//
// Legend: B batch, S image size, C channels, F filters, Z latent size, K classes.
import * as tfl from '@tensorflow/tfjs-layers';
import { checkLayerCount, checkTensorSize, checkWeightBudget, convTerms, denseTerms, type WeightTerm } from '../_internal/budget.js';
import { checkConfigObject, checkKnownKeys } from '../_internal/config.js';
import { invalidField } from '../_internal/errors.js';
import { checkPositiveInt } from '../_internal/validate.js';
import { assembleVAE, commonVAEOptions, kernelInitializers, VAE_COMMON_KEYS } from './_builderCommon.js';
import type { VAE, VAECommonConfig } from './types.js';

/**
 * Configuration of {@link buildConvVAE}. Every field is optional.
 *
 * @category VAE
 */
export interface ConvVAEConfig extends VAECommonConfig {
  /** Side `S` of the square images, in pixels; divisible by `2^filters.length`. Defaults to `28`. */
  imageSize?: number;
  /** Image channels `C`. Defaults to `1`. */
  channels?: number;
  /** Size `Z` of the latent space: a positive integer. Defaults to `16`. */
  latentDim?: number;
  /** Filters of the encoder's stride-2 convolutions, first to last; the decoder mirrors them. Defaults to `[32, 64]`. */
  filters?: number[];
  /** Side of the square kernels. Defaults to `3`. */
  kernelSize?: number;
}

const FN = 'buildConvVAE';
const KEYS = [
  'imageSize',
  'channels',
  'latentDim',
  'filters',
  'kernelSize',
  ...VAE_COMMON_KEYS,
] as const;

/**
 * Builds a convolutional VAE for square images.
 *
 * Encoder: one `kernelSize`×`kernelSize` convolution with stride 2, `same`
 * padding and ReLU per entry of `filters` (28 → 14 → 7 with the default),
 * flatten, (concatenate the one-hot label,) and two linear heads `mean` and
 * `logVar` `[B, Z]`. Decoder: `z` (‖ one-hot label) → a dense ReLU layer to
 * the smallest feature map → one stride-2 transposed convolution with ReLU
 * per entry of `filters`, in reverse order → a stride-1 transposed
 * convolution to `channels`, linear: logits (Bernoulli) or means (Gaussian)
 * `[B, S, S, C]`. No batch norm, so training and inference compute the same
 * function.
 *
 * Training its convolutions on the wasm backend needs `registerWasmKernels()`
 * from `tfjs-generative/wasm`. The whole config is validated before any
 * variable is created.
 *
 * @param config - Sizes and likelihood; see {@link ConvVAEConfig}.
 * @returns `{ encoder, decoder, vae, … }` (see {@link VAE}): encoder
 *   `[B, S, S, C]` → `[mean [B, Z], logVar [B, Z]]`; decoder `[B, Z]` →
 *   `[B, S, S, C]`; conditional models take one-hot labels `[B, K]` as a second input.
 * @throws {@link ValueError} naming the field when the config is invalid.
 *
 * @example
 * ```ts
 * import { buildConvVAE } from 'tfjs-generative';
 * const { encoder, decoder } = buildConvVAE({ imageSize: 28, channels: 1, latentDim: 8, filters: [16, 32], seed: 1 });
 * console.log(encoder.outputs[0].shape); // [null, 8]
 * console.log(decoder.outputs[0].shape); // [null, 28, 28, 1]
 * ```
 *
 * @category VAE
 */
export function buildConvVAE(config: ConvVAEConfig = {}): VAE {
  checkConfigObject(FN, config);
  checkKnownKeys(FN, config, KEYS);
  const imageSize = checkPositiveInt(FN, 'imageSize', config.imageSize ?? 28);
  const channels = checkPositiveInt(FN, 'channels', config.channels ?? 1);
  const filters = config.filters ?? [32, 64];
  if (!Array.isArray(filters) || filters.length === 0) throw invalidField(FN, 'filters', 'a non-empty array of positive integers', filters);
  checkLayerCount(FN, 'filters', filters.length);
  filters.forEach((f, i) => checkPositiveInt(FN, `filters[${i}]`, f));
  const kernelSize = checkPositiveInt(FN, 'kernelSize', config.kernelSize ?? 3);
  const scale = 2 ** filters.length;
  if (imageSize % scale !== 0) {
    throw invalidField(FN, 'imageSize', `a multiple of ${scale} (2^filters.length, for ${filters.length} stride-2 layers)`, imageSize);
  }
  const common = commonVAEOptions(FN, config);
  const { latentDim, numClasses } = common;
  const kernel = kernelInitializers(common.seed);
  const smallest = imageSize / scale;
  const last = filters[filters.length - 1]!;
  checkTensorSize(FN, ['imageSize', 'channels'], [imageSize, imageSize, channels], "one example's image");
  checkTensorSize(FN, ['imageSize', 'filters[0]'], [imageSize, imageSize, filters[0]!], "one example's activation");
  {
    // Encoder: strided convolutions, mean and logVar from the flattened map (+ K); decoder: dense to the map, transposed convolutions, output.
    const k = numClasses ?? 0;
    const flat = smallest * smallest * last;
    const terms: WeightTerm[] = [];
    let inputs = channels;
    filters.forEach((f, i) => {
      terms.push(...convTerms(['kernelSize', `filters[${i}]`], kernelSize, inputs, f, true));
      inputs = f;
    });
    terms.push(...denseTerms(['imageSize', 'filters', 'latentDim', ...(k > 0 ? ['numClasses'] : [])], flat + k, latentDim), ...denseTerms(['imageSize', 'filters', 'latentDim', ...(k > 0 ? ['numClasses'] : [])], flat + k, latentDim));
    terms.push(...denseTerms(['imageSize', 'filters', 'latentDim', ...(k > 0 ? ['numClasses'] : [])], latentDim + k, flat));
    for (let i = filters.length - 1; i >= 0; i--) {
      terms.push(...convTerms(['kernelSize', `filters[${i}]`], kernelSize, inputs, filters[i]!, true));
      inputs = filters[i]!;
    }
    terms.push(...convTerms(['kernelSize', 'channels', 'filters[0]'], kernelSize, inputs, channels, true));
    checkWeightBudget(FN, terms, common.maxParameters);
  }

  // Encoder: [B, S, S, C] → convs → [B, S/2^n, S/2^n, F_n] → flatten (‖ one-hot) → mean, logVar [B, Z].
  const x = tfl.input({ shape: [imageSize, imageSize, channels], name: 'x' });
  const encLabel = numClasses === null ? null : tfl.input({ shape: [numClasses], name: 'label' });
  let h: tfl.SymbolicTensor = x;
  filters.forEach((f, i) => {
    h = tfl.layers
      .conv2d({ filters: f, kernelSize, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: kernel(), name: `enc_conv${i}` })
      .apply(h) as tfl.SymbolicTensor; // [B, S/2^(i+1), S/2^(i+1), F_i]
  });
  h = tfl.layers.flatten({ name: 'enc_flatten' }).apply(h) as tfl.SymbolicTensor; // [B, (S/2^n)²·F_n]
  if (encLabel !== null) h = tfl.layers.concatenate({ name: 'enc_concat_label' }).apply([h, encLabel]) as tfl.SymbolicTensor;
  const mean = tfl.layers.dense({ units: latentDim, kernelInitializer: kernel(), name: 'enc_mean' }).apply(h) as tfl.SymbolicTensor; // [B, Z]
  const logVar = tfl.layers.dense({ units: latentDim, kernelInitializer: kernel(), name: 'enc_log_var' }).apply(h) as tfl.SymbolicTensor; // [B, Z]
  const encoder = tfl.model({ inputs: encLabel === null ? x : [x, encLabel], outputs: [mean, logVar], name: 'conv_vae_encoder' });

  // Decoder: z (‖ one-hot) → dense → [B, S/2^n, S/2^n, F_n] → transposed convs → [B, S, S, C].
  const z = tfl.input({ shape: [latentDim], name: 'z' });
  const decLabel = numClasses === null ? null : tfl.input({ shape: [numClasses], name: 'label' });
  let g: tfl.SymbolicTensor = decLabel === null ? z : (tfl.layers.concatenate({ name: 'dec_concat_label' }).apply([z, decLabel]) as tfl.SymbolicTensor);
  g = tfl.layers
    .dense({ units: smallest * smallest * last, activation: 'relu', kernelInitializer: kernel(), name: 'dec_dense' })
    .apply(g) as tfl.SymbolicTensor; // [B, (S/2^n)²·F_n]
  g = tfl.layers.reshape({ targetShape: [smallest, smallest, last], name: 'dec_reshape' }).apply(g) as tfl.SymbolicTensor; // [B, S/2^n, S/2^n, F_n]
  [...filters].reverse().forEach((f, i) => {
    g = tfl.layers
      .conv2dTranspose({ filters: f, kernelSize, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: kernel(), name: `dec_deconv${i}` })
      .apply(g) as tfl.SymbolicTensor; // [B, S/2^(n-1-i), S/2^(n-1-i), F]
  });
  const out = tfl.layers
    .conv2dTranspose({ filters: channels, kernelSize, strides: 1, padding: 'same', kernelInitializer: kernel(), name: 'dec_output' })
    .apply(g) as tfl.SymbolicTensor; // [B, S, S, C]
  const decoder = tfl.model({ inputs: decLabel === null ? z : [z, decLabel], outputs: out, name: 'conv_vae_decoder' });

  return assembleVAE(encoder, decoder, common, 'conv_vae');
}
