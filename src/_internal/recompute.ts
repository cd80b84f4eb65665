/**
 * Gradient checkpointing (Chen et al. 2016, https://arxiv.org/abs/1604.06174):
 * an op whose forward pass keeps only its output, and whose backward pass runs
 * `fn` again under `tf.grads`.
 *
 * TensorFlow.js 4.22 has no public way to take gradients inside a gradient
 * function: a nested `tf.grads` replaces the engine's tape while the outer
 * backward pass still needs it (and sets it to null when done). The backward
 * pass here parks the outer tape, runs its own, and puts the outer one back.
 */
import * as tf from '@tensorflow/tfjs-core';

interface EngineState {
  activeTape: unknown;
  gradientDepth: number;
}

/** `fn` as one op of `inputs` that recomputes its activations for the gradient. @hidden */
export function recomputed(fn: (...inputs: tf.Tensor[]) => tf.Tensor): (...inputs: tf.Tensor[]) => tf.Tensor {
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const inputs = args.slice(0, -1) as tf.Tensor[];
    const save = args[args.length - 1] as tf.GradSaveFunc;
    save(inputs); // the backward pass outlives the tensors the forward pass was given
    return {
      value: tf.tidy(() => fn(...inputs)),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const state = (tf.engine() as unknown as { state: EngineState }).state;
        const outerTape = state.activeTape;
        const outerDepth = state.gradientDepth;
        state.activeTape = null;
        state.gradientDepth = 0;
        try {
          return tf.grads((...t: tf.Tensor[]) => fn(...t))(saved, dy as tf.Tensor);
        } finally {
          state.activeTape = outerTape;
          state.gradientDepth = outerDepth;
        }
      },
    };
  }) as (...inputs: tf.Tensor[]) => tf.Tensor;
}
