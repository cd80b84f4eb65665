// DCGAN: Radford, Metz & Chintala 2015, "Unsupervised Representation Learning with Deep
// Convolutional Generative Adversarial Networks", https://arxiv.org/abs/1511.06434.
// Layer for layer, the 64×64 pair is the one of the PyTorch DCGAN tutorial
// (nz 100, ngf = ndf = 64, 4×4 kernels, no convolution bias).
//
// Legend: B batch, Z latent size, S image size, C channels.
import * as tfl from '@tensorflow/tfjs-layers';
import { checkMaxParameters, checkTensorSize, checkWeightBudget, denseTerms, type WeightTerm } from '../_internal/budget.js';
import { checkKnownKeys, checkConfigObject, optional } from '../_internal/config.js';
import { invalidField } from '../_internal/errors.js';
import { layerSeedCounter, streamSeed, type Initializer } from '../_internal/initializers.js';
import { LABEL_EMBEDDING } from '../_internal/latents.js';
import { withDispose } from '../_internal/models.js';
import { checkBoolean, checkOneOf, checkOptionalSeed, checkPositiveInt } from '../_internal/validate.js';
import { layerNorm } from '../layers/LayerNorm.js';
import { tokenEmbedding } from '../layers/TokenEmbedding.js';

/**
 * Configuration of {@link buildDCGAN}. Every field is optional.
 *
 * @category GAN
 */
export interface DCGANConfig {
  /** Side of the square images, in pixels: a power of two ≥ 8, or 28 (MNIST). Defaults to `64`. */
  imageSize?: number;
  /** Image channels: 1 for grayscale, 3 for RGB. Defaults to `3`. */
  channels?: number;
  /** Size `Z` of the latent vector the generator takes. Defaults to `100`. */
  latentDim?: number;
  /** Filters of the generator's last hidden layer (`ngf`); they double towards the latent end. Defaults to `64`. */
  generatorFilters?: number;
  /** Filters of the discriminator's first layer (`ndf`); they double at each downsampling. Defaults to `64`. */
  discriminatorFilters?: number;
  /**
   * Number of classes: makes the pair conditional (Mirza & Osindero 2014). The
   * generator takes `[z, labels]` (a learned label embedding is concatenated
   * to z); the discriminator takes `[images, labels]` and adds a projection
   * term `⟨embed(y), φ(x)⟩` to its logit (Miyato & Koyama 2018). Labels are
   * int32 `[B, 1]`. Defaults to none (unconditional).
   */
  numClasses?: number;
  /**
   * With `numClasses`: make the discriminator an auxiliary classifier (AC-GAN,
   * Odena et al. 2017) instead of a projection discriminator: it takes images
   * only and returns `[logits [B, 1], classLogits [B, K]]`; `trainGAN` adds the
   * classification losses. Defaults to `false`.
   */
  auxiliaryClassifier?: boolean;
  /**
   * Normalization of the discriminator's hidden layers: `'batch'` (the DCGAN
   * paper), `'layer'` (each position's channels, with a learned scale and
   * offset: the library's `LayerNorm`), or `'none'`. A WGAN-GP critic must not
   * mix the examples of a batch, so use `'layer'` or `'none'` with
   * `loss: 'wgan-gp'` (Gulrajani et al. 2017 §4). Defaults to `'batch'`.
   */
  discriminatorNormalization?: 'batch' | 'layer' | 'none';
  /** Seed of the weight initializers; the same seed gives the same weights. Defaults to unseeded. */
  seed?: number;
  /**
   * Refuse (with a `ValueError`, before allocating) a config with more weights
   * than this. Defaults to 2^29 (2 GiB of float32).
   */
  maxParameters?: number;
}

/**
 * The pair returned by {@link buildDCGAN}.
 *
 * @category GAN
 */
export interface DCGAN {
  /** Maps latents `[B, Z]` (and labels `[B, 1]` when conditional) to images `[B, S, S, C]` in [-1, 1] (tanh output). */
  generator: tfl.LayersModel;
  /** Maps images `[B, S, S, C]` (and labels `[B, 1]` when conditional) to logits `[B, 1]` (no sigmoid: use the losses from logits). */
  discriminator: tfl.LayersModel;
  /**
   * Frees the weights of both models; later calls do nothing. Not enumerable,
   * so `{ ...dcgan }` copies the two models only.
   */
  dispose(): void;
}

