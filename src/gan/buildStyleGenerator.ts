// A StyleGAN-style generator: the mapping network, learned constant, per-layer styles and noise
// inputs of Karras et al. 2019, "A Style-Based Generator Architecture for Generative Adversarial
// Networks", https://arxiv.org/abs/1812.04948, with StyleGAN2's modulated, demodulated
// convolutions and skip (toRGB) architecture, Karras et al. 2020, https://arxiv.org/abs/1912.04958
// (§2.2, Fig. 7b). Sizes are small, and there is no equalized learning rate, path-length
// regularization or FIR resampling: it is meant to train with `trainGAN` and the DCGAN
// discriminator on small images.
//
// Legend: B batch, Z latent size, W style size, N number of styles, S image size, C channels.
import * as tfl from '@tensorflow/tfjs-layers';
import { checkLayerCount, checkMaxParameters, checkTensorSize, checkWeightBudget, denseTerms, type WeightTerm } from '../_internal/budget.js';
import { checkConfigObject, checkKnownKeys, optional } from '../_internal/config.js';
import { invalidField } from '../_internal/errors.js';
import { layerSeedCounter } from '../_internal/initializers.js';
import { disposerOf } from '../_internal/models.js';
import { checkBoolean, checkOptionalSeed, checkPositiveInt } from '../_internal/validate.js';
import { ConstantInput } from './ConstantInput.js';
import { ModulatedConv2D, modulatedConvWeightTerms } from './ModulatedConv2D.js';
import { NoiseInjection } from './NoiseInjection.js';
import { PixelNormalization } from './PixelNormalization.js';

/**
 * Configuration of {@link buildStyleGenerator}. Every field is optional.
 *
 * @category GAN
 */
export interface StyleGeneratorConfig {
  /**
   * Side `S` of the square images, in pixels: an integer ≥ 8 that halves
   * (one or more times) to 4, 5, 6 or 7, the side of the learned constant;
   * e.g. 28 (from 7) or 32 (from 4). Defaults to `32`.
   */
  imageSize?: number;
  /** Image channels `C`: 1 for grayscale, 3 for RGB. Defaults to `3`. */
  channels?: number;
  /** Size `Z` of the latent vector the generator takes. Defaults to `64`. */
  latentDim?: number;
  /** Size `W` of the intermediate latent (style) vector. Defaults to `latentDim`. */
  styleDim?: number;
  /** Dense + LeakyReLU(0.2) layers of the mapping network. Defaults to `4` (the paper's is 8). */
  mappingLayers?: number;
  /**
   * Feature channels per resolution, from the constant's resolution up to
   * `imageSize`: one number for all, or one per resolution (length
   * `log2(S / start) + 1`). Defaults to `64`.
   */
  filters?: number | readonly number[];
  /** Add per-pixel noise inputs ({@link NoiseInjection}) after every convolution. Defaults to `true`. */
  noise?: boolean;
  /** Seed of the weights and of the noise; the same seed gives the same generator. Defaults to unseeded. */
  seed?: number;
  /**
   * Refuse (with a `ValueError`, before allocating) a config with more weights
   * than this. Defaults to 2^29 (2 GiB of float32).
   */
  maxParameters?: number;
}

/**
 * What {@link buildStyleGenerator} returns: three models that share their
 * layers (training `generator` trains `mapping` and `synthesis`).
 *
 * @category GAN
 */
export interface StyleGenerator {
  /** Latents `[B, Z]` → images `[B, S, S, C]` in [-1, 1] (tanh): `synthesis(broadcast(mapping(z)))`. For `trainGAN` and `sampleGAN`. */
  generator: tfl.LayersModel;
  /** Latents `[B, Z]` → style vectors `w` `[B, W]`: pixel norm, then `mappingLayers` dense + LeakyReLU(0.2) layers. */
  mapping: tfl.LayersModel;
  /** One style vector per style input, `[B, N, W]` → images `[B, S, S, C]`; style 0 is the coarsest. */
  synthesis: tfl.LayersModel;
  /** Number `N` of style inputs of `synthesis`: two per resolution (a convolution's, and a toRGB's shared with the next resolution's first convolution). */
  numStyles: number;
  /** The size `W` of a style vector. */
  styleDim: number;
  /** Disposes the weights of all three models. */
  dispose(): void;
}

