// Modulated convolution with weight demodulation: Karras et al. 2020, "Analyzing and Improving
// the Image Quality of StyleGAN" (StyleGAN2), https://arxiv.org/abs/1912.04958, §2.2, eqs. 1–3.
// Official code: NVlabs/stylegan2-ada-pytorch `modulated_conv2d` (its `fused_modconv=False` path
// is the form used here).
//
// Legend: B batch, H×W pixels, K kernel size, Ci/Co input/output channels, W style size.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ValueError } from '../_internal/errors.js';
import { resolveInitializer, type Initializer, type InitializerName, type InitializerSpec, streamSeed } from '../_internal/initializers.js';
import { checkBoolean, checkOptionalSeed, checkPositiveInt, formatShape } from '../_internal/validate.js';
import { checkWeightBudget, type WeightTerm } from '../_internal/budget.js';
import { splitLayerArgs, type Kwargs, type LayerArgs, type Shape } from '../_internal/layers.js';
import { modulatedConv2dForward } from './_modulatedConv2dForward.js';

/**
 * Arguments of {@link ModulatedConv2D}.
 *
 * @category GAN
 */
export interface ModulatedConv2DArgs extends LayerArgs {
  /** Output channels `Co`. */
  filters: number;
  /** Side `K` of the square kernel; the convolution has stride 1 and `'same'` padding. Defaults to `3`. */
  kernelSize?: number;
  /** Divide each output channel by the norm of its modulated weights (eq. 3). Defaults to `true` (`false` for a toRGB layer). */
  demodulate?: boolean;
  /** Add a bias `[Co]` after the (de)modulated convolution. Defaults to `true`. */
  useBias?: boolean;
  /** Kernel `[K, K, Ci, Co]` initializer. Defaults to `'leCunNormal'` (seeded by `seed`). */
  kernelInitializer?: Initializer | InitializerName;
  /** Initializer of the style affine's kernel `[W, Ci]`. Defaults to `'leCunNormal'` (seeded by `seed`). */
  styleInitializer?: Initializer | InitializerName;
  /** Seed of the default initializers. Defaults to unseeded. */
  seed?: number;
}

const FN = 'ModulatedConv2D';
const OWN_KEYS = ['filters', 'kernelSize', 'demodulate', 'useBias', 'kernelInitializer', 'styleInitializer', 'seed'] as const;

/** ε of eq. 3, as in the paper's code. */

/**
 * A StyleGAN2 modulated convolution: `[x, w]` → `y`, with features
 * `x` `[B, H, W, Ci]` and a style vector `w` `[B, W]`.
 *
 * A learned affine map gives one scale per input channel, `s = w·A + b_A`
 * `[B, Ci]` (`b_A` initialised to 1, so a fresh layer starts as a plain
 * convolution). Eq. 1 scales the weights per example, `w'[k,i,o] = s[i]·w[k,i,o]`;
 * eq. 3 demodulates them, `w''[k,i,o] = w'[k,i,o] · d[o]` with
 * `d[o] = 1/√(Σ_{k,i} w'[k,i,o]² + 1e-8)`, so that unit-variance input gives
 * unit-variance output. Instead of a grouped convolution with one kernel per
 * example, this computes the equivalent form: scale the input channels by `s`,
 * run one shared convolution, multiply each output channel by `d[b, o]`
 * (both are linear in the kernel, so the results are equal). Then a bias.
 *
 * Checked against PyTorch's grouped-convolution form (values and gradients to
 * the input, the style and the weights). `getWeights()`: kernel
 * `[K, K, Ci, Co]`, style kernel `[W, Ci]`, style bias `[Ci]`, then bias `[Co]`.
 *
 * @category GAN
 */
export class ModulatedConv2D extends tfl.layers.Layer {
  /** Name under which the class is serialized. */
  static readonly className = 'ModulatedConv2D';
  /** Output channels. */
  readonly filters: number;
  /** Kernel side. */
  readonly kernelSize: number;
  /** Whether the output is demodulated. */
  readonly demodulate: boolean;
  /** Whether a bias is added. */
  readonly useBias: boolean;
  /** Seed given at construction, if any. */
  readonly seed: number | undefined;
  private readonly kernelInitializer: InitializerSpec;
  private readonly styleInitializer: InitializerSpec;
  private kernel: tfl.LayerVariable | null = null;
  private styleKernel: tfl.LayerVariable | null = null;
  private styleBias: tfl.LayerVariable | null = null;
  private bias: tfl.LayerVariable | null = null;

  constructor(args: ModulatedConv2DArgs) {
    const { own, base } = splitLayerArgs(FN, args, OWN_KEYS);
    const filters = checkPositiveInt(FN, 'filters', own.filters);
    const kernelSize = checkPositiveInt(FN, 'kernelSize', own.kernelSize ?? 3);
    const demodulate = checkBoolean(FN, 'demodulate', own.demodulate ?? true);
    const useBias = checkBoolean(FN, 'useBias', own.useBias ?? true);
    const seed = checkOptionalSeed(FN, 'seed', own.seed);
    const kernelInitializer = resolveInitializer(FN, 'kernelInitializer', own.kernelInitializer, 'leCunNormal', seed);
    const styleInitializer = resolveInitializer(FN, 'styleInitializer', own.styleInitializer, 'leCunNormal', streamSeed(seed, 'style'));
    checkWeightBudget(FN, modulatedConvWeightTerms({ kernelSize, inputChannels: 1, filters, styleDim: 1, useBias }));
    super(base);
    this.filters = filters;
    this.kernelSize = kernelSize;
    this.demodulate = demodulate;
    this.useBias = useBias;
    this.seed = seed;
    this.kernelInitializer = kernelInitializer;
    this.styleInitializer = styleInitializer;
  }

