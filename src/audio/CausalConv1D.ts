// Causal, dilated 1-D convolution: van den Oord et al. 2016, "WaveNet",
// https://arxiv.org/abs/1609.03499 (§2.1), the layer tfjs-layers cannot give
// (`conv1d` rejects padding 'causal'; dilated conv gradients assert dilation 1).
//
// Legend: B batch, T time, K kernel size, Ci/Co channels.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ValueError } from '../_internal/errors.js';
import { resolveInitializer, type Initializer, type InitializerName, type InitializerSpec } from '../_internal/initializers.js';
import { checkBoolean, checkOptionalSeed, checkPositiveInt, formatShape } from '../_internal/validate.js';
import { checkWeightBudget, type WeightTerm } from '../_internal/budget.js';
import { splitLayerArgs, type Kwargs, type LayerArgs, type Shape } from '../_internal/layers.js';
import { causalConv1dForward } from './_causalConv.js';

/**
 * Arguments of {@link CausalConv1D}.
 *
 * @category Audio
 */
export interface CausalConv1DArgs extends LayerArgs {
  /** Output channels `Co`. */
  filters: number;
  /** Kernel taps `K` (≥ 1). */
  kernelSize: number;
  /** Spacing `d` between taps (≥ 1). Defaults to `1`. */
  dilationRate?: number;
  /** Add a bias. Defaults to `true`. */
  useBias?: boolean;
  /** Kernel initializer. Defaults to `'glorotUniform'` (seeded by `seed`). */
  kernelInitializer?: Initializer | InitializerName;
  /** Bias initializer. Defaults to `'zeros'`. */
  biasInitializer?: Initializer | InitializerName;
  /** Seed of the default kernel initializer. Defaults to unseeded. */
  seed?: number;
}

const FN = 'CausalConv1D';
const OWN_KEYS = ['filters', 'kernelSize', 'dilationRate', 'useBias', 'kernelInitializer', 'biasInitializer', 'seed'] as const;

/**
 * A causal, dilated 1-D convolution: `[B, T, Ci]` → `[B, T, Co]`, where
 * output `t` is `Σ_j x[t - (K-1-j)·d] · W[j] + b`, the input left-padded with
 * `(K-1)·d` zeros. It depends on inputs at times `≤ t` only.
 *
 * Built from a pad, one slice per tap, a concat and one matmul, so it trains
 * with any dilation on every backend (cpu, wasm, webgl, webgpu, tfjs-node).
 * Matches PyTorch's `Conv1d` with left padding `(K-1)·d` (kernel layout
 * `[K, Ci, Co]` here, `[Co, Ci, K]` there). `getWeights()`: kernel
 * `[K, Ci, Co]`, then bias `[Co]`.
 *
 * @category Audio
 */
export class CausalConv1D extends tfl.layers.Layer {
  /** Name under which the class is serialized. */
  static readonly className = 'CausalConv1D';
  /** Output channels. */
  readonly filters: number;
  /** Kernel taps. */
  readonly kernelSize: number;
  /** Dilation. */
  readonly dilationRate: number;
  /** Whether a bias is added. */
  readonly useBias: boolean;
  /** Seed given at construction, if any. */
  readonly seed: number | undefined;
  private readonly kernelInitializer: InitializerSpec;
  private readonly biasInitializer: InitializerSpec;
  private kernel: tfl.LayerVariable | null = null;
  private bias: tfl.LayerVariable | null = null;

  constructor(args: CausalConv1DArgs) {
    const { own, base } = splitLayerArgs(FN, args, OWN_KEYS);
    const filters = checkPositiveInt(FN, 'filters', own.filters);
    const kernelSize = checkPositiveInt(FN, 'kernelSize', own.kernelSize);
    const dilationRate = checkPositiveInt(FN, 'dilationRate', own.dilationRate ?? 1);
    const useBias = checkBoolean(FN, 'useBias', own.useBias ?? true);
    const seed = checkOptionalSeed(FN, 'seed', own.seed);
    const kernelInitializer = resolveInitializer(FN, 'kernelInitializer', own.kernelInitializer, 'glorotUniform', seed);
    const biasInitializer = resolveInitializer(FN, 'biasInitializer', own.biasInitializer, 'zeros');
    checkWeightBudget(FN, causalConvTerms(kernelSize, 1, filters, useBias));
    super(base);
    this.filters = filters;
    this.kernelSize = kernelSize;
    this.dilationRate = dilationRate;
    this.useBias = useBias;
    this.seed = seed;
    this.kernelInitializer = kernelInitializer;
    this.biasInitializer = biasInitializer;
  }

  override build(inputShape: Shape | Shape[]): void {
    const s = inputShape as Shape;
    const ci = s[s.length - 1];
    if (s.length !== 3 || ci == null) {
      throw new ValueError(`${FN} '${this.name}': invalid input shape: expected [B, T, C] with a known C, received ${formatShape(s)}.`);
    }
    checkWeightBudget(`${FN} '${this.name}'`, causalConvTerms(this.kernelSize, ci, this.filters, this.useBias));
    this.kernel = this.addWeight('kernel', [this.kernelSize, ci, this.filters], 'float32', this.kernelInitializer.make(0));
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], 'float32', this.biasInitializer.make(1));
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const s = inputShape as Shape;
    return [s[0] ?? null, s[1] ?? null, this.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    if (x.rank !== 3) throw new ValueError(`${FN} '${this.name}': expected input [B, T, C], received shape ${formatShape(x.shape)}.`);
    return tf.tidy(() => causalConv1dForward(x, this.kernel!.read(), this.bias?.read() ?? null, this.dilationRate));
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = {
      filters: this.filters,
      kernelSize: this.kernelSize,
      dilationRate: this.dilationRate,
      useBias: this.useBias,
      kernelInitializer: this.kernelInitializer.config as tf.serialization.ConfigDictValue,
      biasInitializer: this.biasInitializer.config as tf.serialization.ConfigDictValue,
    };
    if (this.seed !== undefined) config['seed'] = this.seed;
    return { ...super.getConfig(), ...config };
  }
}

/**
 * Creates a {@link CausalConv1D} layer.
 *
 * @param args - Filters, kernel size, dilation; see {@link CausalConv1DArgs}.
 * @returns The layer; `[B, T, Ci]` → `[B, T, filters]`.
 * @throws {@link ValueError} for a kernel size below 1 or a dilation that is not a positive integer.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { causalConv1d } from 'tfjs-generative/audio';
 * const conv = causalConv1d({ filters: 8, kernelSize: 2, dilationRate: 4, seed: 1 });
 * const y = conv.apply(tf.randomNormal([2, 100, 3])) as tf.Tensor;
 * console.log(y.shape); // [2, 100, 8]
 * ```
 *
 * @category Audio
 */
// @__NO_SIDE_EFFECTS__
export function causalConv1d(args: CausalConv1DArgs): CausalConv1D {
  return new CausalConv1D(args);
}

/** The kernel `[K, Ci, F]` and bias `[F]`, for the size budget. */
function causalConvTerms(kernelSize: number, inputs: number, filters: number, useBias: boolean): WeightTerm[] {
  const fields = ['kernelSize', 'filters', 'input channels'];
  return useBias ? [{ fields, shape: [kernelSize, inputs, filters] }, { fields, shape: [filters] }] : [{ fields, shape: [kernelSize, inputs, filters] }];
}
