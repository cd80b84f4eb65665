import type * as tf from '@tensorflow/tfjs-core';

/**
 * A discriminator (critic) loss: a pure function of the logits the
 * discriminator gave real and generated examples, returning a scalar mean.
 *
 * @category Losses
 */
export type DiscriminatorLossFn = (realLogits: tf.Tensor, fakeLogits: tf.Tensor) => tf.Scalar;

/**
 * A generator loss: a pure function of the logits the discriminator gave
 * generated examples, returning a scalar mean.
 *
 * @category Losses
 */
export type GeneratorLossFn = (fakeLogits: tf.Tensor) => tf.Scalar;