const FN = 'buildDCGAN';
const KEYS = [
  'imageSize',
  'channels',
  'latentDim',
  'generatorFilters',
  'discriminatorFilters',
  'numClasses',
  'auxiliaryClassifier',
  'discriminatorNormalization',
  'seed',
  'maxParameters',
] as const;

// DCGAN's guidelines (Radford et al. §3) with PyTorch's batch-norm constants, so that
// models and figures compare with the reference implementation: weights from
// N(0, 0.02), batch-norm scale from N(1, 0.02), momentum 0.1 in PyTorch's convention
// (0.9 in Keras's), epsilon 1e-5, LeakyReLU slope 0.2.
const INIT_STDDEV = 0.02;
const BN_MOMENTUM = 0.9;
const BN_EPSILON = 1e-5;
const LEAKY_SLOPE = 0.2;

/**
 * Builds a DCGAN generator/discriminator pair (Radford et al. 2015).
 *
 * The generator projects the latent vector to a 4×4 map (7×7 when
 * `imageSize` is 28), then doubles the resolution with 4×4 stride-2
 * transposed convolutions, each followed by batch norm and ReLU, halving the
 * filters each time down to `generatorFilters`; its output layer is a
 * transposed convolution to `channels` with tanh. The discriminator mirrors
 * it with 4×4 stride-2 convolutions and LeakyReLU(0.2), batch norm (or
 * `discriminatorNormalization`) on every layer but the first, and a last convolution over the whole 4×4 (or 7×7) map
 * to one logit. No convolution has a bias (batch norm supplies it).
 *
 * At `{ imageSize: 64, channels: 3, latentDim: 100 }` this is the PyTorch DCGAN
 * tutorial's pair: 3,576,704 generator and 2,765,568 discriminator trainable
 * parameters.
 *
 * The whole config is validated before any variable is created.
 *
 * @param config - Sizes and seed; see {@link DCGANConfig}.
 * @returns `{ generator, discriminator, dispose }`: generator `[B, Z] → [B, S, S, C]`,
 *   discriminator `[B, S, S, C] → [B, 1]` logits; `dispose()` frees both.
 * @throws {@link ValueError} naming the field when the config is invalid.
 *
 * @example
 * ```ts
 * import { buildDCGAN } from 'tfjs-generative';
 * const { generator, discriminator } = buildDCGAN({ imageSize: 28, channels: 1, seed: 1 });
 * console.log(generator.outputs[0].shape); // [null, 28, 28, 1]
 * console.log(discriminator.outputs[0].shape); // [null, 1]
 * ```
 *
 * @category GAN
 */
export function buildDCGAN(config: DCGANConfig = {}): DCGAN {
  const resolved = resolveDCGANConfig(config);
  checkDCGANBudget(resolved);
  const generator = buildGenerator(resolved, seededInitializers(resolved.seed, 'generator'));
  const discriminator = buildDiscriminator(resolved, seededInitializers(resolved.seed, 'discriminator'));
  return withDispose({ generator, discriminator }, generator, discriminator);
}

/** A {@link DCGANConfig} checked, with its defaults applied and the sizes it implies. */
interface ResolvedDCGANConfig {
  imageSize: number;
  channels: number;
  latentDim: number;
  /** `ngf`. */
  generatorFilters: number;
  /** `ndf`. */
  discriminatorFilters: number;
  numClasses: number | null;
  auxiliaryClassifier: boolean;
  discriminatorNormalization: 'batch' | 'layer' | 'none';
  seed: number | undefined;
  maxParameters: number | undefined;
  /** Side of the first map: 4, or 7 for 28. */
  startSize: number;
  /** Stride-2 layers between `startSize` and `imageSize` (≥ 1). */
  upsamplings: number;
}

