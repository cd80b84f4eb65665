/**
 * The history of generated images the discriminators of CycleGAN train on:
 * Shrivastava et al. 2017, "Learning from Simulated and Unsupervised Images
 * through Adversarial Training", https://arxiv.org/abs/1612.07828 §2.3, as
 * Zhu et al. 2017 (CycleGAN, §4) use it; port of the authors' `ImagePool`
 * (junyanz/pytorch-CycleGAN-and-pix2pix, util/image_pool.py).
 *
 * Legend: B batch, […] one image.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { SeedSource } from '../_internal/random.js';

/** @hidden */
export interface ImagePool {
  /**
   * Returns a batch of the same shape as `images` `[B, …]`: while the pool is
   * not full each image is stored and returned; then, per image, with
   * probability ½ a random stored image is returned and replaced by the new
   * one, otherwise the new image is returned. The result is a new tensor
   * (the caller disposes it); `images` stays the caller's.
   */
  query(images: tf.Tensor): tf.Tensor;
  /** Number of stored images. */
  readonly size: number;
  /** Frees the stored images. */
  dispose(): void;
}

/**
 * A pool of at most `capacity` images (0: a pass-through that returns a copy).
 * @hidden
 */
export function imagePool(capacity: number, rng: SeedSource): ImagePool {
  const stored: tf.Tensor[] = []; // each […], kept outside any tidy
  return {
    query(images: tf.Tensor): tf.Tensor {
      if (capacity === 0) return tf.clone(images);
      const incoming = tf.unstack(images); // B × […]
      const out: tf.Tensor[] = [];
      const disposeLater: tf.Tensor[] = [];
      for (const image of incoming) {
        if (stored.length < capacity) {
          stored.push(tf.keep(image));
          out.push(image);
        } else if (rng.next() < 0.5) {
          const j = Math.floor(rng.next() * capacity);
          out.push(stored[j]!);
          disposeLater.push(stored[j]!); // returned once more, then freed
          stored[j] = tf.keep(image);
        } else {
          out.push(image);
          disposeLater.push(image);
        }
      }
      const batch = tf.stack(out); // [B, …]
      tf.dispose(disposeLater);
      return batch;
    },
    get size() {
      return stored.length;
    },
    dispose() {
      tf.dispose(stored);
      stored.length = 0;
    },
  };
}
