/**
 * The VAE object the builders return and the training, evaluation and latent
 * tools take. Legend: B batch, Z latent size, K classes.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import type { VAELikelihood } from '../losses/elbo.js';

/**
 * What {@link "tfjs-generative/training"!trainVAE | trainVAE}, {@link importanceWeightedBound} and the latent tools
 * need from a VAE: its encoder and decoder, and how to read the decoder's
 * output. A {@link VAE} from {@link buildVAE} or {@link buildConvVAE} is one;
 * your own pair of models is another.
 *
 * - `encoder`: `x [B, …]` → `[mean [B, Z], logVar [B, Z]]` (two outputs); a
 *   conditional encoder takes `[x, oneHotLabels [B, K]]`.
 * - `decoder`: `z [B, Z]` → `[B, …]` (the shape of `x`): logits for the
 *   Bernoulli likelihood, means for the Gaussian one; a conditional decoder
 *   takes `[z, oneHotLabels [B, K]]`.
 *
 * A VAE is conditional when its encoder has two inputs; `K` is the size of
 * the second. Functions that take labels take integer class indices `[B]`
 * and one-hot encode them.
 *
 * @category VAE
 */
export interface VAEModels {
  /** `x` (and one-hot labels) → `[mean, logVar]`. */
  encoder: tfl.LayersModel;
  /** `z` (and one-hot labels) → logits or means, the shape of `x`. */
  decoder: tfl.LayersModel;
  /** How to read the decoder's output. Defaults to `'bernoulli'`. */
  likelihood?: VAELikelihood;
  /** Variance `σ²` of the Gaussian likelihood. Defaults to `1`. */
  variance?: number;
  /** Weight of the KL term in training (β-VAE); {@link "tfjs-generative/training"!trainVAE | trainVAE}'s `beta` overrides it. Defaults to `1`. */
  beta?: number;
}

/**
 * What {@link buildVAE} and {@link buildConvVAE} return: encoder, decoder and
 * the end-to-end `vae` model, with the settings that tell how to train and
 * evaluate them.
 *
 * The three models share their layers: training the encoder and decoder (as
 * {@link "tfjs-generative/training"!trainVAE | trainVAE} does) trains `vae`. `vae` maps `x` (and one-hot labels)
 * through the encoder, a {@link GaussianSample} layer and the decoder to a
 * reconstruction (logits or means); use it to reconstruct, or to save the
 * whole model. It does not expose `mean` and `logVar`, which the loss needs,
 * so the training and evaluation functions take the encoder and decoder.
 *
 * @category VAE
 */
export interface VAE extends VAEModels {
  /** `x` (and one-hot labels `[B, K]`) → reconstruction logits or means, one `z` sampled per example. */
  vae: tfl.LayersModel;
  /** How to read the decoder's output. */
  likelihood: VAELikelihood;
  /** Variance `σ²` of the Gaussian likelihood (`1` for Bernoulli, where it is unused). */
  variance: number;
  /** Weight of the KL term in training. */
  beta: number;
  /** Size `Z` of the latent space. */
  latentDim: number;
  /** Number of classes `K` of a conditional VAE, `null` otherwise. */
  numClasses: number | null;
  /** Frees the weights of the three models. */
  dispose(): void;
}

/**
 * The configuration fields {@link buildVAE} and {@link buildConvVAE} share.
 *
 * @category VAE
 */
export interface VAECommonConfig {
  /** `'bernoulli'`: the decoder returns logits (data in [0, 1], e.g. pixels); `'gaussian'`: it returns means. Defaults to `'bernoulli'`. */
  likelihood?: VAELikelihood;
  /** Fixed variance `σ²` of the Gaussian likelihood; only with `likelihood: 'gaussian'`. Defaults to `1`. */
  variance?: number;
  /** Weight β of the KL term in training (β-VAE, Higgins et al. 2017); ≥ 0. Defaults to `1`. */
  beta?: number;
  /** Makes the VAE conditional on a class label in `[0, numClasses)`, fed (one-hot) to encoder and decoder. Defaults to unconditional. */
  numClasses?: number;
  /** Whether the `vae` model's sampling layer samples at inference (`false`: it passes the mean). Defaults to `true`. */
  sampleAtInference?: boolean;
  /** Seed of the weight initializers and of the `vae` model's sampling layer. Defaults to unseeded. */
  seed?: number;
  /** Refuse (with a `ValueError`, before allocating) a config with more weights than this. Defaults to 2^29 (2 GiB of float32). */
  maxParameters?: number;
}