const FN = 'buildStyleGenerator';
const KEYS = ['imageSize', 'channels', 'latentDim', 'styleDim', 'mappingLayers', 'filters', 'noise', 'seed', 'maxParameters'] as const;
const LEAKY_SLOPE = 0.2;

/** The constant's side for `imageSize`: halve while ≥ 8. */
function startSizeOf(imageSize: number): number {
  let s = imageSize;
  while (s >= 8 && s % 2 === 0) s /= 2;
  return s;
}

/**
 * Builds a StyleGAN-style generator (Karras et al. 2019, with the StyleGAN2
 * modulated convolutions of Karras et al. 2020).
 *
 * - `mapping`: `z` `[B, Z]` → pixel norm → `mappingLayers` × (dense `W` →
 *   LeakyReLU 0.2) → `w` `[B, W]`.
 * - `synthesis`: a learned constant at the start resolution (4×4, or 7×7
 *   for 28), a 3×3 {@link ModulatedConv2D}; then per doubling: nearest
 *   upsampling and two 3×3 modulated convolutions. Each convolution takes
 *   its own style vector, adds its bias and per-pixel noise
 *   ({@link NoiseInjection}), then LeakyReLU(0.2). Every resolution has a
 *   1×1 toRGB (modulated, not demodulated) whose outputs are upsampled and
 *   summed (StyleGAN2's skip architecture); tanh at the end.
 * - `generator`: `z` → `mapping` → the same `w` for all `numStyles` style
 *   inputs → `synthesis`, built from the same layer objects, so it is a
 *   flat `tf.LayersModel` `[null, Z]` → `[null, S, S, C]` that `trainGAN`,
 *   `sampleGAN`, `saveModel` and `loadModel` use like any generator. Pair it
 *   with `buildDCGAN({ imageSize, channels }).discriminator`.
 *
 * Style `2r` feeds resolution `r`'s last convolution, `2r + 1` its toRGB and
 * the next resolution's first convolution, so low indices are coarse: see
 * {@link styleMix}. At inference the noise is one fixed image per layer
 * (see {@link NoiseInjection}), so an image is a function of its latent.
 *
 * The whole config is validated before any variable is created. Loading a
 * saved generator needs `registerLayers()` (which {@link "tfjs-generative/io"!loadModel | loadModel} calls) to
 * know `ModulatedConv2D`, `NoiseInjection`, `PixelNormalization` and
 * `ConstantInput`.
 *
 * @param config - Sizes, noise and seed; see {@link StyleGeneratorConfig}.
 * @returns `{ generator, mapping, synthesis, numStyles, styleDim, dispose }`.
 * @throws {@link ValueError} naming the field when the config is invalid.
 *
 * @example
 * ```ts
 * import { buildStyleGenerator } from 'tfjs-generative/gan';
 * const { generator, synthesis, numStyles } = buildStyleGenerator({ imageSize: 28, channels: 1, latentDim: 32, filters: 16, seed: 1 });
 * console.log(generator.outputs[0].shape, numStyles); // [null, 28, 28, 1] 6
 * console.log(synthesis.inputs[0].shape); // [null, 6, 32]
 * ```
 *
 * @category GAN
 */
