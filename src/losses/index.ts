/**
 * Losses, computed from logits in numerically stable form and checked against
 * PyTorch: the GAN losses (minimax, non-saturating, least squares, hinge,
 * Wasserstein, `ganLossPair`, the WGAN-GP `gradientPenalty`), CycleGAN's
 * `cycleConsistencyLoss` and `identityLoss`, the language model's
 * `sparseCategoricalCrossEntropyFromLogits`, and the VAE terms
 * (`klDivergence`, `bernoulliNegLogLikelihood`, `gaussianNegLogLikelihood`,
 * `elbo`), per example and in nats.
 *
 * ```ts
 * import { hingeDiscriminatorLoss, klDivergence } from 'tfjs-generative/losses';
 * ```
 *
 * Importing only the losses brings no model code into a bundle. Everything
 * here is also exported from `tfjs-generative`.
 *
 * @module tfjs-generative/losses
 */
export { gradientPenalty, type GradientPenaltyOptions } from './gradientPenalty.js';
export { ganLossPair, type DiscriminatorPenaltyFn, type GANLossName, type GANLossPair } from './ganLossPairs.js';
export { hingeDiscriminatorLoss } from './hingeDiscriminatorLoss.js';
export { hingeGeneratorLoss } from './hingeGeneratorLoss.js';
export { leastSquaresDiscriminatorLoss } from './leastSquaresDiscriminatorLoss.js';
export { leastSquaresGeneratorLoss } from './leastSquaresGeneratorLoss.js';
export { minimaxDiscriminatorLoss } from './minimaxDiscriminatorLoss.js';
export { nonSaturatingGeneratorLoss } from './nonSaturatingGeneratorLoss.js';
export { saturatingGeneratorLoss } from './saturatingGeneratorLoss.js';
export type { DiscriminatorLossFn, GeneratorLossFn } from './types.js';
export { wassersteinDiscriminatorLoss } from './wassersteinDiscriminatorLoss.js';
export { wassersteinGeneratorLoss } from './wassersteinGeneratorLoss.js';
export {
  sparseCategoricalCrossEntropyFromLogits,
  type SparseCategoricalCrossEntropyOptions,
} from './sparseCategoricalCrossEntropyFromLogits.js';
export { bernoulliNegLogLikelihood } from './bernoulliNegLogLikelihood.js';
export { elbo, type ElboOptions, type VAELikelihood } from './elbo.js';
export { gaussianNegLogLikelihood, type GaussianNegLogLikelihoodOptions } from './gaussianNegLogLikelihood.js';
export { klDivergence } from './klDivergence.js';
export { cycleConsistencyLoss } from './cycleConsistencyLoss.js';
export { identityLoss } from './identityLoss.js';
export { NonFiniteLossError, NotImplementedError, ValueError } from '../errors.js';
