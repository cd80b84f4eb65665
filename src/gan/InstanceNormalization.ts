// Instance normalization: Ulyanov, Vedaldi & Lempitsky 2016, "Instance Normalization: The Missing
// Ingredient for Fast Stylization", https://arxiv.org/abs/1607.08022 — the normalization of the
// CycleGAN generators and discriminators (Zhu et al. 2017). Same computation as PyTorch's
// `nn.InstanceNorm2d(C, affine=…, track_running_stats=False)`, in NHWC.
//
// Legend: B batch, H×W spatial size, C channels.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ValueError } from '../_internal/errors.js';
import { checkBoolean, checkPositiveNumber, formatShape } from '../_internal/validate.js';
import { checkWeightBudget } from '../_internal/budget.js';
import { splitLayerArgs, type Kwargs, type LayerArgs, type Shape } from '../_internal/layers.js';

/**
 * Arguments of {@link InstanceNormalization}.
 *
 * @category GAN
 */
export interface InstanceNormalizationArgs extends LayerArgs {
  /** Added to the variance before the square root. Defaults to `1e-5` (PyTorch's). */
  epsilon?: number;
  /**
   * Learn a per-channel scale γ `[C]` (initialized to ones) and offset β `[C]`
   * (zeros) applied after normalizing, as PyTorch's `affine=True`. Defaults to `true`.
   */
  affine?: boolean;
}

const FN = 'InstanceNormalization';
const OWN_KEYS = ['epsilon', 'affine'] as const;

/**
 * Instance normalization (Ulyanov et al. 2016) of images `[B, H, W, C]`:
 * each example's each channel is normalized over its `H × W` pixels,
 * `y = (x - μ) / √(σ² + ε) · γ + β`, with the biased variance. Unlike batch
 * norm there are no running statistics: training and inference compute the
 * same thing, and a batch of one works.
 *
 * The computation of PyTorch's `nn.InstanceNorm2d(C, eps=1e-5, affine=True)`
 * (`affine: false` drops γ and β), checked against it (values, and gradients
 * to the input, γ and β) on cpu and wasm. The gradient is written out rather
 * than left to autograd, with the statistics tiled instead of broadcast: on
 * wasm (with `registerWasmKernels()`) that shortens the layer's training step,
 * and a CycleGAN generator's, several-fold. `getWeights()`:
 * `[gamma [C], beta [C]]` when affine, else none.
 *
 * @category GAN
 */
export class InstanceNormalization extends tfl.layers.Layer {
  /** Name under which the class is serialized. */
  static readonly className = 'InstanceNormalization';
  /** Epsilon added to the variance. */
  readonly epsilon: number;
  /** Whether the layer has a learned scale and offset. */
  readonly affine: boolean;
  private gamma: tfl.LayerVariable | null = null;
  private beta: tfl.LayerVariable | null = null;

  constructor(args: InstanceNormalizationArgs = {}) {
    const { own, base } = splitLayerArgs(FN, args, OWN_KEYS);
    const epsilon = checkPositiveNumber(FN, 'epsilon', own.epsilon ?? 1e-5);
    const affine = checkBoolean(FN, 'affine', own.affine ?? true);
    super(base);
    this.epsilon = epsilon;
    this.affine = affine;
  }

  override build(inputShape: Shape | Shape[]): void {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const c = s[s.length - 1];
    if (s.length !== 4 || c == null) {
      throw new ValueError(
        `${FN} '${this.name}': expected images [B, H, W, C] with a known channel count, received shape ${formatShape(s)}.`,
      );
    }
    if (this.affine) {
      checkWeightBudget(`${FN} '${this.name}'`, [{ fields: ['input channels C'], shape: [c] }, { fields: ['input channels C'], shape: [c] }]);
      this.gamma = this.addWeight('gamma', [c], 'float32', tfl.initializers.ones());
      this.beta = this.addWeight('beta', [c], 'float32', tfl.initializers.zeros());
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    if (x.rank !== 4) throw new ValueError(`${FN} '${this.name}': expected images [B, H, W, C], received shape ${formatShape(x.shape)}.`);
    return tf.tidy(() => instanceNorm(x, this.affine ? this.gamma!.read() : null, this.affine ? this.beta!.read() : null, this.epsilon));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), epsilon: this.epsilon, affine: this.affine };
  }
}

