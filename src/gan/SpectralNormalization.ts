// Spectral normalization: Miyato et al. 2018, "Spectral Normalization for Generative Adversarial
// Networks", https://arxiv.org/abs/1802.05957 — the kernel divided by its largest singular value,
// estimated by one power iteration per training call with a persistent vector u.
//
// Legend: B batch, m kernel rows (inputs, × kernel taps for a convolution), n outputs.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { invalidField, ValueError } from '../_internal/errors.js';
import { checkPositiveInt } from '../_internal/validate.js';
import { splitLayerArgs, type Kwargs, type LayerArgs, type Shape } from '../_internal/layers.js';

/**
 * Arguments of {@link SpectralNormalization}.
 *
 * @category GAN
 */
export interface SpectralNormalizationArgs extends LayerArgs {
  /** The layer to normalize: a `tf.layers.dense` or `tf.layers.conv2d` (not yet applied). */
  layer: tfl.layers.Layer;
  /** Power iterations per training call. Defaults to `1` (the paper's choice). */
  powerIterations?: number;
}

const FN = 'SpectralNormalization';
const OWN_KEYS = ['layer', 'powerIterations'] as const;

interface InnerLayer {
  kernel: tfl.LayerVariable | null;
  bias: tfl.LayerVariable | null;
  activation: { apply(x: tf.Tensor): tf.Tensor; getClassName(): string };
  strides?: number[];
  padding?: 'valid' | 'same' | 'causal';
  dilationRate?: number[];
  dataFormat?: string;
}

const stopGradient = /* @__PURE__ */ tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const x = args[0] as tf.Tensor;
  return { value: tf.clone(x), gradFunc: (dy: tf.Tensor | tf.Tensor[]) => tf.zerosLike(dy as tf.Tensor) };
});

/**
 * Wraps a dense or 2-D convolution layer so that it uses `W / σ(W)`, where
 * σ is the largest singular value of the kernel (viewed as `[m, n]`),
 * estimated by power iteration with a persistent vector `u` (a non-trainable
 * weight, saved and loaded with the model). In training each call runs
 * `powerIterations` steps and updates `u`; at inference `u` is used as it is.
 * Gradients flow through σ (with `u`, `v` held constant), as in the paper.
 *
 * `getWeights()`: the wrapped layer's kernel and bias, then `u` `[1, n]`.
 * Use it with the hinge loss (`trainGAN({ loss: 'hinge' })`).
 *
 * @category GAN
 */
export class SpectralNormalization extends tfl.layers.Layer {
  /** Name under which the class is serialized. */
  static readonly className = 'SpectralNormalization';
  /** The wrapped layer. */
  readonly layer: tfl.layers.Layer;
  /** Power iterations per training call. */
  readonly powerIterations: number;
  private u: tfl.LayerVariable | null = null;

  constructor(args: SpectralNormalizationArgs) {
    const { own, base } = splitLayerArgs(FN, args, OWN_KEYS);
    let layer: unknown = own.layer;
    // From a saved config: { className, config } of the wrapped layer.
    if (layer !== null && typeof layer === 'object' && !(layer instanceof tfl.layers.Layer) && typeof (layer as { className?: unknown }).className === 'string') {
      const { className, config } = layer as { className: string; config: tf.serialization.ConfigDict };
      const entry = tf.serialization.SerializationMap.getMap().classNameMap[className];
      if (entry === undefined) throw new ValueError(`${FN}: cannot rebuild the wrapped layer: unknown class ${className}.`);
      layer = entry[1](entry[0], config);
    }
    const className = layer instanceof tfl.layers.Layer ? layer.getClassName() : null;
    if (className !== 'Dense' && className !== 'Conv2D') {
      throw invalidField(FN, 'layer', 'a tf.layers.dense or tf.layers.conv2d layer', className ?? layer);
    }
    const powerIterations = checkPositiveInt(FN, 'powerIterations', own.powerIterations ?? 1);
    super(base);
    this.layer = layer as tfl.layers.Layer;
    this.powerIterations = powerIterations;
  }

  override build(inputShape: Shape | Shape[]): void {
    this.layer.build(inputShape);
    (this.layer as unknown as { built: boolean }).built = true;
    const kernel = (this.layer as unknown as InnerLayer).kernel!;
    const n = kernel.shape[kernel.shape.length - 1]!;
    this.u = this.addWeight('u', [1, n], 'float32', tfl.initializers.randomNormal({ mean: 0, stddev: 1, seed: 1 }), undefined, false);
    this.built = true;
  }

