/**
 * Zero gradients for the comparison kernels, which TensorFlow.js 4.22 leaves
 * unregistered (all but GreaterEqual). Their true gradient is zero; without
 * one, a gradient of a gradient through `leakyRelu`, `relu6` or `where`
 * (whose backward passes compare) fails with "gradient function not found
 * for Greater" (tfjs#3252). Registered on first need, only where missing.
 */
import * as tf from '@tensorflow/tfjs-core';

const KERNELS = ['Greater', 'GreaterEqual', 'Less', 'LessEqual', 'Equal', 'NotEqual'] as const;
let done = false;

/** @hidden */
export function ensureComparisonGradients(): void {
  if (done) return;
  for (const kernelName of KERNELS) {
    if (tf.getGradient(kernelName) !== undefined) continue;
    tf.registerGradient({
      kernelName,
      inputsToSave: ['a', 'b'],
      gradFunc: (_dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => ({ a: () => tf.zerosLike(saved[0]!), b: () => tf.zerosLike(saved[1]!) }),
    });
  }
  done = true;
}
