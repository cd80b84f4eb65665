// Learned absolute position embeddings (GPT, Radford et al. 2018; as keras-nlp's PositionEmbedding).
//
// Legend: B batch, T length, C width, L maximum length.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ValueError } from '../_internal/errors.js';
import { resolveInitializer, type Initializer, type InitializerName, type InitializerSpec } from '../_internal/initializers.js';
import { checkOptionalSeed, checkPositiveInt, formatShape } from '../_internal/validate.js';
import { gpt2NormalInitializer } from '../_internal/initializers.js';
import { checkWeightBudget } from '../_internal/budget.js';
import { splitLayerArgs, type Kwargs, type LayerArgs, type Shape } from '../_internal/layers.js';

/**
 * Arguments of {@link PositionEmbedding}.
 *
 * @category Attention
 */
export interface PositionEmbeddingArgs extends LayerArgs {
  /** Longest sequence `L` the layer embeds. */
  sequenceLength: number;
  /** Initializer of the `[L, C]` table. Defaults to N(0, 0.02). */
  initializer?: Initializer | InitializerName;
  /** Seed of the default initializer. Defaults to unseeded. */
  seed?: number;
}

const FN = 'PositionEmbedding';
const OWN_KEYS = ['sequenceLength', 'initializer', 'seed'] as const;

/**
 * Learned position embeddings. Applied to `[B, T, C]` (usually token
 * embeddings) it returns the embeddings of positions `0 … T-1`, broadcast to
 * `[B, T, C]`; add them to the input with `tf.layers.add()`. `T` may vary
 * from call to call up to `sequenceLength`.
 *
 * @category Attention
 */
export class PositionEmbedding extends tfl.layers.Layer {
  /** Name under which the class is serialized. */
  static readonly className = 'PositionEmbedding';
  /** Longest sequence `L`. */
  readonly sequenceLength: number;
  /** Seed given at construction, if any. */
  readonly seed: number | undefined;
  private readonly initializer: InitializerSpec;
  private table: tfl.LayerVariable | null = null;

  constructor(args: PositionEmbeddingArgs) {
    const { own, base } = splitLayerArgs(FN, args, OWN_KEYS);
    const sequenceLength = checkPositiveInt(FN, 'sequenceLength', own.sequenceLength);
    const seed = checkOptionalSeed(FN, 'seed', own.seed);
    const init = resolveInitializer(FN, 'initializer', own.initializer, gpt2NormalInitializer, seed);
    checkWeightBudget(FN, [{ fields: ['sequenceLength'], shape: [sequenceLength, 1] }]);
    super(base);
    this.sequenceLength = sequenceLength;
    this.seed = seed;
    this.initializer = init;
  }

  override build(inputShape: Shape | Shape[]): void {
    const s = inputShape as Shape;
    const c = s[s.length - 1];
    if (s.length !== 3 || c == null) {
      throw new ValueError(`${FN} '${this.name}': invalid input shape: expected [B, T, C] with a known C, received ${formatShape(s)}.`);
    }
    checkWeightBudget(`${FN} '${this.name}'`, [{ fields: ['sequenceLength', 'input width C'], shape: [this.sequenceLength, c] }]);
    this.table = this.addWeight('embeddings', [this.sequenceLength, c], 'float32', this.initializer.make(0));
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    return tf.tidy(() => tf.broadcastTo(tf.expandDims(this.positions(0, x.shape[1]!), 0), x.shape)); // [B, T, C]
  }

  /** Embeddings of positions `start … start+length-1`: `[length, C]`. @hidden */
  positions(start: number, length: number): tf.Tensor2D {
    if (this.table === null) throw new ValueError(`${FN} '${this.name}': the layer is not built yet.`);
    if (start + length > this.sequenceLength) {
      throw new ValueError(
        `${FN} '${this.name}': positions up to ${start + length - 1} requested, but the layer embeds at most ${this.sequenceLength} positions (sequenceLength).`,
      );
    }
    const table = this.table.read();
    return tf.slice(table, [start, 0], [length, table.shape[1]!]) as tf.Tensor2D;
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = {
      sequenceLength: this.sequenceLength,
      initializer: this.initializer.config as tf.serialization.ConfigDictValue,
    };
    if (this.seed !== undefined) config['seed'] = this.seed;
    return { ...super.getConfig(), ...config };
  }
}

/**
 * Creates a {@link PositionEmbedding} layer.
 *
 * @param args - Maximum length and initializer; see {@link PositionEmbeddingArgs}.
 * @returns The layer.
 * @throws {@link ValueError} for invalid arguments.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { positionEmbedding } from 'tfjs-generative/attention';
 * const positions = positionEmbedding({ sequenceLength: 32, seed: 1 });
 * const p = positions.apply(tf.zeros([2, 10, 16])) as tf.Tensor;
 * console.log(p.shape); // [2, 10, 16]
 * ```
 *
 * @category Attention
 */
// @__NO_SIDE_EFFECTS__
export function positionEmbedding(args: PositionEmbeddingArgs): PositionEmbedding {
  return new PositionEmbedding(args);
}
