/**
 * Latent helpers shared by GAN training and sampling. Legend: B batch, Z latent size.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ValueError } from './errors.js';
import { formatShape } from './validate.js';

/**
 * The latent size `Z` of a generator whose single input is `[null, Z]`.
 * @hidden
 */
export function latentDimOf(fn: string, generator: tfl.LayersModel): number {
  const shape = generator.inputs[0]?.shape;
  if (generator.inputs.length !== 1 || shape === undefined || shape.length !== 2 || shape[1] === null) {
    throw new ValueError(
      `${fn}: invalid \`generator\`: expected one input of shape [null, Z], received ${generator.inputs.map((i) => formatShape(i.shape)).join(', ')}.`,
    );
  }
  return shape[1]!;
}

/** Standard normal latents `[B, Z]`. @hidden */
export function randomLatents(count: number, dim: number, seed?: number): tf.Tensor2D {
  return tf.randomNormal([count, dim], 0, 1, 'float32', seed); // [B, Z]
}