export function buildStyleGenerator(config: StyleGeneratorConfig = {}): StyleGenerator {
  checkConfigObject(FN, config);
  checkKnownKeys(FN, config, KEYS);
  const imageSize = config.imageSize ?? 32;
  const channels = config.channels ?? 3;
  const latentDim = config.latentDim ?? 64;
  const mappingLayers = config.mappingLayers ?? 4;
  const filtersArg = config.filters ?? 64;
  const noise = config.noise ?? true;
  const seed = config.seed;

  if (typeof imageSize !== 'number' || !Number.isInteger(imageSize) || imageSize < 8 || startSizeOf(imageSize) < 4 || startSizeOf(imageSize) > 7) {
    throw invalidField(FN, 'imageSize', 'an integer >= 8 that halves to 4, 5, 6 or 7 (e.g. 28 or 32)', imageSize);
  }
  checkPositiveInt(FN, 'channels', channels);
  checkPositiveInt(FN, 'latentDim', latentDim);
  const styleDim = checkPositiveInt(FN, 'styleDim', config.styleDim ?? latentDim);
  checkPositiveInt(FN, 'mappingLayers', mappingLayers);
  checkBoolean(FN, 'noise', noise);
  checkOptionalSeed(FN, 'seed', seed);
  const startSize = startSizeOf(imageSize);
  const levels = Math.log2(imageSize / startSize) + 1; // resolutions, start included
  let filters: number[];
  if (typeof filtersArg === 'number') {
    filters = new Array<number>(levels).fill(checkPositiveInt(FN, 'filters', filtersArg));
  } else if (Array.isArray(filtersArg) && filtersArg.length === levels && filtersArg.every((f) => Number.isInteger(f) && f >= 1)) {
    filters = [...filtersArg];
  } else {
    throw invalidField(FN, 'filters', `a positive integer or ${levels} positive integers (one per resolution from ${startSize} to ${imageSize})`, filtersArg);
  }
  const numStyles = 2 * levels;
  const maxParameters = checkMaxParameters(FN, config.maxParameters);
  checkStyleGeneratorBudget({ imageSize, channels, latentDim, styleDim, mappingLayers, filters, startSize, noise }, maxParameters);

  // Seeds: one per layer (layerSeeds), so equal shapes get different weights.
  const layerSeed = layerSeedCounter(seed);
  const nextSeed = (): { seed?: number } => optional('seed', layerSeed.next());

  // Mapping network.
  const z = tfl.input({ shape: [latentDim], name: 'latent' }); // [B, Z]
  let w = new PixelNormalization({ name: 'mapping_pixel_norm' }).apply(z) as tfl.SymbolicTensor; // [B, Z]
  for (let i = 0; i < mappingLayers; i++) {
    const init = tfl.initializers.heNormal(nextSeed());
    w = tfl.layers.dense({ units: styleDim, name: `mapping_dense${i}`, kernelInitializer: init }).apply(w) as tfl.SymbolicTensor; // [B, W]
    w = tfl.layers.leakyReLU({ alpha: LEAKY_SLOPE, name: `mapping_lrelu${i}` }).apply(w) as tfl.SymbolicTensor;
  }
  const mapping = tfl.model({ inputs: z, outputs: w, name: 'style_mapping' });

  // Synthesis layers, created once and applied twice (to the synthesis input and inside the generator).
  // tfjs-layers has no cropping1D: view the styles as a one-channel image and crop rows.
  const stylesAsImage = tfl.layers.reshape({ targetShape: [numStyles, styleDim, 1], name: 'styles_as_image' }); // [B, N, W] → [B, N, W, 1]
  const styleSlices = Array.from({ length: numStyles }, (_, i) => ({
    crop: tfl.layers.cropping2D({ cropping: [[i, numStyles - 1 - i], [0, 0]], name: `style${i}_select` }), // [B, N, W, 1] → [B, 1, W, 1]
    flat: tfl.layers.flatten({ name: `style${i}` }), // [B, W]
  }));
  const constant = new ConstantInput({ size: startSize, channels: filters[0]!, name: 'synthesis_constant', ...nextSeed() });
  interface ConvUnit {
    conv: ModulatedConv2D;
    noise: NoiseInjection | null;
    act: tfl.layers.Layer;
    style: number;
  }
  interface Level {
    size: number;
    up: tfl.layers.Layer | null;
    convs: ConvUnit[];
    toRGB: ModulatedConv2D;
    rgbUp: tfl.layers.Layer | null;
    rgbAdd: tfl.layers.Layer | null;
  }
  const convUnit = (size: number, j: number, f: number, style: number): ConvUnit => ({
    conv: new ModulatedConv2D({ filters: f, kernelSize: 3, name: `b${size}_conv${j}`, ...nextSeed() }),
    noise: noise ? new NoiseInjection({ name: `b${size}_noise${j}`, ...nextSeed() }) : null,
    act: tfl.layers.leakyReLU({ alpha: LEAKY_SLOPE, name: `b${size}_lrelu${j}` }),
    style,
  });
  const levelsSpec: Level[] = [];
  for (let r = 0; r < levels; r++) {
    const size = startSize * 2 ** r;
    const f = filters[r]!;
    levelsSpec.push({
      size,
      up: r === 0 ? null : tfl.layers.upSampling2d({ size: [2, 2], name: `b${size}_up` }),
      convs: r === 0 ? [convUnit(size, 0, f, 0)] : [convUnit(size, 0, f, 2 * r - 1), convUnit(size, 1, f, 2 * r)],
      toRGB: new ModulatedConv2D({ filters: channels, kernelSize: 1, demodulate: false, name: `b${size}_torgb`, ...nextSeed() }),
      rgbUp: r === 0 ? null : tfl.layers.upSampling2d({ size: [2, 2], name: `b${size}_rgb_up` }),
      rgbAdd: r === 0 ? null : tfl.layers.add({ name: `b${size}_rgb_add` }),
    });
  }
  const tanh = tfl.layers.activation({ activation: 'tanh', name: 'image' });

  const applySynthesis = (ws: tfl.SymbolicTensor): tfl.SymbolicTensor => {
    const wsImage = stylesAsImage.apply(ws) as tfl.SymbolicTensor; // [B, N, W, 1]
    const styles = styleSlices.map(({ crop, flat }) => flat.apply(crop.apply(wsImage)) as tfl.SymbolicTensor); // N × [B, W]
    let x = constant.apply(ws) as tfl.SymbolicTensor; // [B, s0, s0, F0]
    let rgb: tfl.SymbolicTensor | null = null;
    for (const level of levelsSpec) {
      if (level.up !== null) x = level.up.apply(x) as tfl.SymbolicTensor; // [B, s, s, F]
      for (const unit of level.convs) {
        x = unit.conv.apply([x, styles[unit.style]!]) as tfl.SymbolicTensor; // [B, s, s, F]
        if (unit.noise !== null) x = unit.noise.apply(x) as tfl.SymbolicTensor;
        x = unit.act.apply(x) as tfl.SymbolicTensor;
      }
      const styleIndex = level.convs[level.convs.length - 1]!.style + 1;
      const y = level.toRGB.apply([x, styles[styleIndex]!]) as tfl.SymbolicTensor; // [B, s, s, C]
      rgb = rgb === null ? y : (level.rgbAdd!.apply([level.rgbUp!.apply(rgb) as tfl.SymbolicTensor, y]) as tfl.SymbolicTensor);
    }
    return tanh.apply(rgb!) as tfl.SymbolicTensor; // [B, S, S, C]
  };

  const wsInput = tfl.input({ shape: [numStyles, styleDim], name: 'styles' }); // [B, N, W]
  const synthesis = tfl.model({ inputs: wsInput, outputs: applySynthesis(wsInput), name: `style_synthesis_${imageSize}` });
  const broadcast = tfl.layers.repeatVector({ n: numStyles, name: 'broadcast_styles' }).apply(w) as tfl.SymbolicTensor; // [B, N, W]
  const generator = tfl.model({ inputs: z, outputs: applySynthesis(broadcast), name: `style_generator_${imageSize}` });

  return {
    generator,
    mapping,
    synthesis,
    numStyles,
    styleDim,
    dispose: disposerOf(generator, mapping, synthesis),
  };
}

