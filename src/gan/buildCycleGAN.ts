// CycleGAN: Zhu, Park, Isola & Efros 2017, "Unpaired Image-to-Image Translation using
// Cycle-Consistent Adversarial Networks", https://arxiv.org/abs/1703.10593.
// Generators: the ResNet of Johnson, Alahi & Fei-Fei 2016, https://arxiv.org/abs/1603.08155,
// as CycleGAN's appendix 7.2 writes it (c7s1-k, d2k, d4k, R4k × n, u2k, uk, c7s1-3).
// Discriminators: the PatchGAN of Isola et al. 2017 (pix2pix), https://arxiv.org/abs/1611.07004.
// Ported from the authors' PyTorch code (junyanz/pytorch-CycleGAN-and-pix2pix,
// models/networks.py: ResnetGenerator, NLayerDiscriminator), with zero 'same' padding
// instead of reflection padding (see buildCycleGAN's TSDoc).
//
// Legend: B batch, S image size, C channels, k base filters, P patch-map size.
import * as tfl from '@tensorflow/tfjs-layers';
import { checkLayerCount, checkMaxParameters, checkTensorSize, checkWeightBudget, convTerms, type WeightTerm } from '../_internal/budget.js';
import { checkConfigObject, checkKnownKeys, optional } from '../_internal/config.js';
import { invalidField } from '../_internal/errors.js';
import { layerSeedCounter, type Initializer } from '../_internal/initializers.js';
import { withDispose } from '../_internal/models.js';
import { checkNonNegativeInt, checkOptionalSeed, checkPositiveInt } from '../_internal/validate.js';
import { instanceNormalization } from './InstanceNormalization.js';

/**
 * Configuration of {@link buildCycleGAN}. Every field is optional; the
 * defaults suit small images (MNIST-sized), not the paper's 256×256.
 *
 * @category GAN
 */
export interface CycleGANConfig {
  /** Side `S` of the square images of both domains, in pixels: a multiple of 4, at least 8. Defaults to `32`. */
  imageSize?: number;
  /** Image channels `C` of both domains: 1 for grayscale, 3 for RGB. Defaults to `3`. */
  channels?: number;
  /** Residual blocks in each generator, at 1/4 resolution. Defaults to `6` (the paper's choice up to 128×128; 9 at 256×256). */
  residualBlocks?: number;
  /** Filters `k` of the generators' first convolution; `2k` and `4k` after the two downsamplings. Defaults to `32` (the paper: 64). */
  generatorFilters?: number;
  /** Filters of the discriminators' first convolution; doubled at each layer, at most 8×. Defaults to `32` (the paper: 64). */
  discriminatorFilters?: number;
  /**
   * Stride-2 convolutions in each PatchGAN discriminator (pix2pix's `n_layers`):
   * 3 gives the paper's 70×70 receptive field; 2 gives 34×34, 1 gives 16×16.
   * `2^discriminatorLayers` must divide `imageSize`. Defaults to `3` when `imageSize`
   * ≥ 64, else `2`.
   */
  discriminatorLayers?: number;
  /** Seed of the weight initializers; the same seed gives the same weights. Defaults to unseeded. */
  seed?: number;
  /**
   * Refuse (with a `ValueError`, before allocating) a config with more weights
   * than this. Defaults to 2^29 (2 GiB of float32).
   */
  maxParameters?: number;
}

/**
 * The four models returned by {@link buildCycleGAN}. Pass them to
 * {@link "tfjs-generative/training"!trainCycleGAN | trainCycleGAN} as they are: `trainCycleGAN(cycleGAN, { a, b }, options)`.
 *
 * @category GAN
 */
export interface CycleGAN {
  /** G: maps domain A images `[B, S, S, C]` in [-1, 1] to domain B images `[B, S, S, C]` (tanh output). */
  generatorAB: tfl.LayersModel;
  /** F: maps domain B images `[B, S, S, C]` to domain A images `[B, S, S, C]` (tanh output). */
  generatorBA: tfl.LayersModel;
  /** D_A: judges domain A images: `[B, S, S, C]` → patch logits `[B, P, P, 1]` (no sigmoid). */
  discriminatorA: tfl.LayersModel;
  /** D_B: judges domain B images: `[B, S, S, C]` → patch logits `[B, P, P, 1]` (no sigmoid). */
  discriminatorB: tfl.LayersModel;
  /**
   * Frees the weights of the four models; later calls do nothing. Not
   * enumerable, so the deprecated `trainCycleGAN({ ...cycleGAN, dataA, dataB })` still
   * receives the four models only.
   */
  dispose(): void;
}

