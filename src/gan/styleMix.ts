// Style mixing and the truncation trick: Karras et al. 2019, "A Style-Based Generator
// Architecture for Generative Adversarial Networks", https://arxiv.org/abs/1812.04948, §3.1
// (mixing: styles before a crossover point from one latent, the rest from another) and §2
// (truncation in W: w' = w̄ + ψ (w − w̄)).
//
// Legend: N count, Z latent size, W style size, M number of styles, S image size, C channels.
import * as tf from '@tensorflow/tfjs-core';
import { checkConfigObject, checkKnownKeys } from '../_internal/config.js';
import { invalidField, ValueError } from '../_internal/errors.js';
import { randomLatents } from '../_internal/latents.js';
import { checkFiniteNumber, checkNonNegativeInt, checkPositiveInt, checkShape, checkTensor } from '../_internal/validate.js';
import type { StyleGenerator } from './buildStyleGenerator.js';

/**
 * Options of {@link styleMix}.
 *
 * @category GAN
 */
export interface StyleMixOptions {
  /** Styles `0 … crossover-1` come from `latentsA`, the rest from `latentsB`: an integer in `[0, numStyles]`. Low indices are coarse (pose, shape), high ones fine (stroke, texture). */
  crossover: number;
  /** Truncation ψ: each style vector becomes `w̄ + ψ (w − w̄)`; `1` leaves it as it is, `0` gives the mean image. Defaults to `1`. */
  truncation?: number;
  /** The mean style vector `w̄` `[1, W]` for `truncation` (see {@link meanStyle}). Defaults to {@link meanStyle} of 1,024 seeded latents. */
  meanStyle?: tf.Tensor;
  /** Examples per forward pass, to bound memory. Defaults to `64`. */
  batchSize?: number;
}

/**
 * Options of {@link meanStyle}.
 *
 * @category GAN
 */
export interface MeanStyleOptions {
  /** Latents averaged over. Defaults to `1024`. */
  samples?: number;
  /** Seed of the latent draw. Defaults to `0`. */
  seed?: number;
}

const FN = 'styleMix';

/**
 * Mixes the styles of two batches of latents: image `i` takes the coarse
 * styles (indices `< crossover`) of `latentsA[i]` and the fine ones of
 * `latentsB[i]`. `crossover = numStyles` gives A's images, `0` gives B's
 * (exactly `generator.predict` of those latents). Optionally truncates the
 * style vectors towards their mean (ψ < 1: typical images, less variety).
 *
 * For a grid with A's latents as rows and B's as columns, repeat each row's
 * latent and tile the columns' latents (see `examples/stylegan-mnist.ts`).
 *
 * @param styleGenerator - The object {@link buildStyleGenerator} returns.
 * @param latentsA - Latents `[N, Z]` of the coarse styles.
 * @param latentsB - Latents `[N, Z]` of the fine styles.
 * @param options - Crossover, truncation, batch size; see {@link StyleMixOptions}.
 * @returns Images `[N, S, S, C]` in [-1, 1]; the caller disposes them.
 * @throws {@link ValueError} for mismatched latents or an invalid option.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { buildStyleGenerator, styleMix } from 'tfjs-generative/gan';
 * const sg = buildStyleGenerator({ imageSize: 28, channels: 1, latentDim: 16, filters: 8, seed: 1 });
 * const a = tf.randomNormal([4, 16], 0, 1, 'float32', 1);
 * const b = tf.randomNormal([4, 16], 0, 1, 'float32', 2);
 * const images = styleMix(sg, a, b, { crossover: 2 });
 * console.log(images.shape); // [4, 28, 28, 1]
 * ```
 *
 * @category GAN
 */
