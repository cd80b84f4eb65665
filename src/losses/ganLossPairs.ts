// The named GAN loss pairs that trainGAN accepts.
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { optional } from '../_internal/config.js';
import { invalidField } from '../_internal/errors.js';
import { gradientPenalty } from './gradientPenalty.js';
import { hingeDiscriminatorLoss } from './hingeDiscriminatorLoss.js';
import { hingeGeneratorLoss } from './hingeGeneratorLoss.js';
import { leastSquaresDiscriminatorLoss } from './leastSquaresDiscriminatorLoss.js';
import { leastSquaresGeneratorLoss } from './leastSquaresGeneratorLoss.js';
import { minimaxDiscriminatorLoss } from './minimaxDiscriminatorLoss.js';
import { nonSaturatingGeneratorLoss } from './nonSaturatingGeneratorLoss.js';
import { saturatingGeneratorLoss } from './saturatingGeneratorLoss.js';
import type { DiscriminatorLossFn, GeneratorLossFn } from './types.js';
import { wassersteinDiscriminatorLoss } from './wassersteinDiscriminatorLoss.js';
import { wassersteinGeneratorLoss } from './wassersteinGeneratorLoss.js';

/**
 * Names of the built-in GAN loss pairs:
 * - `'non-saturating'` (= `'minimax'`): minimax discriminator loss, non-saturating generator loss (Goodfellow et al. 2014; the default);
 * - `'saturating'`: minimax discriminator loss, saturating generator loss (the original minimax game);
 * - `'least-squares'`: LSGAN (Mao et al. 2016);
 * - `'hinge'`: hinge loss (Lim & Ye 2017);
 * - `'wasserstein'`: WGAN critic and generator losses (Arjovsky et al. 2017), without a Lipschitz constraint;
 * - `'wgan-gp'`: the Wasserstein losses plus the gradient penalty (λ = 10) of Gulrajani et al. 2017; with it,
 *   `trainGAN` defaults to 5 critic steps per generator step and Adam(1e-4, β = (0, 0.9)), as the paper.
 *
 * @category Losses
 */
export type GANLossName = 'minimax' | 'non-saturating' | 'saturating' | 'least-squares' | 'hinge' | 'wasserstein' | 'wgan-gp';

/**
 * An extra term of the discriminator's loss that needs the discriminator
 * itself, such as the WGAN-GP gradient penalty: `(critic, real, fake, seed, labels) → scalar`.
 * For a conditional pair, `trainGAN` passes `labels` `[B, 1]`, the class
 * shared by `real[b]` and `fake[b]`; otherwise `labels` is undefined.
 *
 * @category Losses
 */
export type DiscriminatorPenaltyFn = (
  critic: tfl.LayersModel,
  real: tf.Tensor,
  fake: tf.Tensor,
  seed: number | undefined,
  labels?: tf.Tensor,
) => tf.Scalar;

/**
 * A discriminator loss and the generator loss it pairs with.
 *
 * @category Losses
 */
export interface GANLossPair {
  /** Loss of the discriminator (critic), from logits on real and generated examples. */
  discriminator: DiscriminatorLossFn;
  /** Loss of the generator, from logits on generated examples. */
  generator: GeneratorLossFn;
  /** An extra discriminator term computed from the discriminator itself (e.g. a gradient penalty). Defaults to none. */
  penalty?: DiscriminatorPenaltyFn;
}

const NAMES: readonly GANLossName[] = ['minimax', 'non-saturating', 'saturating', 'least-squares', 'hinge', 'wasserstein', 'wgan-gp'];

/**
 * Returns the built-in loss pair of a name.
 *
 * @param name - One of {@link GANLossName}.
 * @returns `{ discriminator, generator }` loss functions of logits (and `penalty` for `'wgan-gp'`).
 * @throws {@link ValueError} for an unknown name.
 *
 * @example
 * ```ts
 * import { ganLossPair } from 'tfjs-generative';
 * const { discriminator, generator } = ganLossPair('hinge');
 * console.log(discriminator.name, generator.name); // hingeDiscriminatorLoss hingeGeneratorLoss
 * ```
 *
 * @category Losses
 */
export function ganLossPair(name: GANLossName): GANLossPair {
  switch (name) {
    case 'minimax':
    case 'non-saturating':
      return { discriminator: minimaxDiscriminatorLoss, generator: nonSaturatingGeneratorLoss };
    case 'saturating':
      return { discriminator: minimaxDiscriminatorLoss, generator: saturatingGeneratorLoss };
    case 'least-squares':
      return { discriminator: leastSquaresDiscriminatorLoss, generator: leastSquaresGeneratorLoss };
    case 'hinge':
      return { discriminator: hingeDiscriminatorLoss, generator: hingeGeneratorLoss };
    case 'wasserstein':
      return { discriminator: wassersteinDiscriminatorLoss, generator: wassersteinGeneratorLoss };
    case 'wgan-gp':
      return {
        discriminator: wassersteinDiscriminatorLoss,
        generator: wassersteinGeneratorLoss,
        penalty: (critic, real, fake, seed, labels) =>
          gradientPenalty(critic, real, fake, { weight: 10, ...optional('seed', seed), ...optional('labels', labels) }),
      };
    default:
      throw invalidField('ganLossPair', 'name', `one of ${NAMES.map((n) => `'${n}'`).join(', ')}`, name);
  }
}