const FN = 'buildCycleGAN';
const KEYS = [
  'imageSize',
  'channels',
  'residualBlocks',
  'generatorFilters',
  'discriminatorFilters',
  'discriminatorLayers',
  'seed',
  'maxParameters',
] as const;

// The authors' code: weights from N(0, 0.02) (init_type 'normal', init_gain 0.02), LeakyReLU 0.2.
const INIT_STDDEV = 0.02;
const LEAKY_SLOPE = 0.2;

/**
 * Builds CycleGAN's two ResNet generators and two PatchGAN discriminators
 * (Zhu et al. 2017), with instance normalization throughout.
 *
 * Each generator (Johnson et al. 2016, as in CycleGAN's appendix):
 * `c7s1-k` (7×7 convolution, instance norm, ReLU), `d2k`, `d4k` (3×3 stride-2
 * convolutions, instance norm, ReLU), `residualBlocks` × `R4k` (two 3×3
 * convolutions with instance norm, ReLU between, plus the input), `u2k`, `uk`
 * (3×3 stride-2 transposed convolutions, instance norm, ReLU), and `c7s1-C`
 * with tanh. Each discriminator (the 70×70 PatchGAN, scaled by
 * `discriminatorLayers`): 4×4 stride-2 convolutions with LeakyReLU(0.2) and
 * instance norm (none on the first), one 4×4 stride-1 convolution with
 * instance norm, and a 4×4 convolution to one channel: a map of patch logits
 * `[B, S/2^n, S/2^n, 1]`, one real/fake judgement per overlapping patch.
 *
 * Padding: the paper pads with reflection; here every convolution uses zero
 * `'same'` padding, because TensorFlow.js 4.22's `MirrorPad` gradient is
 * wrong (it slices out the interior of the upstream gradient and drops what
 * flowed to the reflected border copies: for `x = [1, 2, 3, 4]` padded by 2,
 * `d sum(pad(x))/dx` comes out `[1, 1, 1, 1]` instead of `[1, 3, 3, 1]`, on cpu
 * and wasm). Convolutions followed by instance norm have no bias (the norm's
 * offset β replaces it); the instance norms are affine (learned γ, β); weights
 * are drawn from N(0, 0.02) as in the authors' code.
 *
 * The models contain {@link InstanceNormalization} layers: register it
 * (`registerLayers`) before loading a saved one.
 *
 * The whole config is validated before any variable is created.
 *
 * @param config - Sizes and seed; see {@link CycleGANConfig}.
 * @returns `{ generatorAB, generatorBA, discriminatorA, discriminatorB, dispose }`: generators
 *   `[B, S, S, C] → [B, S, S, C]`, discriminators `[B, S, S, C] → [B, P, P, 1]` logits;
 *   `dispose()` frees all four.
 * @throws {@link ValueError} naming the field when the config is invalid.
 *
 * @example
 * ```ts
 * import { buildCycleGAN } from 'tfjs-generative';
 * const { generatorAB, discriminatorB } = buildCycleGAN({ imageSize: 28, channels: 1, residualBlocks: 2, seed: 1 });
 * console.log(generatorAB.outputs[0].shape); // [null, 28, 28, 1]
 * console.log(discriminatorB.outputs[0].shape); // [null, 7, 7, 1]
 * ```
 *
 * @category GAN
 */
export function buildCycleGAN(config: CycleGANConfig = {}): CycleGAN {
  const resolved = resolveCycleGANConfig(config);
  checkCycleGANBudget(resolved);
  const generatorAB = buildGenerator('cyclegan_generator_ab', resolved, kernelInit(resolved.seed, 'generatorAB'));
  const generatorBA = buildGenerator('cyclegan_generator_ba', resolved, kernelInit(resolved.seed, 'generatorBA'));
  const discriminatorA = buildDiscriminator('cyclegan_discriminator_a', resolved, kernelInit(resolved.seed, 'discriminatorA'));
  const discriminatorB = buildDiscriminator('cyclegan_discriminator_b', resolved, kernelInit(resolved.seed, 'discriminatorB'));
  const models = { generatorAB, generatorBA, discriminatorA, discriminatorB };
  return withDispose(models, generatorAB, generatorBA, discriminatorA, discriminatorB);
}

/** A {@link CycleGANConfig} checked, with its defaults applied. */
interface ResolvedCycleGANConfig {
  imageSize: number;
  channels: number;
  residualBlocks: number;
  /** `k`, the generators' base filters. */
  generatorFilters: number;
  discriminatorFilters: number;
  discriminatorLayers: number;
  seed: number | undefined;
  maxParameters: number | undefined;
}

