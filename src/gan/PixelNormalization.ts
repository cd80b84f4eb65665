// Pixelwise feature normalization: Karras et al. 2018, "Progressive Growing of GANs"
// (https://arxiv.org/abs/1710.10196, §4.2), applied by StyleGAN to the latent z before the
// mapping network (Karras et al. 2019, https://arxiv.org/abs/1812.04948).
//
// Legend: B batch, C features (last axis).
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { checkPositiveNumber } from '../_internal/validate.js';
import { splitLayerArgs, type Kwargs, type LayerArgs, type Shape } from '../_internal/layers.js';

/**
 * Arguments of {@link PixelNormalization}.
 *
 * @category GAN
 */
export interface PixelNormalizationArgs extends LayerArgs {
  /** Added to the mean square before the square root. Defaults to `1e-8`. */
  epsilon?: number;
}

const FN = 'PixelNormalization';
const OWN_KEYS = ['epsilon'] as const;

/**
 * Scales each feature vector (the last axis) to unit root mean square:
 * `y = x / √(mean(x²) + ε)`. No weights; any shape `[…, C]`.
 *
 * @category GAN
 */
export class PixelNormalization extends tfl.layers.Layer {
  /** Name under which the class is serialized. */
  static readonly className = 'PixelNormalization';
  /** ε under the square root. */
  readonly epsilon: number;

  constructor(args: PixelNormalizationArgs = {}) {
    const { own, base } = splitLayerArgs(FN, args, OWN_KEYS);
    const epsilon = checkPositiveNumber(FN, 'epsilon', own.epsilon ?? 1e-8);
    super(base);
    this.epsilon = epsilon;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    return tf.tidy(() => tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), this.epsilon)))); // […, C]
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), epsilon: this.epsilon };
  }
}

/**
 * Creates a {@link PixelNormalization} layer.
 *
 * @param args - ε and layer arguments; see {@link PixelNormalizationArgs}.
 * @returns The layer; `[…, C]` → `[…, C]` with unit root mean square over `C`.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { pixelNormalization } from 'tfjs-generative/gan';
 * const y = pixelNormalization().apply(tf.fill([2, 16], 3)) as tf.Tensor;
 * console.log(y.shape); // [2, 16]
 * ```
 *
 * @category GAN
 */
// @__NO_SIDE_EFFECTS__
export function pixelNormalization(args: PixelNormalizationArgs = {}): PixelNormalization {
  return new PixelNormalization(args);
}