export function styleMix(styleGenerator: StyleGenerator, latentsA: tf.Tensor, latentsB: tf.Tensor, options: StyleMixOptions): tf.Tensor4D {
  const { mapping, synthesis, numStyles } = checkStyleGenerator(FN, styleGenerator);
  checkConfigObject(FN, options, 'options');
  checkKnownKeys(FN, options, ['crossover', 'truncation', 'meanStyle', 'batchSize'], 'options');
  const latentDim = mapping.inputs[0]!.shape[1]!;
  const styleDim = mapping.outputs[0]!.shape[1]!;
  checkTensor(FN, 'latentsA', latentsA);
  checkTensor(FN, 'latentsB', latentsB);
  checkShape(FN, 'latentsA', latentsA, [null, latentDim]);
  checkShape(FN, 'latentsB', latentsB, [null, latentDim]);
  if (latentsA.shape[0] !== latentsB.shape[0]) {
    throw new ValueError(`${FN}: \`latentsA\` ${JSON.stringify(latentsA.shape)} and \`latentsB\` ${JSON.stringify(latentsB.shape)} must hold the same number of latents.`);
  }
  const crossover = options.crossover;
  if (typeof crossover !== 'number' || !Number.isInteger(crossover) || crossover < 0 || crossover > numStyles) {
    throw invalidField(FN, 'crossover', `an integer in [0, ${numStyles}]`, crossover);
  }
  const psi = checkFiniteNumber(FN, 'truncation', options.truncation ?? 1);
  const batchSize = checkPositiveInt(FN, 'batchSize', options.batchSize ?? 64);
  if (options.meanStyle !== undefined) {
    checkTensor(FN, 'meanStyle', options.meanStyle);
    checkShape(FN, 'meanStyle', options.meanStyle, [1, styleDim]);
  }
  const n = latentsA.shape[0]!;
  const mean = psi !== 1 && options.meanStyle === undefined ? meanStyle(styleGenerator) : null;
  try {
    return tf.tidy(() => {
      const styleOf = (z: tf.Tensor): tf.Tensor2D => {
        const w = mapping.predict(z, { batchSize }) as tf.Tensor2D; // [N, W]
        if (psi === 1) return w;
        const wBar = options.meanStyle ?? mean!; // [1, W]
        return tf.add(wBar, tf.mul(tf.sub(w, wBar), psi)) as tf.Tensor2D; // w̄ + ψ (w − w̄)
      };
      const repeat = (w: tf.Tensor2D, count: number): tf.Tensor3D => tf.tile(tf.reshape(w, [n, 1, styleDim]), [1, count, 1]) as tf.Tensor3D; // [N, count, W]
      const parts: tf.Tensor3D[] = [];
      if (crossover > 0) parts.push(repeat(styleOf(latentsA), crossover));
      if (crossover < numStyles) parts.push(repeat(styleOf(latentsB), numStyles - crossover));
      const ws = parts.length === 1 ? parts[0]! : tf.concat(parts, 1); // [N, M, W]
      return synthesis.predict(ws, { batchSize }) as tf.Tensor4D; // [N, S, S, C]
    });
  } finally {
    mean?.dispose();
  }
}

/**
 * The mean style vector `w̄ = E_z[mapping(z)]`, estimated over `samples`
 * seeded latents: the centre of the truncation trick.
 *
 * @param styleGenerator - The object {@link buildStyleGenerator} returns.
 * @param options - Sample count and seed; see {@link MeanStyleOptions}.
 * @returns `w̄` `[1, W]`; the caller disposes it.
 *
 * @example
 * ```ts
 * import { buildStyleGenerator, meanStyle } from 'tfjs-generative/gan';
 * const sg = buildStyleGenerator({ imageSize: 28, channels: 1, latentDim: 16, filters: 8, seed: 1 });
 * console.log(meanStyle(sg, { samples: 256 }).shape); // [1, 16]
 * ```
 *
 * @category GAN
 */
export function meanStyle(styleGenerator: StyleGenerator, options: MeanStyleOptions = {}): tf.Tensor2D {
  const { mapping } = checkStyleGenerator('meanStyle', styleGenerator);
  checkConfigObject('meanStyle', options, 'options');
  checkKnownKeys('meanStyle', options, ['samples', 'seed'], 'options');
  const samples = checkPositiveInt('meanStyle', 'samples', options.samples ?? 1024);
  const seed = checkNonNegativeInt('meanStyle', 'seed', options.seed ?? 0);
  return tf.tidy(() => {
    const z = randomLatents(samples, mapping.inputs[0]!.shape[1]!, seed); // [samples, Z]
    return tf.mean(mapping.predict(z, { batchSize: 256 }) as tf.Tensor2D, 0, true) as tf.Tensor2D; // [1, W]
  });
}

function checkStyleGenerator(fn: string, sg: unknown): StyleGenerator {
  const s = sg as Partial<StyleGenerator> | null;
  if (s === null || typeof s !== 'object' || s.mapping === undefined || s.synthesis === undefined || typeof s.numStyles !== 'number') {
    throw invalidField(fn, 'styleGenerator', 'the object buildStyleGenerator returns ({ generator, mapping, synthesis, numStyles })', sg);
  }
  return s as StyleGenerator;
}
