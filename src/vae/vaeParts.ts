/**
 * What every VAE function shares: checking the encoder/decoder pair, labels,
 * and the forward pass that gives the terms of the ELBO.
 *
 * Legend: B batch, Z latent size, K classes.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { describeValue, invalidField, ValueError } from '../_internal/errors.js';
import { resolveLikelihoodOptions } from '../_internal/likelihood.js';
import { checkLayersModel, checkTensor, formatShape } from '../_internal/validate.js';
import { bernoulliNegLogLikelihood } from '../losses/bernoulliNegLogLikelihood.js';
import type { VAELikelihood } from '../losses/elbo.js';
import { gaussianNegLogLikelihood } from '../losses/gaussianNegLogLikelihood.js';
import { klDivergence } from '../losses/klDivergence.js';
import { reparameterize } from './reparameterize.js';
import type { VAEModels } from './types.js';

/** A checked VAE. @hidden */
export interface VAEParts {
  encoder: tfl.LayersModel;
  decoder: tfl.LayersModel;
  likelihood: VAELikelihood;
  variance: number;
  beta: number;
  latentDim: number;
  /** K for a conditional VAE, else null. */
  numClasses: number | null;
  /** Shape of one example, without B (from the encoder's first input). */
  exampleShape: readonly (number | null)[];
}

/**
 * Checks a {@link VAEModels} object: the encoder has one input (two if
 * conditional) and two outputs `[null, Z]`; the decoder takes `[null, Z]` (and
 * the same labels) and returns the shape of the encoder's input.
 * @hidden
 */
export function resolveVAE(fn: string, vae: unknown): VAEParts {
  if (vae === null || typeof vae !== 'object') {
    throw invalidField(fn, 'vae', 'an object { encoder, decoder } (as buildVAE returns)', vae);
  }
  const v = vae as Partial<VAEModels>;
  const encoder = checkLayersModel(fn, 'vae.encoder', v.encoder);
  const decoder = checkLayersModel(fn, 'vae.decoder', v.decoder);
  // The builders' results carry `variance: 1` with a Bernoulli likelihood (unused): that one is no conflict.
  const unusedVariance = v.likelihood !== 'gaussian' && v.variance === 1;
  const { likelihood, variance, beta } = resolveLikelihoodOptions(fn, { likelihood: v.likelihood, variance: unusedVariance ? undefined : v.variance, beta: v.beta }, 'vae.');

  const shapes = (m: tfl.LayersModel, which: 'inputs' | 'outputs') => m[which].map((t) => formatShape(t.shape)).join(', ');
  const meanShape = encoder.outputs[0]?.shape;
  const logVarShape = encoder.outputs[1]?.shape;
  if (
    encoder.outputs.length !== 2 ||
    meanShape === undefined ||
    logVarShape === undefined ||
    meanShape.length !== 2 ||
    meanShape[1] == null ||
    formatShape(meanShape) !== formatShape(logVarShape)
  ) {
    throw new ValueError(
      `${fn}: invalid \`vae.encoder\`: expected two outputs [mean, logVar] of shape [null, Z], received ${shapes(encoder, 'outputs')}.`,
    );
  }
  const latentDim = meanShape[1];
  if (encoder.inputs.length !== 1 && encoder.inputs.length !== 2) {
    throw new ValueError(`${fn}: invalid \`vae.encoder\`: expected one input (x) or two (x, one-hot labels), received ${shapes(encoder, 'inputs')}.`);
  }
  let numClasses: number | null = null;
  if (encoder.inputs.length === 2) {
    const k = encoder.inputs[1]!.shape;
    if (k.length !== 2 || k[1] == null) {
      throw new ValueError(`${fn}: invalid \`vae.encoder\`: expected its second input to be one-hot labels [null, K], received ${formatShape(k)}.`);
    }
    numClasses = k[1];
  }
  const expectedDecoderInputs = numClasses === null ? `[null, ${latentDim}]` : `[null, ${latentDim}], [null, ${numClasses}]`;
  if (shapes(decoder, 'inputs') !== expectedDecoderInputs) {
    throw new ValueError(
      `${fn}: invalid \`vae.decoder\`: expected inputs ${expectedDecoderInputs} (the encoder's latent size${numClasses === null ? '' : ' and classes'}), received ${shapes(decoder, 'inputs')}.`,
    );
  }
  const exampleShape = encoder.inputs[0]!.shape.slice(1);
  const outShape = decoder.outputs[0]!.shape.slice(1);
  if (decoder.outputs.length !== 1 || formatShape(outShape) !== formatShape(exampleShape)) {
    throw new ValueError(
      `${fn}: invalid \`vae.decoder\`: expected one output of the encoder's input shape ${formatShape(encoder.inputs[0]!.shape)}, received ${shapes(decoder, 'outputs')}.`,
    );
  }
  return { encoder, decoder, likelihood, variance, beta, latentDim, numClasses, exampleShape };
}

/**
 * Validates class labels (a tensor or array of integers in [0, K)) and
 * returns them as an int32 tensor `[N]` (the caller disposes it). A tensor's
 * values are `read` when given (see {@link resolveLabelsAsync}), else read
 * with `dataSync`.
 * @hidden
 */
