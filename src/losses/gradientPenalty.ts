// The WGAN-GP gradient penalty: Gulrajani et al. 2017, "Improved Training of Wasserstein GANs",
// https://arxiv.org/abs/1704.00028 (Algorithm 1): λ E[(‖∇_x̂ D(x̂)‖₂ - 1)²], x̂ = εx + (1-ε)x̃.
//
// Legend: B batch, … the example shape.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ensureComparisonGradients } from '../_internal/comparisonGradients.js';
import { ValueError } from '../_internal/errors.js';
import { checkFiniteNumber, checkLayersModel, checkOptionalSeed, checkTensor, formatShape } from '../_internal/validate.js';

/**
 * Options of {@link gradientPenalty}.
 *
 * @category GAN
 */
export interface GradientPenaltyOptions {
  /** λ, the weight of the penalty. Defaults to `10`. */
  weight?: number;
  /** Seed of the interpolation weights ε ~ U(0, 1). Defaults to unseeded. */
  seed?: number;
  /** Fixed interpolation weights ε `[B, 1]` (for tests and reproductions); replaces the random draw. */
  epsilon?: tf.Tensor;
  /**
   * The class of each pair `[B, 1]` (or `[B]`), for a conditional critic that takes
   * `[examples, labels]` (`buildDCGAN({ numClasses })`): the penalty is then
   * the gradient of `D(x̂, y)` with respect to `x̂` only, `real` and `fake`
   * sharing the class `y` row by row. Defaults to none (the critic takes examples only).
   */
  labels?: tf.Tensor;
}

const FN = 'gradientPenalty';

/**
 * `λ · mean_b (‖∇_x̂ D(x̂_b)‖₂ - 1)²` on random interpolates
 * `x̂ = ε·real + (1 - ε)·fake`, one ε ~ U(0, 1) per example. Add it to the
 * critic's Wasserstein loss; minimising it differentiates a gradient (double
 * backpropagation), which TensorFlow.js supports for the ops of this
 * library's critics once the comparison kernels have (zero) gradients: this
 * function registers those, where missing, on first use.
 *
 * Checked against PyTorch's double backward (value and gradient to the
 * critic's weights, 1e-4) for a dense critic and a strided convolutional
 * critic, both with LeakyReLU, on cpu and wasm (wasm with
 * `registerWasmKernels()`). Batch norm mixes the examples of a batch, which
 * the penalty assumes independent: use a critic without it, as the paper does.
 * A critic with several outputs (an AC-GAN head) is penalised on its first
 * (the adversarial score).
 *
 * @param critic - The critic, examples `[B, …]` → scores `[B, 1]` (or any shape; they are summed per example).
 * @param real - Real examples `[B, …]`.
 * @param fake - Generated examples, same shape.
 * @param options - λ, seed, fixed ε; see {@link GradientPenaltyOptions}.
 * @returns The scalar penalty.
 * @throws {@link ValueError} when shapes differ, or `epsilon` or `labels` is not `[B, 1]`.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import * as tfl from '@tensorflow/tfjs-layers';
 * import { gradientPenalty } from 'tfjs-generative/gan';
 * const critic = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [4], units: 8, activation: 'tanh' }), tfl.layers.dense({ units: 1 })] });
 * const penalty = gradientPenalty(critic, tf.ones([3, 4]), tf.zeros([3, 4]), { seed: 1 });
 * console.log(penalty.shape); // []
 * ```
 *
 * @category GAN
 */
export function gradientPenalty(critic: tfl.LayersModel, real: tf.Tensor, fake: tf.Tensor, options: GradientPenaltyOptions = {}): tf.Scalar {
  checkLayersModel(FN, 'critic', critic);
  checkTensor(FN, 'real', real);
  checkTensor(FN, 'fake', fake);
  if (real.rank < 1 || formatShape(real.shape) !== formatShape(fake.shape)) {
    throw new ValueError(`${FN}: real and fake must have the same shape [B, …]: received ${formatShape(real.shape)} and ${formatShape(fake.shape)}.`);
  }
  const weight = checkFiniteNumber(FN, 'weight', options.weight ?? 10);
  const seed = checkOptionalSeed(FN, 'seed', options.seed);
  const b = real.shape[0]!;
  if (options.epsilon !== undefined) {
    checkTensor(FN, 'epsilon', options.epsilon);
    if (formatShape(options.epsilon.shape) !== formatShape([b, 1])) {
      throw new ValueError(`${FN}: invalid \`epsilon\` shape: expected [${b}, 1], received ${formatShape(options.epsilon.shape)}.`);
    }
  }
  const labels = options.labels;
  if (labels !== undefined) {
    checkTensor(FN, 'labels', labels);
    if (labels.size !== b || labels.rank > 2 || (labels.rank === 2 && labels.shape[1] !== 1)) {
      throw new ValueError(`${FN}: invalid \`labels\` shape: expected [${b}, 1] or [${b}], received ${formatShape(labels.shape)}.`);
    }
  }
  ensureComparisonGradients();
  return tf.tidy(() => {
    const broadcast = [b, ...real.shape.slice(1).map(() => 1)]; // [B, 1, …]
    const eps = tf.reshape(options.epsilon ?? tf.randomUniform([b, 1], 0, 1, 'float32', seed), broadcast);
    const mixed = tf.add(tf.mul(eps, real), tf.mul(tf.sub(1, eps), fake)); // x̂ [B, …]
    const y = labels === undefined ? null : tf.reshape(labels, [b, 1]);
    const score = (x: tf.Tensor): tf.Tensor => {
      const out = critic.apply(y === null ? x : [x, y], { training: true }) as tf.Tensor | tf.Tensor[];
      return Array.isArray(out) ? out[0]! : out;
    };
    const grad = tf.grad((x: tf.Tensor) => tf.sum(score(x)))(mixed); // ∇_x̂ Σ_b D(x̂_b): row b is ∇ D(x̂_b)
    const norms = tf.sqrt(tf.add(tf.sum(tf.square(tf.reshape(grad, [b, -1])), 1), 1e-12)); // [B]
    return tf.mul(weight, tf.mean(tf.square(tf.sub(norms, 1)))) as tf.Scalar;
  });
}