function resolveDCGANConfig(config: DCGANConfig): ResolvedDCGANConfig {
  checkConfigObject(FN, config);
  checkKnownKeys(FN, config, KEYS);
  const imageSize = config.imageSize ?? 64;
  if (
    typeof imageSize !== 'number' ||
    !(imageSize === 28 || (Number.isInteger(imageSize) && imageSize >= 8 && isPowerOfTwo(imageSize)))
  ) {
    throw invalidField(FN, 'imageSize', 'a power of two >= 8 or 28', imageSize);
  }
  const channels = checkPositiveInt(FN, 'channels', config.channels ?? 3);
  const latentDim = checkPositiveInt(FN, 'latentDim', config.latentDim ?? 100);
  const generatorFilters = checkPositiveInt(FN, 'generatorFilters', config.generatorFilters ?? 64);
  const discriminatorFilters = checkPositiveInt(FN, 'discriminatorFilters', config.discriminatorFilters ?? 64);
  const seed = checkOptionalSeed(FN, 'seed', config.seed);
  const numClasses = config.numClasses === undefined ? null : checkPositiveInt(FN, 'numClasses', config.numClasses);
  const auxiliaryClassifier = checkBoolean(FN, 'auxiliaryClassifier', config.auxiliaryClassifier ?? false);
  if (auxiliaryClassifier && numClasses === null) throw invalidField(FN, 'auxiliaryClassifier', 'false unless numClasses is given', auxiliaryClassifier);
  const discriminatorNormalization = checkOneOf(FN, 'discriminatorNormalization', config.discriminatorNormalization ?? 'batch', ['batch', 'layer', 'none'] as const);
  const startSize = imageSize === 28 ? 7 : 4;
  return {
    imageSize,
    channels,
    latentDim,
    generatorFilters,
    discriminatorFilters,
    numClasses,
    auxiliaryClassifier,
    discriminatorNormalization,
    seed,
    maxParameters: checkMaxParameters(FN, config.maxParameters),
    startSize,
    upsamplings: Math.log2(imageSize / startSize),
  };
}

function isPowerOfTwo(n: number): boolean {
  // Not `n & (n - 1)`: bitwise operators truncate to 32 bits, so 3 · 2^40 would pass.
  return Number.isInteger(Math.log2(n));
}

/**
 * One example's largest activations and every weight of both networks, in
 * closed form, against the budget; see `_internal/budget.ts`.
 */
function checkDCGANBudget(c: ResolvedDCGANConfig): void {
  const { imageSize: s, channels, latentDim: z, generatorFilters: ngf, discriminatorFilters: ndf, startSize, upsamplings: n, numClasses } = c;
  // Activations of one example: the image, and the widest hidden maps of each network ([S/2, S/2, ngf or ndf] are the largest).
  checkTensorSize(FN, ['imageSize', 'channels'], [s, s, channels], "one example's image");
  checkTensorSize(FN, ['imageSize', 'generatorFilters'], [s / 2, s / 2, ngf], "one example's activation");
  checkTensorSize(FN, ['imageSize', 'discriminatorFilters'], [s / 2, s / 2, ndf], "one example's activation");
  const terms: WeightTerm[] = [];
  const g = ['generatorFilters', 'imageSize'];
  const d = ['discriminatorFilters', 'imageSize'];
  // Generator: (label embedding), project, n − 1 upsampling convolutions, output; batch norm has 4 weights per channel.
  if (numClasses !== null) terms.push({ fields: ['numClasses', 'latentDim'], shape: [numClasses, z] });
  let filters = ngf * 2 ** (n - 1);
  terms.push({ fields: ['latentDim', ...g], shape: [startSize, startSize, filters, numClasses === null ? z : 2 * z] }, { fields: g, shape: [4 * filters] });
  for (let i = 1; i < n; i++) {
    terms.push({ fields: g, shape: [4, 4, filters / 2, filters] }, { fields: g, shape: [4 * (filters / 2)] });
    filters /= 2;
  }
  terms.push({ fields: ['channels', ...g], shape: [4, 4, channels, filters] });
  // Discriminator: n strided convolutions (bias only without a norm), output convolution, then the class parts.
  const normWeights = { batch: 4, layer: 2, none: 1 }[c.discriminatorNormalization];
  let inputs = channels;
  filters = ndf;
  for (let i = 0; i < n; i++) {
    terms.push({ fields: i === 0 ? ['channels', ...d] : d, shape: [4, 4, inputs, filters] });
    if (i > 0) terms.push({ fields: d, shape: [normWeights * filters] });
    inputs = filters;
    filters *= 2;
  }
  terms.push({ fields: d, shape: [startSize, startSize, inputs, 1] });
  const features = startSize * startSize * inputs;
  if (numClasses !== null) {
    terms.push(...(c.auxiliaryClassifier ? denseTerms(['numClasses', ...d], features, numClasses) : [{ fields: ['numClasses', ...d], shape: [numClasses, features] }]));
  }
  checkWeightBudget(FN, terms, c.maxParameters);
}