export function checkLabels(
  fn: string,
  field: string,
  labels: unknown,
  numClasses: number,
  count: number,
  read?: ArrayLike<number>,
): tf.Tensor1D {
  let values: ArrayLike<number>;
  if (labels instanceof tf.Tensor) {
    checkTensor(fn, field, labels);
    if (labels.rank !== 1 || labels.shape[0] !== count) {
      throw new ValueError(`${fn}: invalid \`${field}\` shape: expected [${count}] (one class index per example), received ${formatShape(labels.shape)}.`);
    }
    values = read ?? labels.dataSync();
  } else if (Array.isArray(labels)) {
    if (labels.length !== count) {
      throw new ValueError(`${fn}: invalid \`${field}\`: expected ${count} class indices (one per example), received ${labels.length}.`);
    }
    values = labels as number[];
  } else {
    throw invalidField(fn, field, 'a tensor [N] or an array of class indices', labels);
  }
  for (let i = 0; i < values.length; i++) {
    const c = values[i];
    if (typeof c !== 'number' || !Number.isInteger(c) || c < 0 || c >= numClasses) {
      throw new ValueError(
        `${fn}: invalid \`${field}\`: expected integers in [0, ${numClasses - 1}] (numClasses ${numClasses}), received ${describeValue(c)} at index ${i}.`,
      );
    }
  }
  return tf.tensor1d(Array.from(values), 'int32');
}

/**
 * Checks that labels are given exactly when the VAE is conditional, and
 * returns them checked (int32 `[N]`) or null.
 * @hidden
 */
export function resolveLabels(fn: string, parts: VAEParts, labels: unknown, count: number, field = 'labels', read?: ArrayLike<number>): tf.Tensor1D | null {
  if (parts.numClasses === null) {
    if (labels !== undefined) {
      throw new ValueError(`${fn}: invalid \`${field}\`: the VAE is not conditional (its encoder has one input), so it takes no labels.`);
    }
    return null;
  }
  if (labels === undefined) {
    throw new ValueError(`${fn}: missing \`${field}\`: the VAE is conditional (numClasses ${parts.numClasses}), so every example needs a class index.`);
  }
  return checkLabels(fn, field, labels, parts.numClasses, count, read);
}

/**
 * {@link resolveLabels} for async callers (the training loop): a labels
 * tensor is read with `await data()`, never `dataSync`, so that webgl and
 * webgpu do not stall. Same checks, same errors.
 * @hidden
 */
export async function resolveLabelsAsync(fn: string, parts: VAEParts, labels: unknown, count: number, field = 'labels'): Promise<tf.Tensor1D | null> {
  // Read only a tensor that resolveLabels would read; any other input fails its checks first.
  const readable = parts.numClasses !== null && labels instanceof tf.Tensor && !labels.isDisposed && labels.rank === 1 && labels.shape[0] === count;
  return resolveLabels(fn, parts, labels, count, field, readable ? await labels.data() : undefined);
}

/** One-hot float labels `[B, K]` from int32 class indices `[B]`. @hidden */
export function oneHotLabels(labels: tf.Tensor, numClasses: number): tf.Tensor2D {
  return tf.tidy(() => tf.cast(tf.oneHot(tf.cast(labels, 'int32'), numClasses), 'float32') as tf.Tensor2D); // [B, K]
}

/** Checks `x` has the encoder's example shape; returns it. @hidden */
export function checkExamples(fn: string, field: string, x: unknown, parts: VAEParts): tf.Tensor {
  const t = checkTensor(fn, field, x);
  const { exampleShape } = parts;
  const ok = t.rank === exampleShape.length + 1 && exampleShape.every((d, i) => d === null || d === t.shape[i + 1]);
  if (!ok) {
    throw new ValueError(
      `${fn}: invalid \`${field}\` shape: expected ${formatShape([null, ...exampleShape])} (the encoder's input), received ${formatShape(t.shape)}.`,
    );
  }
  return t;
}

/** The encoder's output `[mean, logVar]`. @hidden */
export function encode(parts: VAEParts, x: tf.Tensor, oneHot: tf.Tensor | null, training: boolean): [tf.Tensor2D, tf.Tensor2D] {
  const out = parts.encoder.apply(oneHot === null ? x : [x, oneHot], { training }) as tf.Tensor[];
  return [out[0] as tf.Tensor2D, out[1] as tf.Tensor2D];
}

/** The decoder's output (logits or means). @hidden */
export function decode(parts: VAEParts, z: tf.Tensor, oneHot: tf.Tensor | null, training: boolean): tf.Tensor {
  return parts.decoder.apply(oneHot === null ? z : [z, oneHot], { training }) as tf.Tensor;
}

/** Negative log-likelihood per example `[B]` of `x` given the decoder output. @hidden */
export function negLogLikelihood(parts: VAEParts, output: tf.Tensor, x: tf.Tensor): tf.Tensor1D {
  return parts.likelihood === 'bernoulli'
    ? bernoulliNegLogLikelihood(output, x)
    : gaussianNegLogLikelihood(output, x, { variance: parts.variance });
}

/**
 * The two terms of the ELBO per example, from one `z ~ q(z|x)`:
 * reconstruction NLL `[B]` and KL `[B]`. Call inside a tidy (or a minimize).
 * @hidden
 */
export function elboTerms(
  parts: VAEParts,
  x: tf.Tensor,
  oneHot: tf.Tensor | null,
  seed: number,
  training: boolean,
): { reconstruction: tf.Tensor1D; kl: tf.Tensor1D } {
  const [mean, logVar] = encode(parts, x, oneHot, training); // [B, Z] each
  const z = reparameterize(mean, logVar, { seed }); // [B, Z]
  const output = decode(parts, z, oneHot, training); // [B, …]
  return { reconstruction: negLogLikelihood(parts, output, x), kl: klDivergence(mean, logVar) };
}
