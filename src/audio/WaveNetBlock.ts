// A WaveNet residual block: van den Oord et al. 2016, https://arxiv.org/abs/1609.03499
// (§2.3–2.5): a dilated causal convolution into a gated unit tanh(W_f * x) ⊙ σ(W_g * x),
// optionally with global conditioning, then 1×1 residual and skip projections.
//
// Legend: B batch, T time, K kernel taps, R residual channels, S skip channels, G conditioning size.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ValueError } from '../_internal/errors.js';
import { resolveInitializer, type Initializer, type InitializerName, type InitializerSpec } from '../_internal/initializers.js';
import { checkBoolean, checkOptionalSeed, checkPositiveInt, formatShape } from '../_internal/validate.js';
import { checkWeightBudget, type WeightTerm } from '../_internal/budget.js';
import { splitLayerArgs, type Kwargs, type LayerArgs, type Shape } from '../_internal/layers.js';
import { waveNetBlockOp, type WaveNetBlockWeights } from './_waveNetBlockOp.js';

/**
 * Arguments of {@link WaveNetBlock}.
 *
 * @category Audio
 */
export interface WaveNetBlockArgs extends LayerArgs {
  /** Skip-output channels `S`. */
  skipChannels: number;
  /** Taps `K` of the dilated convolution. Defaults to `2`. */
  kernelSize?: number;
  /** Dilation `d` of the convolution. Defaults to `1`. */
  dilationRate?: number;
  /** Size `G` of a global conditioning vector; when given, the block is called with `[x, conditioning]`. Defaults to none. */
  conditioningDim?: number;
  /** Kernel initializer. Defaults to `'glorotUniform'` (seeded by `seed`). */
  kernelInitializer?: Initializer | InitializerName;
  /** Seed of the default initializer. Defaults to unseeded. */
  seed?: number;
  /**
   * Recompute the block's activations in the backward pass instead of keeping
   * them from the forward pass (gradient checkpointing, Chen et al. 2016): a
   * training step then holds only the block's inputs and outputs, at the cost
   * of computing the dilated convolution and the gate once more. Without it, a
   * block keeps its convolution's columns and the gate's two activations
   * (`(K + 2)·R` numbers per step). Defaults to `false`.
   */
  recompute?: boolean;
}

const FN = 'WaveNetBlock';
const OWN_KEYS = ['skipChannels', 'kernelSize', 'dilationRate', 'conditioningDim', 'kernelInitializer', 'seed', 'recompute'] as const;


/**
 * A WaveNet residual block. Input `x` `[B, T, R]` (and, with
 * `conditioningDim`, a conditioning vector `[B, G]`); outputs
 * `[residual, skip]`: `x + W_r z` `[B, T, R]` and `W_s z` `[B, T, S]`, where
 * `z = tanh(f) ⊙ σ(g)` and `[f, g]` is a causal convolution of `x` with `2R`
 * outputs (plus `V c` for conditioning `c`).
 *
 * The dilated convolution and the gate are one op with a hand-written gradient
 * that keeps only what it needs (see `recompute`); a gradient of a gradient
 * through the block is not supported.
 *
 * `getWeights()` order: dilated kernel `[K, R, 2R]` (filter half first, gate
 * half second), dilated bias `[2R]`, conditioning kernel `[G, 2R]` (if any),
 * residual kernel `[R, R]`, residual bias `[R]`, skip kernel `[R, S]`, skip
 * bias `[S]`.
 *
 * @category Audio
 */
export class WaveNetBlock extends tfl.layers.Layer {
  /** Name under which the class is serialized. */
  static readonly className = 'WaveNetBlock';
  /** Skip channels `S`. */
  readonly skipChannels: number;
  /** Kernel taps `K`. */
  readonly kernelSize: number;
  /** Dilation `d`. */
  readonly dilationRate: number;
  /** Conditioning size `G`, or `null`. */
  readonly conditioningDim: number | null;
  /** Seed given at construction, if any. */
  readonly seed: number | undefined;
  /** Whether the backward pass recomputes the activations (gradient checkpointing). */
  readonly recompute: boolean;
  private readonly kernelInitializer: InitializerSpec;
  private vars: Record<keyof WaveNetBlockWeights, tfl.LayerVariable | null> | null = null;