interface Initializers {
  kernel(): Initializer;
  gamma(): Initializer;
  /** The seed of the label embedding. */
  labelEmbeddingSeed: number | undefined;
}

/** Gives each layer of one model its own seed (`layerSeeds` of the model's stream), so equal shapes get different weights. */
function seededInitializers(seed: number | undefined, model: 'generator' | 'discriminator'): Initializers {
  const layerSeed = layerSeedCounter(seed, model);
  return {
    kernel: () => tfl.initializers.randomNormal({ mean: 0, stddev: INIT_STDDEV, ...optional('seed', layerSeed.next()) }),
    gamma: () => tfl.initializers.randomNormal({ mean: 1, stddev: INIT_STDDEV, ...optional('seed', layerSeed.next()) }),
    labelEmbeddingSeed: streamSeed(seed, `${model}LabelEmbedding`),
  };
}

function batchNorm(name: string, init: Initializers): tfl.layers.Layer {
  return tfl.layers.batchNormalization({
    name,
    momentum: BN_MOMENTUM,
    epsilon: BN_EPSILON,
    gammaInitializer: init.gamma(),
  });
}

function buildGenerator(config: ResolvedDCGANConfig, init: Initializers): tfl.LayersModel {
  const { imageSize, channels, latentDim, generatorFilters: ngf, startSize, upsamplings, numClasses } = config;
  const z = tfl.input({ shape: [latentDim], name: 'latent' }); // [B, Z]
  const label = numClasses === null ? null : tfl.input({ shape: [1], dtype: 'int32', name: 'label' }); // [B, 1]
  let zIn: tfl.SymbolicTensor = z;
  if (label !== null) {
    const embedded = tokenEmbedding({ vocabSize: numClasses!, outputDim: latentDim, name: LABEL_EMBEDDING.generator, ...optional('seed', init.labelEmbeddingSeed) }).apply(label) as tfl.SymbolicTensor; // [B, 1, Z]
    const flat = tfl.layers.flatten().apply(embedded) as tfl.SymbolicTensor; // [B, Z]
    zIn = tfl.layers.concatenate({ name: 'g_condition' }).apply([z, flat]) as tfl.SymbolicTensor; // [B, 2Z]
  }
  const width = label === null ? latentDim : 2 * latentDim;
  let x = tfl.layers.reshape({ targetShape: [1, 1, width], name: 'g_reshape' }).apply(zIn) as tfl.SymbolicTensor; // [B, 1, 1, Z or 2Z]
  // Project: a transposed convolution over a 1×1 map with a startSize kernel,
  // i.e. PyTorch's ConvTranspose2d(nz, ngf·2^(n-1), 4, 1, 0).
  let filters = ngf * 2 ** (upsamplings - 1);
  x = tfl.layers
    .conv2dTranspose({
      name: 'g_project',
      filters,
      kernelSize: startSize,
      strides: 1,
      padding: 'valid',
      useBias: false,
      kernelInitializer: init.kernel(),
    })
    .apply(x) as tfl.SymbolicTensor; // [B, start, start, ngf·2^(n-1)]
  x = batchNorm('g_bn0', init).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.reLU({ name: 'g_relu0' }).apply(x) as tfl.SymbolicTensor;
  for (let i = 1; i < upsamplings; i++) {
    filters /= 2;
    x = tfl.layers
      .conv2dTranspose({
        name: `g_deconv${i}`,
        filters,
        kernelSize: 4,
        strides: 2,
        padding: 'same',
        useBias: false,
        kernelInitializer: init.kernel(),
      })
      .apply(x) as tfl.SymbolicTensor; // [B, start·2^i, start·2^i, ngf·2^(n-1-i)]
    x = batchNorm(`g_bn${i}`, init).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.reLU({ name: `g_relu${i}` }).apply(x) as tfl.SymbolicTensor;
  }
  const image = tfl.layers
    .conv2dTranspose({
      name: 'g_output',
      filters: channels,
      kernelSize: 4,
      strides: 2,
      padding: 'same',
      useBias: false,
      activation: 'tanh',
      kernelInitializer: init.kernel(),
    })
    .apply(x) as tfl.SymbolicTensor; // [B, S, S, C]
  return tfl.model({ inputs: label === null ? z : [z, label], outputs: image, name: `dcgan_generator_${imageSize}` });
}