  /** The wrapped layer's trainable weights (kernel, bias). */
  override get trainableWeights(): tfl.LayerVariable[] {
    return this.trainable ? this.layer.trainableWeights : [];
  }

  /** The power-iteration vector `u` (and the wrapped layer's weights when frozen). */
  override get nonTrainableWeights(): tfl.LayerVariable[] {
    const own = this.u === null ? [] : [this.u];
    return this.trainable ? [...this.layer.nonTrainableWeights, ...own] : [...this.layer.weights, ...own];
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return this.layer.computeOutputShape(inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    const training = (kwargs as { training?: boolean } | undefined)?.training === true;
    const inner = this.layer as unknown as InnerLayer;
    const kernel = inner.kernel!.read();
    if (training) {
      const next = tf.tidy(() => this.powerIteration(kernel).u);
      this.u!.write(next);
      next.dispose();
    }
    return tf.tidy(() => {
      const w = tf.div(kernel, this.sigma(kernel)); // W / σ
      let y: tf.Tensor;
      if (this.layer.getClassName() === 'Dense') {
        const flat = tf.reshape(x, [-1, kernel.shape[0]!]);
        y = tf.reshape(tf.matMul(flat, w), [...x.shape.slice(0, -1), kernel.shape[1]!]);
      } else {
        if (inner.dataFormat === 'channelsFirst') throw new ValueError(`${FN}: channelsFirst convolutions are not supported.`);
        y = tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, inner.strides as [number, number], inner.padding as 'same', 'NHWC', inner.dilationRate as [number, number]);
      }
      if (inner.bias !== null) y = tf.add(y, inner.bias.read());
      return inner.activation.apply(y);
    });
  }

  /** `σ ≈ vᵀ W u` with `u`, `v` from the current estimate (constants for the gradient). @hidden */
  sigma(kernel: tf.Tensor): tf.Scalar {
    const n = kernel.shape[kernel.shape.length - 1]!;
    const w = tf.reshape(kernel, [-1, n]); // [m, n]
    const { u, v } = this.powerIteration(kernel, 0);
    return tf.reshape(tf.matMul(tf.matMul(stopGradient(v), w), stopGradient(u), false, true), []) as tf.Scalar; // vᵀ W u
  }

  /** `iterations` power steps from the stored `u`: `v = Wu/‖Wu‖`, `u = Wᵀv/‖Wᵀv‖`. @hidden */
  powerIteration(kernel: tf.Tensor, iterations = this.powerIterations): { u: tf.Tensor2D; v: tf.Tensor2D } {
    const n = kernel.shape[kernel.shape.length - 1]!;
    const w = tf.reshape(kernel, [-1, n]); // [m, n]
    const normalize = (t: tf.Tensor) => tf.div(t, tf.add(tf.norm(t), 1e-12));
    let u = this.u!.read() as tf.Tensor; // [1, n]
    let v = normalize(tf.matMul(u, w, false, true)); // [1, m]
    for (let i = 0; i < iterations; i++) {
      u = normalize(tf.matMul(v, w)); // [1, n]
      v = normalize(tf.matMul(u, w, false, true)); // [1, m]
    }
    return { u: u as tf.Tensor2D, v: v as tf.Tensor2D };
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      powerIterations: this.powerIterations,
      layer: { className: this.layer.getClassName(), config: this.layer.getConfig() },
    };
  }
}

/**
 * Wraps a dense or conv2d layer with {@link SpectralNormalization}.
 *
 * @param args - The layer and power iterations; see {@link SpectralNormalizationArgs}.
 * @returns The wrapper layer, used like the wrapped one.
 * @throws {@link ValueError} when the layer is not a dense or conv2d layer.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import * as tfl from '@tensorflow/tfjs-layers';
 * import { spectralNormalization } from 'tfjs-generative/gan';
 * const sn = spectralNormalization({ layer: tfl.layers.dense({ units: 8 }) });
 * console.log((sn.apply(tf.ones([2, 4])) as tf.Tensor).shape); // [2, 8]
 * ```
 *
 * @category GAN
 */
// @__NO_SIDE_EFFECTS__
export function spectralNormalization(args: SpectralNormalizationArgs): SpectralNormalization {
  return new SpectralNormalization(args);
}