  constructor(args: WaveNetBlockArgs) {
    const { own, base } = splitLayerArgs(FN, args, OWN_KEYS);
    const skipChannels = checkPositiveInt(FN, 'skipChannels', own.skipChannels);
    const kernelSize = checkPositiveInt(FN, 'kernelSize', own.kernelSize ?? 2);
    const dilationRate = checkPositiveInt(FN, 'dilationRate', own.dilationRate ?? 1);
    const conditioningDim = own.conditioningDim === undefined ? null : checkPositiveInt(FN, 'conditioningDim', own.conditioningDim);
    const seed = checkOptionalSeed(FN, 'seed', own.seed);
    const kernelInitializer = resolveInitializer(FN, 'kernelInitializer', own.kernelInitializer, 'glorotUniform', seed);
    const recompute = checkBoolean(FN, 'recompute', own.recompute ?? false);
    checkWeightBudget(FN, waveNetBlockWeightTerms({ residualChannels: 1, skipChannels, kernelSize, conditioningDim }, BLOCK_FIELDS));
    super(base);
    this.skipChannels = skipChannels;
    this.kernelSize = kernelSize;
    this.dilationRate = dilationRate;
    this.conditioningDim = conditioningDim;
    this.seed = seed;
    this.kernelInitializer = kernelInitializer;
    this.recompute = recompute;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shapes = Array.isArray(inputShape[0]) ? (inputShape as Shape[]) : [inputShape as Shape];
    const x = shapes[0]!;
    const r = x[x.length - 1];
    if (x.length !== 3 || r == null) {
      throw new ValueError(`${FN} '${this.name}': invalid input shape: expected [B, T, R] with a known R, received ${formatShape(x)}.`);
    }
    if ((this.conditioningDim === null) !== (shapes.length === 1)) {
      throw new ValueError(
        this.conditioningDim === null
          ? `${FN} '${this.name}': built without conditioningDim, so it takes one input [B, T, R]; received ${shapes.length}.`
          : `${FN} '${this.name}': built with conditioningDim ${this.conditioningDim}, so it takes [x, conditioning]; the conditioning input is missing.`,
      );
    }
    checkWeightBudget(`${FN} '${this.name}'`, waveNetBlockWeightTerms({ residualChannels: r, skipChannels: this.skipChannels, kernelSize: this.kernelSize, conditioningDim: this.conditioningDim }, BLOCK_FIELDS));
    const zeros = tfl.initializers.zeros();
    const add = (name: string, shape: number[], init: Initializer) => this.addWeight(name, shape, 'float32', init);
    this.vars = {
      dilatedKernel: add('dilated/kernel', [this.kernelSize, r, 2 * r], this.kernelInitializer.make(0)),
      dilatedBias: add('dilated/bias', [2 * r], zeros),
      conditioningKernel: this.conditioningDim === null ? null : add('conditioning/kernel', [this.conditioningDim, 2 * r], this.kernelInitializer.make(1)),
      residualKernel: add('residual/kernel', [r, r], this.kernelInitializer.make(2)),
      residualBias: add('residual/bias', [r], zeros),
      skipKernel: add('skip/kernel', [r, this.skipChannels], this.kernelInitializer.make(3)),
      skipBias: add('skip/bias', [this.skipChannels], zeros),
    };
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const x = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    return [x, [x[0] ?? null, x[1] ?? null, this.skipChannels]];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor[] {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const x = list[0]!;
    const c = list[1] ?? null;
    if (this.conditioningDim !== null && c === null) {
      throw new ValueError(`${FN} '${this.name}': built with conditioningDim ${this.conditioningDim}; call it with [x, conditioning].`);
    }
    return tf.tidy(() => {
      const { residual, skip } = waveNetBlockOp(this.blockWeights(), x, c, this.dilationRate, this.recompute);
      return [residual, skip];
    });
  }

  /** The current weights as tensors. @hidden */
  blockWeights(): WaveNetBlockWeights {
    const v = this.vars;
    if (v === null) throw new ValueError(`${FN} '${this.name}': the layer is not built yet.`);
    return {
      dilatedKernel: v.dilatedKernel!.read(),
      dilatedBias: v.dilatedBias!.read(),
      conditioningKernel: v.conditioningKernel?.read() ?? null,
      residualKernel: v.residualKernel!.read(),
      residualBias: v.residualBias!.read(),
      skipKernel: v.skipKernel!.read(),
      skipBias: v.skipBias!.read(),
    };
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = {
      skipChannels: this.skipChannels,
      kernelSize: this.kernelSize,
      dilationRate: this.dilationRate,
      kernelInitializer: this.kernelInitializer.config as tf.serialization.ConfigDictValue,
    };
    if (this.conditioningDim !== null) config['conditioningDim'] = this.conditioningDim;
    if (this.seed !== undefined) config['seed'] = this.seed;
    if (this.recompute) config['recompute'] = true;
    return { ...super.getConfig(), ...config };
  }
}

/**
 * Creates a {@link WaveNetBlock} layer.
 *
 * @param args - Skip channels, kernel size, dilation, conditioning; see {@link WaveNetBlockArgs}.
 * @returns The layer; `x [B, T, R]` (or `[x, conditioning]`) → `[residual [B, T, R], skip [B, T, S]]`.
 * @throws {@link ValueError} for invalid arguments.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { waveNetBlock } from 'tfjs-generative/audio';
 * const block = waveNetBlock({ skipChannels: 16, dilationRate: 2, seed: 1 });
 * const [residual, skip] = block.apply(tf.randomNormal([1, 50, 8])) as tf.Tensor[];
 * console.log(residual!.shape, skip!.shape); // [1, 50, 8] [1, 50, 16]
 * ```
 *
 * @category Audio
 */
// @__NO_SIDE_EFFECTS__
export function waveNetBlock(args: WaveNetBlockArgs): WaveNetBlock {
  return new WaveNetBlock(args);
}

const BLOCK_FIELDS = { residual: ['kernelSize', 'input channels R'], skip: ['skipChannels', 'input channels R'], conditioning: ['conditioningDim', 'input channels R'] };

/**
 * The weights one {@link WaveNetBlock} creates, `repeat` times, for the size
 * budget: dilated kernel `[K, R, 2R]` and bias, conditioning kernel `[G, 2R]`,
 * residual `[R, R]` and bias, skip `[R, S]` and bias.
 * @hidden
 */
export function waveNetBlockWeightTerms(
  g: { residualChannels: number; skipChannels: number; kernelSize: number; conditioningDim: number | null },
  fields: { residual: readonly string[]; skip: readonly string[]; conditioning: readonly string[] },
  repeat = 1,
): WeightTerm[] {
  const r = g.residualChannels;
  const terms: WeightTerm[] = [
    { fields: fields.residual, shape: [g.kernelSize, r, 2 * r], repeat },
    { fields: fields.residual, shape: [r, r], repeat },
    { fields: fields.residual, shape: [3 * r], repeat }, // dilated bias 2R, residual bias R
    { fields: fields.skip, shape: [r, g.skipChannels], repeat },
    { fields: fields.skip, shape: [g.skipChannels], repeat },
  ];
  if (g.conditioningDim !== null) terms.push({ fields: fields.conditioning, shape: [g.conditioningDim, 2 * r], repeat });
  return terms;
}