  override build(inputShape: Shape | Shape[]): void {
    const [xShape, wShape] = this.checkShapes(inputShape);
    const ci = xShape[3]!;
    const styleDim = wShape[1]!;
    checkWeightBudget(`${FN} '${this.name}'`, modulatedConvWeightTerms({ kernelSize: this.kernelSize, inputChannels: ci, filters: this.filters, styleDim, useBias: this.useBias }));
    this.kernel = this.addWeight('kernel', [this.kernelSize, this.kernelSize, ci, this.filters], 'float32', this.kernelInitializer.make(0));
    this.styleKernel = this.addWeight('style_kernel', [styleDim, ci], 'float32', this.styleInitializer.make(0));
    this.styleBias = this.addWeight('style_bias', [ci], 'float32', tfl.initializers.ones());
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], 'float32', tfl.initializers.zeros());
    this.built = true;
  }

  private checkShapes(inputShape: Shape | Shape[]): [Shape, Shape] {
    const shapes = inputShape as Shape[];
    const ok =
      Array.isArray(shapes) &&
      shapes.length === 2 &&
      Array.isArray(shapes[0]) &&
      Array.isArray(shapes[1]) &&
      shapes[0].length === 4 &&
      shapes[0][3] != null &&
      shapes[1].length === 2 &&
      shapes[1][1] != null;
    if (!ok) {
      const got = Array.isArray(shapes) && shapes.every(Array.isArray) ? shapes.map((s) => formatShape(s)).join(' and ') : formatShape(inputShape as Shape);
      throw new ValueError(`${FN} '${this.name}': invalid inputs: expected [x, w] with x [B, H, W, Ci] and w [B, W] (known Ci and W), received ${got}.`);
    }
    return [shapes[0]!, shapes[1]!];
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const [x] = this.checkShapes(inputShape);
    return [x[0] ?? null, x[1] ?? null, x[2] ?? null, this.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    if (!Array.isArray(inputs) || inputs.length !== 2) {
      throw new ValueError(`${FN} '${this.name}': expected two inputs [x, w], received ${Array.isArray(inputs) ? inputs.length : 1}.`);
    }
    const [x, w] = inputs as [tf.Tensor, tf.Tensor];
    if (x.rank !== 4 || w.rank !== 2 || x.shape[0] !== w.shape[0]) {
      throw new ValueError(`${FN} '${this.name}': expected x [B, H, W, Ci] and w [B, W] with the same B, received ${formatShape(x.shape)} and ${formatShape(w.shape)}.`);
    }
    return tf.tidy(() =>
      modulatedConv2dForward(
        x as tf.Tensor4D,
        w as tf.Tensor2D,
        this.kernel!.read() as tf.Tensor4D,
        this.styleKernel!.read() as tf.Tensor2D,
        this.styleBias!.read() as tf.Tensor1D,
        this.bias?.read() as tf.Tensor1D | undefined,
        this.demodulate,
      ),
    );
  }

  /** The styles `s = w·A + b_A` `[B, Ci]` of a batch of style vectors `w` `[B, W]`. @hidden */
  styles(w: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.add(tf.matMul(w, this.styleKernel!.read() as tf.Tensor2D), this.styleBias!.read()) as tf.Tensor2D);
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = {
      filters: this.filters,
      kernelSize: this.kernelSize,
      demodulate: this.demodulate,
      useBias: this.useBias,
      kernelInitializer: this.kernelInitializer.config as tf.serialization.ConfigDictValue,
      styleInitializer: this.styleInitializer.config as tf.serialization.ConfigDictValue,
    };
    if (this.seed !== undefined) config['seed'] = this.seed;
    return { ...super.getConfig(), ...config };
  }
}

/**
 * Creates a {@link ModulatedConv2D} layer.
 *
 * @param args - Filters, kernel size, demodulation; see {@link ModulatedConv2DArgs}.
 * @returns The layer; `[x [B, H, W, Ci], w [B, W]]` → `[B, H, W, filters]`.
 * @throws {@link ValueError} for invalid arguments.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { modulatedConv2d } from 'tfjs-generative/gan';
 * const conv = modulatedConv2d({ filters: 8, kernelSize: 3, seed: 1 });
 * const y = conv.apply([tf.randomNormal([2, 7, 7, 4]), tf.randomNormal([2, 16])]) as tf.Tensor;
 * console.log(y.shape); // [2, 7, 7, 8]
 * ```
 *
 * @category GAN
 */
// @__NO_SIDE_EFFECTS__
export function modulatedConv2d(args: ModulatedConv2DArgs): ModulatedConv2D {
  return new ModulatedConv2D(args);
}

/**
 * The weights one {@link ModulatedConv2D} creates, for the size budget:
 * kernel `[k, k, Ci, F]`, style affine `[W, Ci]` and `[Ci]`, bias `[F]`.
 * @hidden
 */
export function modulatedConvWeightTerms(
  g: { kernelSize: number; inputChannels: number; filters: number; styleDim: number; useBias: boolean },
  fields: { kernel: readonly string[]; style: readonly string[] } = { kernel: ['kernelSize', 'filters', 'input channels'], style: ['style width', 'input channels'] },
  repeat = 1,
): WeightTerm[] {
  const ci = g.inputChannels;
  return [
    { fields: fields.kernel, shape: [g.kernelSize, g.kernelSize, ci, g.filters], repeat },
    { fields: fields.style, shape: [g.styleDim, ci], repeat },
    { fields: fields.style, shape: [ci], repeat },
    ...(g.useBias ? [{ fields: fields.kernel, shape: [g.filters], repeat }] : []),
  ];
}
