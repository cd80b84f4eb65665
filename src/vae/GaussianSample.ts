// A layer for the reparameterization trick: Kingma & Welling 2013, "Auto-Encoding
// Variational Bayes", https://arxiv.org/abs/1312.6114 (§2.4); the Keras VAE
// example's `Sampling` layer, seeded and serializable.
//
// Legend: B batch, Z latent size.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ValueError } from '../_internal/errors.js';
import { seedSource, type SeedSource } from '../_internal/random.js';
import { checkBoolean, checkOptionalSeed, formatShape } from '../_internal/validate.js';
import { splitLayerArgs, type Kwargs, type LayerArgs, type Shape } from '../_internal/layers.js';
import { checkMeanLogVar } from './_checkMeanLogVar.js';
import { reparameterize } from './reparameterize.js';

/**
 * Arguments of {@link GaussianSample}.
 *
 * @category VAE
 */
export interface GaussianSampleArgs extends LayerArgs {
  /**
   * Seed of the noise stream: a layer made with a seed draws the same
   * sequence of `ε` on every run (each call takes the next draw). Defaults to unseeded.
   */
  seed?: number;
  /**
   * What the layer does outside training (`predict`, or `apply` without
   * `training: true`): `true` samples, as in training (the Keras VAE
   * examples' behaviour: a reconstruction is a random draw); `false` returns
   * `mean` (a deterministic reconstruction). Defaults to `true`.
   */
  sampleAtInference?: boolean;
}

const FN = 'GaussianSample';
const OWN_KEYS = ['seed', 'sampleAtInference'] as const;

/**
 * Samples `z = mean + exp(½ logVar) ⊙ ε`, `ε ~ N(0, I)`, inside a model: the
 * layer version of {@link reparameterize}. It takes two inputs,
 * `[mean, logVar]`, both `[B, Z]`, and returns `z` `[B, Z]`. It has no
 * weights; gradients flow to `mean` and `logVar`.
 *
 * In training (`apply(…, { training: true })`) it always samples. At
 * inference it samples too, unless made with `sampleAtInference: false`, in
 * which case it returns `mean`.
 *
 * Register it (`registerLayers()`) before loading a saved model that uses it.
 *
 * @category VAE
 */
export class GaussianSample extends tfl.layers.Layer {
  /** Name under which the class is serialized. */
  static readonly className = 'GaussianSample';
  /** Seed given at construction, if any. */
  readonly seed: number | undefined;
  /** Whether the layer samples outside training. */
  readonly sampleAtInference: boolean;
  private readonly rng: SeedSource;

  constructor(args: GaussianSampleArgs = {}) {
    const { own, base } = splitLayerArgs(FN, args, OWN_KEYS);
    const seed = checkOptionalSeed(FN, 'seed', own.seed);
    const sampleAtInference = checkBoolean(FN, 'sampleAtInference', own.sampleAtInference ?? true);
    super(base);
    this.seed = seed;
    this.sampleAtInference = sampleAtInference;
    this.rng = seedSource(seed);
    this.supportsMasking = false;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const shapes = inputShape as Shape[];
    if (!Array.isArray(shapes[0]) || shapes.length !== 2) {
      throw new ValueError(`${FN} '${this.name}': expected two inputs [mean, logVar], received ${JSON.stringify(inputShape)}.`);
    }
    const [mean, logVar] = shapes as [Shape, Shape];
    if (mean.length !== logVar.length || mean.some((d, i) => d !== null && logVar[i] !== null && d !== logVar[i])) {
      throw new ValueError(
        `${FN} '${this.name}': mean and logVar must have the same shape: received ${formatShape(mean)} and ${formatShape(logVar)}.`,
      );
    }
    return mean;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    if (!Array.isArray(inputs) || inputs.length !== 2) {
      throw new ValueError(`${FN} '${this.name}': expected two inputs [mean, logVar], received ${Array.isArray(inputs) ? inputs.length : 1}.`);
    }
    const [mean, logVar] = inputs as [tf.Tensor, tf.Tensor];
    checkMeanLogVar(FN, mean, logVar);
    const training = (kwargs as { training?: boolean } | undefined)?.training === true;
    if (!training && !this.sampleAtInference) return tf.clone(mean);
    return reparameterize(mean, logVar, { seed: this.rng.nextSeed() });
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = { sampleAtInference: this.sampleAtInference };
    if (this.seed !== undefined) config['seed'] = this.seed;
    return { ...super.getConfig(), ...config };
  }
}

/**
 * Creates a {@link GaussianSample} layer.
 *
 * @param args - Seed and inference behaviour; see {@link GaussianSampleArgs}.
 * @returns The layer: `[mean [B, Z], logVar [B, Z]]` → `z [B, Z]`.
 * @throws {@link ValueError} for an invalid seed or an unknown argument.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { gaussianSample } from 'tfjs-generative/vae';
 * const sample = gaussianSample({ seed: 1 });
 * const z = sample.apply([tf.zeros([4, 2]), tf.zeros([4, 2])]) as tf.Tensor;
 * console.log(z.shape); // [4, 2]
 * ```
 *
 * @category VAE
 */
// @__NO_SIDE_EFFECTS__
export function gaussianSample(args: GaussianSampleArgs = {}): GaussianSample {
  return new GaussianSample(args);
}
