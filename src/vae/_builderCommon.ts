/**
 * What the two VAE builders share: the config keys and options common to
 * both, validated the same way, their kernel initializers, and the assembly
 * of `{ encoder, decoder, vae }`.
 *
 * Legend: B batch, Z latent size, K classes.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { checkMaxParameters } from '../_internal/budget.js';
import { optional } from '../_internal/config.js';
import { invalidField } from '../_internal/errors.js';
import { layerSeedCounter, streamSeed, type Initializer } from '../_internal/initializers.js';
import { resolveLikelihoodOptions } from '../_internal/likelihood.js';
import { disposerOf } from '../_internal/models.js';
import { checkBoolean, checkOptionalSeed, checkPositiveInt } from '../_internal/validate.js';
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
  maxParameters: number | undefined;
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
    maxParameters?: number;
  },
): CommonVAEOptions {
  const latentDim = checkPositiveInt(fn, 'latentDim', config.latentDim ?? 16);
  const { likelihood, variance, beta } = resolveLikelihoodOptions(fn, config);
  let numClasses: number | null = null;
  if (config.numClasses !== undefined) {
    numClasses = checkPositiveInt(fn, 'numClasses', config.numClasses);
    if (numClasses < 2) throw invalidField(fn, 'numClasses', 'an integer >= 2', numClasses);
  }
  const seed = checkOptionalSeed(fn, 'seed', config.seed);
  const sampleAtInference = checkBoolean(fn, 'sampleAtInference', config.sampleAtInference ?? true);
  const maxParameters = checkMaxParameters(fn, config.maxParameters);
  return { latentDim, likelihood, variance, beta, numClasses, seed, sampleAtInference, maxParameters };
}

/** Glorot-uniform kernels, a different seed per layer (`layerSeeds`; unseeded without a seed). @hidden */
export function kernelInitializers(seed: number | undefined): () => Initializer {
  const layerSeed = layerSeedCounter(seed);
  return () => tfl.initializers.glorotUniform(optional('seed', layerSeed.next()));
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
  const z = gaussianSample({ name: 'z', sampleAtInference, ...optional('seed', streamSeed(seed, 'sampler')) }).apply([mean!, logVar!]) as tfl.SymbolicTensor; // [B, Z]
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
    // `vae` holds the encoder and decoder as nested models.
    dispose: disposerOf(vae, encoder, decoder),
  };
}

/** The config keys of `VAECommonConfig`, which both builders accept. @hidden */
export const VAE_COMMON_KEYS = ['likelihood', 'variance', 'beta', 'numClasses', 'sampleAtInference', 'seed', 'maxParameters'] as const satisfies readonly (keyof VAECommonConfig)[];