/**
 * `y = x̂ · γ + β`, `x̂ = (x − μ) / √(σ² + ε)`, statistics over H, W, with its gradient written
 * out (the batch-norm backward formula, per example and channel, n = H·W):
 * `∂L/∂x = γ·rstd · (dy − mean(dy) − x̂ · mean(dy ⊙ x̂))`, `∂L/∂γ = Σ dy ⊙ x̂`, `∂L/∂β = Σ dy`.
 * Per-example statistics `[B, 1, 1, C]` are tiled to `[B, H, W, C]` and combined
 * with same-shape ops: on the wasm backend a broadcasting multiply or subtract
 * runs a generic index loop, several times slower than tile plus a same-shape op,
 * and autograd would add a reduction per broadcast.
 */
function instanceNorm(x: tf.Tensor, gamma: tf.Tensor | null, beta: tf.Tensor | null, epsilon: number): tf.Tensor {
  const [b, h, w, c] = x.shape as [number, number, number, number];
  const reps = [1, h, w, 1];
  const perExample = (t: tf.Tensor) => tf.tile(t, reps); // [B, 1, 1, C] → [B, H, W, C]
  const perChannel = (t: tf.Tensor) => tf.tile(tf.reshape(t, [1, 1, 1, c]), [b, h, w, 1]); // [C] → [B, H, W, C]
  const standardize = (input: tf.Tensor) => {
    const mean = tf.mean(input, [1, 2], true); // [B, 1, 1, C]
    const centered = tf.sub(input, perExample(mean)); // [B, H, W, C]
    const variance = tf.mean(tf.square(centered), [1, 2], true); // [B, 1, 1, C], biased as PyTorch's
    const rstd = tf.rsqrt(tf.add(variance, epsilon)); // [B, 1, 1, C]
    return { xhat: tf.mul(centered, perExample(rstd)), rstd };
  };
  // ∂L/∂x from g = ∂L/∂x̂: rstd · (g − mean(g) − x̂ · mean(g ⊙ x̂)).
  const inputGrad = (g: tf.Tensor, xhat: tf.Tensor, rstd: tf.Tensor) => {
    const meanG = tf.mean(g, [1, 2], true); // [B, 1, 1, C]
    const meanGXhat = tf.mean(tf.mul(g, xhat), [1, 2], true); // [B, 1, 1, C]
    return tf.mul(tf.sub(tf.sub(g, perExample(meanG)), tf.mul(xhat, perExample(meanGXhat))), perExample(rstd));
  };
  if (gamma === null || beta === null) {
    return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const { xhat, rstd } = standardize(args[0] as tf.Tensor);
      (args[1] as tf.GradSaveFunc)([xhat, rstd]);
      return { value: xhat, gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => inputGrad(dy as tf.Tensor, saved[0]!, saved[1]!) };
    })(x);
  }
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, g, o] = args as [tf.Tensor, tf.Tensor, tf.Tensor];
    const { xhat, rstd } = standardize(input);
    (args[3] as tf.GradSaveFunc)([xhat, rstd, g]);
    return {
      value: tf.add(tf.mul(xhat, perChannel(g)), perChannel(o)), // [B, H, W, C]
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const d = dy as tf.Tensor; // [B, H, W, C]
        const [xhat, rstd, g] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
        return [
          inputGrad(tf.mul(d, perChannel(g)), xhat, rstd), // ∂L/∂x̂ = dy · γ
          tf.sum(tf.mul(d, xhat), [0, 1, 2]), // ∂L/∂γ [C]
          tf.sum(d, [0, 1, 2]), // ∂L/∂β [C]
        ];
      },
    };
  })(x, gamma, beta);
}

/**
 * Creates an {@link InstanceNormalization} layer.
 *
 * @param args - Epsilon, `affine` and the usual layer arguments; see {@link InstanceNormalizationArgs}.
 * @returns The layer; output shape = input shape `[B, H, W, C]`.
 * @throws {@link ValueError} for an unknown field, a non-positive epsilon or a non-boolean `affine`.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { instanceNormalization } from 'tfjs-generative/gan';
 * const y = instanceNormalization().apply(tf.randomNormal([2, 8, 8, 3])) as tf.Tensor;
 * console.log(y.shape); // [2, 8, 8, 3]
 * ```
 *
 * @category GAN
 */
// @__NO_SIDE_EFFECTS__
export function instanceNormalization(args: InstanceNormalizationArgs = {}): InstanceNormalization {
  return new InstanceNormalization(args);
}