function buildDiscriminator(config: ResolvedDCGANConfig, init: Initializers): tfl.LayersModel {
  const { imageSize, channels, discriminatorFilters: ndf, startSize, upsamplings: downsamplings, numClasses, auxiliaryClassifier: auxiliary, discriminatorNormalization: normalization } = config;
  const image = tfl.input({ shape: [imageSize, imageSize, channels], name: 'image' }); // [B, S, S, C]
  const label = numClasses === null || auxiliary ? null : tfl.input({ shape: [1], dtype: 'int32', name: 'label' }); // [B, 1]
  let x: tfl.SymbolicTensor = image;
  let filters = ndf;
  for (let i = 0; i < downsamplings; i++) {
    x = tfl.layers
      .conv2d({
        name: `d_conv${i}`,
        filters,
        kernelSize: 4,
        strides: 2,
        padding: 'same',
        useBias: i > 0 && normalization === 'none', // a norm's offset is the bias
        kernelInitializer: init.kernel(),
      })
      .apply(x) as tfl.SymbolicTensor; // [B, S/2^(i+1), S/2^(i+1), ndf·2^i]
    // No batch norm on the discriminator's input layer (Radford et al. §3).
    if (i > 0 && normalization === 'batch') x = batchNorm(`d_bn${i}`, init).apply(x) as tfl.SymbolicTensor;
    if (i > 0 && normalization === 'layer') x = layerNorm({ name: `d_ln${i}` }).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.leakyReLU({ name: `d_lrelu${i}`, alpha: LEAKY_SLOPE }).apply(x) as tfl.SymbolicTensor;
    filters *= 2;
  }
  const features = x; // φ(x) [B, start, start, F]
  x = tfl.layers
    .conv2d({
      name: 'd_output',
      filters: 1,
      kernelSize: startSize,
      strides: 1,
      padding: 'valid',
      useBias: false,
      kernelInitializer: init.kernel(),
    })
    .apply(x) as tfl.SymbolicTensor; // [B, 1, 1, 1]
  let logits = tfl.layers.flatten({ name: 'd_logits' }).apply(x) as tfl.SymbolicTensor; // [B, 1]
  if (label !== null) {
    // Projection discriminator: logit + ⟨embed(y), φ(x)⟩ over the flattened features.
    const phi = tfl.layers.flatten().apply(features) as tfl.SymbolicTensor; // [B, D]
    const dim = phi.shape[1] as number;
    const embedded = tokenEmbedding({ vocabSize: numClasses!, outputDim: dim, name: LABEL_EMBEDDING.discriminator, ...optional('seed', init.labelEmbeddingSeed) }).apply(label) as tfl.SymbolicTensor; // [B, 1, D]
    const projection = tfl.layers.dot({ axes: 1, name: 'd_projection' }).apply([phi, tfl.layers.flatten().apply(embedded) as tfl.SymbolicTensor]) as tfl.SymbolicTensor; // [B, 1]
    logits = tfl.layers.add({ name: 'd_conditional_logits' }).apply([logits, projection]) as tfl.SymbolicTensor;
  }
  if (auxiliary) {
    // AC-GAN: a class head on the same features.
    const phi = tfl.layers.flatten().apply(features) as tfl.SymbolicTensor; // [B, D]
    const classLogits = tfl.layers.dense({ units: numClasses!, name: 'd_class_logits', kernelInitializer: init.kernel() }).apply(phi) as tfl.SymbolicTensor; // [B, K]
    return tfl.model({ inputs: image, outputs: [logits, classLogits], name: `dcgan_discriminator_${imageSize}` });
  }
  return tfl.model({ inputs: label === null ? image : [image, label], outputs: logits, name: `dcgan_discriminator_${imageSize}` });
}