function resolveCycleGANConfig(config: CycleGANConfig): ResolvedCycleGANConfig {
  checkConfigObject(FN, config);
  checkKnownKeys(FN, config, KEYS);
  const imageSize = config.imageSize ?? 32;
  if (typeof imageSize !== 'number' || !Number.isInteger(imageSize) || imageSize < 8 || imageSize % 4 !== 0) {
    throw invalidField(FN, 'imageSize', 'a multiple of 4, at least 8 (the generators downsample twice by 2)', imageSize);
  }
  const channels = checkPositiveInt(FN, 'channels', config.channels ?? 3);
  const residualBlocks = checkNonNegativeInt(FN, 'residualBlocks', config.residualBlocks ?? 6);
  const generatorFilters = checkPositiveInt(FN, 'generatorFilters', config.generatorFilters ?? 32);
  const discriminatorFilters = checkPositiveInt(FN, 'discriminatorFilters', config.discriminatorFilters ?? 32);
  const discriminatorLayers = checkPositiveInt(FN, 'discriminatorLayers', config.discriminatorLayers ?? (imageSize >= 64 ? 3 : 2));
  if (imageSize % 2 ** discriminatorLayers !== 0) {
    throw invalidField(FN, 'discriminatorLayers', `a count n with 2^n dividing imageSize ${imageSize}`, discriminatorLayers);
  }
  const seed = checkOptionalSeed(FN, 'seed', config.seed);
  const maxParameters = checkMaxParameters(FN, config.maxParameters);
  return { imageSize, channels, residualBlocks, generatorFilters, discriminatorFilters, discriminatorLayers, seed, maxParameters };
}

/**
 * One example's largest activations and the weights of the four networks, in
 * closed form, against the budget; see `_internal/budget.ts`.
 */
function checkCycleGANBudget(c: ResolvedCycleGANConfig): void {
  const { imageSize: s, channels, generatorFilters: k, discriminatorFilters: ndf, discriminatorLayers: layers, residualBlocks } = c;
  checkTensorSize(FN, ['imageSize', 'channels'], [s, s, channels], "one example's image");
  checkTensorSize(FN, ['imageSize', 'generatorFilters'], [s, s, k], "one example's activation");
  checkTensorSize(FN, ['imageSize', 'discriminatorFilters'], [s / 2, s / 2, ndf], "one example's activation");
  checkLayerCount(FN, 'residualBlocks', residualBlocks);
  const g = ['generatorFilters'];
  const d = ['discriminatorFilters', 'discriminatorLayers'];
  // Each term twice: two generators, two discriminators. Instance norms have 2 weights per channel.
  const terms: WeightTerm[] = [
    { fields: ['channels', ...g], shape: [7, 7, channels, k] },
    { fields: g, shape: [2 * k] },
    { fields: g, shape: [3, 3, k, 2 * k] },
    { fields: g, shape: [4 * k] },
    { fields: g, shape: [3, 3, 2 * k, 4 * k] },
    { fields: g, shape: [8 * k] },
    { fields: ['residualBlocks', ...g], shape: [3, 3, 4 * k, 4 * k], repeat: 2 * residualBlocks },
    { fields: ['residualBlocks', ...g], shape: [8 * k], repeat: 2 * residualBlocks },
    { fields: g, shape: [3, 3, 2 * k, 4 * k] },
    { fields: g, shape: [4 * k] },
    { fields: g, shape: [3, 3, k, 2 * k] },
    { fields: g, shape: [2 * k] },
    ...convTerms(['channels', ...g], 7, k, channels, true),
    ...convTerms(['channels', ...d], 4, channels, ndf, true),
  ];
  let previous = ndf;
  for (let i = 1; i <= layers; i++) {
    const filters = ndf * Math.min(2 ** i, 8);
    terms.push({ fields: d, shape: [4, 4, previous, filters] }, { fields: d, shape: [2 * filters] });
    previous = filters;
  }
  terms.push(...convTerms(d, 4, previous, 1, true));
  checkWeightBudget(FN, terms.map((t) => ({ ...t, repeat: 2 * (t.repeat ?? 1) })), c.maxParameters);
}

/** Kernel initializers of one model: each layer gets its own seed (`layerSeeds` of the model's stream). */
function kernelInit(seed: number | undefined, model: string): () => Initializer {
  const layerSeed = layerSeedCounter(seed, model);
  return () => tfl.initializers.randomNormal({ mean: 0, stddev: INIT_STDDEV, ...optional('seed', layerSeed.next()) });
}