/**
 * One example's largest activations and every weight, in closed form, against
 * the budget; see `_internal/budget.ts`.
 */
function checkStyleGeneratorBudget(
  c: { imageSize: number; channels: number; latentDim: number; styleDim: number; mappingLayers: number; filters: readonly number[]; startSize: number; noise: boolean },
  maxParameters: number | undefined,
): void {
  const { imageSize: s, channels, styleDim: w, filters } = c;
  checkTensorSize(FN, ['imageSize', 'channels'], [s, s, channels], "one example's image");
  checkTensorSize(FN, ['imageSize', 'filters'], [s, s, filters[filters.length - 1]!], "one example's activation");
  checkLayerCount(FN, 'mappingLayers', c.mappingLayers);
  const styleFields = { kernel: ['filters'], style: ['styleDim', 'filters'] };
  const terms: WeightTerm[] = [
    ...denseTerms(['latentDim', 'styleDim'], c.latentDim, w),
    ...denseTerms(['styleDim', 'mappingLayers'], w, w).map((t) => ({ ...t, repeat: c.mappingLayers - 1 })),
    { fields: ['filters'], shape: [1, c.startSize, c.startSize, filters[0]!] },
  ];
  let previous = filters[0]!;
  filters.forEach((f, r) => {
    for (let j = 0; j < (r === 0 ? 1 : 2); j++) {
      terms.push(...modulatedConvWeightTerms({ kernelSize: 3, inputChannels: previous, filters: f, styleDim: w, useBias: true }, styleFields));
      if (c.noise) terms.push({ fields: ['filters'], shape: [f] });
      previous = f;
    }
    terms.push(...modulatedConvWeightTerms({ kernelSize: 1, inputChannels: f, filters: channels, styleDim: w, useBias: true }, { kernel: ['channels', 'filters'], style: ['styleDim', 'filters'] }));
  });
  checkWeightBudget(FN, terms, maxParameters);
}
