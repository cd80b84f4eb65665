// Per-pixel noise inputs: Karras et al. 2019, "A Style-Based Generator Architecture for
// Generative Adversarial Networks" (StyleGAN), https://arxiv.org/abs/1812.04948, §2 ("B" in
// Fig. 1): one Gaussian noise image per example, added to every channel with a learned
// per-channel weight (initialised to 0).
//
// Legend: B batch, H×W pixels, C channels.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ValueError } from '../_internal/errors.js';
import { weightSeed } from '../_internal/initializers.js';
import { checkNonNegativeInt, formatShape } from '../_internal/validate.js';
import { checkWeightBudget } from '../_internal/budget.js';
import { splitLayerArgs, type Kwargs, type LayerArgs, type Shape } from '../_internal/layers.js';

/**
 * Arguments of {@link NoiseInjection}.
 *
 * @category GAN
 */
export interface NoiseInjectionArgs extends LayerArgs {
  /**
   * Seed of the noise. Training calls draw fresh noise from seeds derived
   * from it and a per-layer call counter; inference calls use one fixed noise
   * image from it. Saved with the model. Defaults to a random seed drawn at
   * construction (then saved like a given one).
   */
  seed?: number;
}

const FN = 'NoiseInjection';
const OWN_KEYS = ['seed'] as const;

/**
 * Adds per-pixel Gaussian noise: `y = x + n · strength`, `n` `[B, H, W, 1]`
 * ~ N(0, 1), `strength` `[C]` learned and initialised to 0 (so a fresh layer
 * is the identity). `[B, H, W, C]` → `[B, H, W, C]`.
 *
 * Randomness is deterministic, so that a seeded `trainGAN` run and a saved
 * model are reproducible:
 * - in training (`training: true`), call number `t` of the layer draws
 *   `n` with the seed `f(seed, t)`: rebuilding a model with the same seed
 *   and repeating the same calls gives the same noise;
 * - at inference, `n` is one fixed image `[1, H, W, 1]` drawn from `seed`
 *   and shared by the whole batch (StyleGAN's "const" noise mode): an
 *   image depends only on its latent, whatever the batch, and a reloaded
 *   model gives the same images.
 *
 * `getWeights()`: strength `[C]`.
 *
 * @category GAN
 */
export class NoiseInjection extends tfl.layers.Layer {
  /** Name under which the class is serialized. */
  static readonly className = 'NoiseInjection';
  /** Seed of the noise (given, or drawn at construction). */
  readonly seed: number;
  private calls = 0;
  private strength: tfl.LayerVariable | null = null;

  constructor(args: NoiseInjectionArgs = {}) {
    const { own, base } = splitLayerArgs(FN, args, OWN_KEYS);
    const seed = own.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : checkNonNegativeInt(FN, 'seed', own.seed);
    super(base);
    this.seed = seed;
  }

  override build(inputShape: Shape | Shape[]): void {
    const s = inputShape as Shape;
    if (!Array.isArray(s) || s.length !== 4 || s[3] == null) {
      throw new ValueError(`${FN} '${this.name}': invalid input shape: expected [B, H, W, C] with a known C, received ${formatShape(s)}.`);
    }
    checkWeightBudget(`${FN} '${this.name}'`, [{ fields: ['input channels C'], shape: [s[3]] }]);
    this.strength = this.addWeight('strength', [s[3]], 'float32', tfl.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    if (x.rank !== 4) throw new ValueError(`${FN} '${this.name}': expected input [B, H, W, C], received shape ${formatShape(x.shape)}.`);
    const training = (kwargs as { training?: boolean } | undefined)?.training === true;
    const [b, h, w] = x.shape as [number, number, number, number];
    const seed = training ? weightSeed(this.seed, this.calls++) : this.seed;
    return tf.tidy(() => {
      const noise = tf.randomNormal(training ? [b, h, w, 1] : [1, h, w, 1], 0, 1, 'float32', seed); // [B or 1, H, W, 1]
      return tf.add(x, tf.mul(noise, this.strength!.read())); // [B, H, W, C]
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), seed: this.seed };
  }
}

/**
 * Creates a {@link NoiseInjection} layer.
 *
 * @param args - Seed and layer arguments; see {@link NoiseInjectionArgs}.
 * @returns The layer; `[B, H, W, C]` → `[B, H, W, C]`.
 * @throws {@link ValueError} for a seed that is not a non-negative integer.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { noiseInjection } from 'tfjs-generative/gan';
 * const noise = noiseInjection({ seed: 1 });
 * const y = noise.apply(tf.zeros([2, 8, 8, 4]), { training: true }) as tf.Tensor;
 * console.log(y.shape); // [2, 8, 8, 4]
 * ```
 *
 * @category GAN
 */
// @__NO_SIDE_EFFECTS__
export function noiseInjection(args: NoiseInjectionArgs = {}): NoiseInjection {
  return new NoiseInjection(args);
}