type Sym = tfl.SymbolicTensor;

function conv(x: Sym, name: string, filters: number, kernelSize: number, strides: number, init: () => Initializer, useBias: boolean): Sym {
  return tfl.layers
    .conv2d({ name, filters, kernelSize, strides, padding: 'same', useBias, kernelInitializer: init() })
    .apply(x) as Sym;
}

function norm(x: Sym, name: string): Sym {
  return instanceNormalization({ name }).apply(x) as Sym;
}

function relu(x: Sym, name: string): Sym {
  return tfl.layers.reLU({ name }).apply(x) as Sym;
}

function buildGenerator(name: string, config: ResolvedCycleGANConfig, init: () => Initializer): tfl.LayersModel {
  const { imageSize, channels, generatorFilters: k, residualBlocks } = config;
  const input = tfl.input({ shape: [imageSize, imageSize, channels], name: 'image' }); // [B, S, S, C]
  // c7s1-k
  let x = relu(norm(conv(input, 'c7s1', k, 7, 1, init, false), 'c7s1_norm'), 'c7s1_relu'); // [B, S, S, k]
  // d2k, d4k
  for (const [i, f] of [k * 2, k * 4].entries()) {
    x = relu(norm(conv(x, `down${i + 1}`, f, 3, 2, init, false), `down${i + 1}_norm`), `down${i + 1}_relu`); // [B, S/2^(i+1), S/2^(i+1), f]
  }
  // R4k × n: x + IN(conv(ReLU(IN(conv(x)))))
  for (let r = 0; r < residualBlocks; r++) {
    let h = relu(norm(conv(x, `res${r}_conv1`, k * 4, 3, 1, init, false), `res${r}_norm1`), `res${r}_relu`);
    h = norm(conv(h, `res${r}_conv2`, k * 4, 3, 1, init, false), `res${r}_norm2`);
    x = tfl.layers.add({ name: `res${r}_add` }).apply([x, h]) as Sym; // [B, S/4, S/4, 4k]
  }
  // u2k, uk: PyTorch's ConvTranspose2d(kernel 3, stride 2, padding 1, output_padding 1) doubles
  // the size exactly as tfjs's 'same' transposed convolution does.
  for (const [i, f] of [k * 2, k].entries()) {
    const up = tfl.layers
      .conv2dTranspose({ name: `up${i + 1}`, filters: f, kernelSize: 3, strides: 2, padding: 'same', useBias: false, kernelInitializer: init() })
      .apply(x) as Sym; // [B, S/2^(1-i), S/2^(1-i), f]
    x = relu(norm(up, `up${i + 1}_norm`), `up${i + 1}_relu`);
  }
  // c7s1-C with tanh
  const image = tfl.layers
    .conv2d({ name: 'output', filters: channels, kernelSize: 7, padding: 'same', activation: 'tanh', kernelInitializer: init() })
    .apply(x) as Sym; // [B, S, S, C]
  return tfl.model({ inputs: input, outputs: image, name });
}

function buildDiscriminator(name: string, config: ResolvedCycleGANConfig, init: () => Initializer): tfl.LayersModel {
  const { imageSize, channels, discriminatorFilters: ndf, discriminatorLayers: layers } = config;
  const input = tfl.input({ shape: [imageSize, imageSize, channels], name: 'image' }); // [B, S, S, C]
  const leaky = (x: Sym, n: string): Sym => tfl.layers.leakyReLU({ name: n, alpha: LEAKY_SLOPE }).apply(x) as Sym;
  // C64 without norm (with bias, as the authors' first layer).
  let x = leaky(conv(input, 'conv0', ndf, 4, 2, init, true), 'conv0_lrelu'); // [B, S/2, S/2, ndf]
  let filters = ndf;
  for (let i = 1; i < layers; i++) {
    filters = ndf * Math.min(2 ** i, 8);
    x = leaky(norm(conv(x, `conv${i}`, filters, 4, 2, init, false), `conv${i}_norm`), `conv${i}_lrelu`); // [B, S/2^(i+1), S/2^(i+1), filters]
  }
  filters = ndf * Math.min(2 ** layers, 8);
  x = leaky(norm(conv(x, `conv${layers}`, filters, 4, 1, init, false), `conv${layers}_norm`), `conv${layers}_lrelu`); // [B, P, P, filters]
  const logits = conv(x, 'patch_logits', 1, 4, 1, init, true); // [B, P, P, 1], P = S/2^layers
  return tfl.model({ inputs: input, outputs: logits, name });
}
