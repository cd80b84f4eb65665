// The learned constant input of StyleGAN's synthesis network: Karras et al. 2019,
// https://arxiv.org/abs/1812.04948, §2 ("Const 4×4×512" in Fig. 1b).
//
// Legend: B batch, S side, C channels.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { optional } from '../_internal/config.js';
import { checkOptionalSeed, checkPositiveInt } from '../_internal/validate.js';
import { checkWeightBudget } from '../_internal/budget.js';
import { splitLayerArgs, type Kwargs, type LayerArgs, type Shape } from '../_internal/layers.js';

/**
 * Arguments of {@link ConstantInput}.
 *
 * @category GAN
 */
export interface ConstantInputArgs extends LayerArgs {
  /** Side `S` of the square constant. */
  size: number;
  /** Channels `C` of the constant. */
  channels: number;
  /** Seed of its N(0, 1) initialization. Defaults to unseeded. */
  seed?: number;
}

const FN = 'ConstantInput';
const OWN_KEYS = ['size', 'channels', 'seed'] as const;

/**
 * A learned constant `[1, S, S, C]` (initialised from N(0, 1)), repeated for
 * each example of its input: `[B, …]` → `[B, S, S, C]`. The input is read for
 * its batch size only. `getWeights()`: the constant `[1, S, S, C]`.
 *
 * @category GAN
 */
export class ConstantInput extends tfl.layers.Layer {
  /** Name under which the class is serialized. */
  static readonly className = 'ConstantInput';
  /** Side of the constant. */
  readonly size: number;
  /** Channels of the constant. */
  readonly channels: number;
  /** Seed given at construction, if any. */
  readonly seed: number | undefined;
  private constant: tfl.LayerVariable | null = null;

  constructor(args: ConstantInputArgs) {
    const { own, base } = splitLayerArgs(FN, args, OWN_KEYS);
    const size = checkPositiveInt(FN, 'size', own.size);
    const channels = checkPositiveInt(FN, 'channels', own.channels);
    const seed = checkOptionalSeed(FN, 'seed', own.seed);
    checkWeightBudget(FN, [{ fields: ['size', 'channels'], shape: [1, size, size, channels] }]);
    super(base);
    this.size = size;
    this.channels = channels;
    this.seed = seed;
  }

  override build(_inputShape: Shape | Shape[]): void {
    const init = tfl.initializers.randomNormal({ mean: 0, stddev: 1, ...optional('seed', this.seed) });
    this.constant = this.addWeight('constant', [1, this.size, this.size, this.channels], 'float32', init);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    return [s[0] ?? null, this.size, this.size, this.channels];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    const b = x.shape[0]!;
    return tf.tidy(() => tf.tile(this.constant!.read(), [b, 1, 1, 1])); // [B, S, S, C]
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = { size: this.size, channels: this.channels };
    if (this.seed !== undefined) config['seed'] = this.seed;
    return { ...super.getConfig(), ...config };
  }
}

/**
 * Creates a {@link ConstantInput} layer.
 *
 * @param args - Size, channels and seed; see {@link ConstantInputArgs}.
 * @returns The layer; `[B, …]` → `[B, size, size, channels]`.
 * @throws {@link ValueError} for a size or channel count that is not a positive integer.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { constantInput } from 'tfjs-generative/gan';
 * const y = constantInput({ size: 4, channels: 8, seed: 1 }).apply(tf.zeros([3, 16])) as tf.Tensor;
 * console.log(y.shape); // [3, 4, 4, 8]
 * ```
 *
 * @category GAN
 */
// @__NO_SIDE_EFFECTS__
export function constantInput(args: ConstantInputArgs): ConstantInput {
  return new ConstantInput(args);
}
