/**
 * Latent helpers shared by GAN training and sampling. Legend: B batch, Z latent size.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ValueError } from './errors.js';
import { formatShape } from './validate.js';

/**
 * Names of the label-embedding layers of a conditional {@link buildDCGAN} pair;
 * {@link classCountOf} reads the generator's to know the number of classes.
 * @hidden
 */
export const LABEL_EMBEDDING = { generator: 'g_label_embedding', discriminator: 'd_label_embedding' } as const;

/**
 * The latent size `Z` of a generator whose input is `[null, Z]` (and, for a
 * conditional generator, labels `[null, 1]`).
 * @hidden
 */
export function latentDimOf(fn: string, generator: tfl.LayersModel): number {
  const shape = generator.inputs[0]?.shape;
  const labels = generator.inputs[1]?.shape;
  const labelsOk = generator.inputs.length === 1 || (generator.inputs.length === 2 && labels?.length === 2 && labels[1] === 1);
  if (!labelsOk || shape === undefined || shape.length !== 2 || shape[1] === null) {
    throw new ValueError(
      `${fn}: invalid \`generator\`: expected an input of shape [null, Z] (and labels [null, 1]), received ${generator.inputs.map((i) => formatShape(i.shape)).join(', ')}.`,
    );
  }
  return shape[1]!;
}

/**
 * The number of classes of a conditional generator (from its label
 * embedding, as buildDCGAN names it), or `null` for an unconditional one.
 * @hidden
 */
export function classCountOf(fn: string, generator: tfl.LayersModel): number | null {
  if (generator.inputs.length === 1) return null;
  const layer = generator.layers.find((l) => l.name === LABEL_EMBEDDING.generator);
  const count = (layer?.getConfig() as { vocabSize?: unknown } | undefined)?.vocabSize;
  if (typeof count !== 'number') {
    throw new ValueError(`${fn}: a conditional generator needs a label embedding layer named '${LABEL_EMBEDDING.generator}' (as buildDCGAN's) to know its number of classes.`);
  }
  return count;
}

/** Uniform random class ids `[B, 1]` in `[0, classes)`. @hidden */
export function randomLabels(count: number, classes: number, seed?: number): tf.Tensor2D {
  return tf.randomUniform([count, 1], 0, classes, 'int32', seed) as tf.Tensor2D;
}

/** Standard normal latents `[B, Z]`. @hidden */
export function randomLatents(count: number, dim: number, seed?: number): tf.Tensor2D {
  return tf.randomNormal([count, dim], 0, 1, 'float32', seed); // [B, Z]
}
