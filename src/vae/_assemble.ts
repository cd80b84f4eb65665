/**
 * What the two VAE builders share: the options common to both, validated the
 * same way, and the assembly of `{ encoder, decoder, vae }`.
 *
 * Legend: B batch, Z latent size, K classes.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { invalidField } from '../_internal/errors.js';
import { weightSeed } from '../_internal/initializers.js';
import { checkBoolean, checkNonNegativeNumber, checkOneOf, checkOptionalSeed, checkPositiveInt, checkPositiveNumber } from '../_internal/validate.js';
import type { VAELikelihood } from '../losses/elbo.js';
import { gaussianSample } from './GaussianSample.js';
import type { VAE, VAECommonConfig } from './types.js';

/** The options both builders take. @hidden */
export interface CommonVAEOptions {
  latentDim: number;
  likelihood: VAELikelihood;
  variance: number;
  beta: number;
  numClasses: number | null;
  seed: number | undefined;
  sampleAtInference: boolean;
}

/** Validates the options both builders take. @hidden */
export function commonVAEOptions(
  fn: string,
  config: {
    latentDim?: number;
    likelihood?: VAELikelihood;
    variance?: number;
    beta?: number;
    numClasses?: number;
    seed?: number;
    sampleAtInference?: boolean;
  },
): CommonVAEOptions {
  const latentDim = checkPositiveInt(fn, 'latentDim', config.latentDim ?? 16);
  const likelihood = checkOneOf(fn, 'likelihood', config.likelihood ?? 'bernoulli', ['bernoulli', 'gaussian'] as const);
  if (likelihood === 'bernoulli' && config.variance !== undefined) {
    throw invalidField(fn, 'variance', "no `variance` with likelihood 'bernoulli' (it has none)", config.variance);
  }
  const variance = checkPositiveNumber(fn, 'variance', config.variance ?? 1);
  const beta = checkNonNegativeNumber(fn, 'beta', config.beta ?? 1);
  let numClasses: number | null = null;
  if (config.numClasses !== undefined) {
    numClasses = checkPositiveInt(fn, 'numClasses', config.numClasses);
    if (numClasses < 2) throw invalidField(fn, 'numClasses', 'an integer >= 2', numClasses);
  }
  const seed = checkOptionalSeed(fn, 'seed', config.seed);
  const sampleAtInference = checkBoolean(fn, 'sampleAtInference', config.sampleAtInference ?? true);
  return { latentDim, likelihood, variance, beta, numClasses, seed, sampleAtInference };
}

type Initializer = ReturnType<typeof tfl.initializers.glorotUniform>;

/** Glorot-uniform kernels, a different seed per layer (unseeded without a seed). @hidden */
export function kernelInitializers(seed: number | undefined): () => Initializer {
  let i = 0;
  return () => tfl.initializers.glorotUniform(seed === undefined ? {} : { seed: weightSeed(seed, i++) });
}

/**
 * Wraps an encoder and a decoder into the {@link VAE} object, building the
 * end-to-end `vae` model: x (+ labels) → encoder → GaussianSample → decoder.
 * @hidden
 */
export function assembleVAE(
  encoder: tfl.LayersModel,
  decoder: tfl.LayersModel,
  options: CommonVAEOptions,
  name: string,
): VAE {
  const { latentDim, likelihood, variance, beta, numClasses, seed, sampleAtInference } = options;
  const xShape = encoder.inputs[0]!.shape.slice(1) as number[];
  const x = tfl.input({ shape: xShape, name: 'x' }); // [B, …]
  const label = numClasses === null ? null : tfl.input({ shape: [numClasses], name: 'label' }); // [B, K]
  const [mean, logVar] = encoder.apply(label === null ? x : [x, label]) as tfl.SymbolicTensor[]; // [B, Z] each
  const sampleArgs = seed === undefined ? { name: 'z', sampleAtInference } : { name: 'z', sampleAtInference, seed: weightSeed(seed, 1000) };
  const z = gaussianSample(sampleArgs).apply([mean!, logVar!]) as tfl.SymbolicTensor; // [B, Z]
  const reconstruction = decoder.apply(label === null ? z : [z, label]) as tfl.SymbolicTensor; // [B, …]
  const vae = tfl.model({ inputs: label === null ? x : [x, label], outputs: reconstruction, name });
  return {
    encoder,
    decoder,
    vae,
    likelihood,
    variance,
    beta,
    latentDim,
    numClasses,
    dispose() {
      // `vae` holds the encoder and decoder as nested models; tfjs-layers disposes
      // nested models with their container, so they may already be gone. Dispose
      // whatever is still alive (a model's private reference count is > 0 until then).
      for (const m of [vae, encoder, decoder]) {
        if (((m as unknown as { _refCount: number | null })._refCount ?? 0) > 0) m.dispose();
      }
    },
  };
}

/** The config keys of `VAECommonConfig`, which both builders accept. @hidden */
export const VAE_COMMON_KEYS = ['likelihood', 'variance', 'beta', 'numClasses', 'sampleAtInference', 'seed'] as const satisfies readonly (keyof VAECommonConfig)[];
