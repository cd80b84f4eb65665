// Token embedding with optional weight tying to the output layer: Press & Wolf 2016,
// "Using the Output Embedding to Improve Language Models", https://arxiv.org/abs/1608.05859.
//
// Legend: B batch, T length, V vocabulary, C width.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ValueError } from '../_internal/errors.js';
import { resolveInitializer, type Initializer, type InitializerName, type InitializerSpec } from '../_internal/initializers.js';
import { checkOptionalSeed, checkPositiveInt, formatShape } from '../_internal/validate.js';
import { embeddingLookup } from './_embeddingLookup.js';
import { gpt2NormalInitializer } from '../_internal/initializers.js';
import { checkWeightBudget } from '../_internal/budget.js';
import { splitLayerArgs, type Kwargs, type LayerArgs, type Shape } from '../_internal/layers.js';

/**
 * Arguments of {@link TokenEmbedding}.
 *
 * @category Attention
 */
export interface TokenEmbeddingArgs extends LayerArgs {
  /** Number of tokens `V`. */
  vocabSize: number;
  /** Width `C` of each embedding. */
  outputDim: number;
  /** Initializer of the `[V, C]` table. Defaults to N(0, 0.02), as GPT-2. */
  embeddingsInitializer?: Initializer | InitializerName;
  /** Seed of the default initializer. Defaults to unseeded. */
  seed?: number;
}

const FN = 'TokenEmbedding';
const OWN_KEYS = ['vocabSize', 'outputDim', 'embeddingsInitializer', 'seed'] as const;

/**
 * A token embedding whose table can also be the output layer (weight tying).
 *
 * Applied to token ids `[B, T]` it returns their embeddings `[B, T, C]`.
 * Applied to vectors `[B, T, C]` it returns logits over the vocabulary,
 * `x · tableᵀ` `[B, T, V]`: using the one layer at both ends of a functional
 * model ties the input and output embeddings, as GPT-2 does.
 *
 * Unlike `tf.layers.embedding`, it trains on every backend: the gradient of
 * the lookup uses `UnsortedSegmentSum` where the backend has it and an
 * equivalent matmul where it does not (the stock wasm backend).
 *
 * @category Attention
 */
export class TokenEmbedding extends tfl.layers.Layer {
  /** Name under which the class is serialized. */
  static readonly className = 'TokenEmbedding';
  /** Vocabulary size `V`. */
  readonly vocabSize: number;
  /** Embedding width `C`. */
  readonly outputDim: number;
  /** Seed given at construction, if any. */
  readonly seed: number | undefined;
  private readonly embeddingsInitializer: InitializerSpec;
  private table: tfl.LayerVariable | null = null;

  constructor(args: TokenEmbeddingArgs) {
    const { own, base } = splitLayerArgs(FN, args, OWN_KEYS);
    const vocabSize = checkPositiveInt(FN, 'vocabSize', own.vocabSize);
    const outputDim = checkPositiveInt(FN, 'outputDim', own.outputDim);
    const seed = checkOptionalSeed(FN, 'seed', own.seed);
    const init = resolveInitializer(FN, 'embeddingsInitializer', own.embeddingsInitializer, gpt2NormalInitializer, seed);
    checkWeightBudget(FN, [{ fields: ['vocabSize', 'outputDim'], shape: [vocabSize, outputDim] }]);
    super(base);
    this.vocabSize = vocabSize;
    this.outputDim = outputDim;
    this.seed = seed;
    this.embeddingsInitializer = init;
  }

  override build(): void {
    this.table = this.addWeight('embeddings', [this.vocabSize, this.outputDim], 'float32', this.embeddingsInitializer.make(0));
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const s = inputShape as Shape;
    if (s.length === 3) return [s[0] ?? null, s[1] ?? null, this.vocabSize];
    return [...s, this.outputDim];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    return tf.tidy(() => (x.rank === 3 && x.dtype === 'float32' ? this.project(x) : this.embed(x)));
  }

  /** Embeddings of token ids: `[...]` → `[..., C]`. @hidden */
  embed(ids: tf.Tensor): tf.Tensor {
    return embeddingLookup(this.tableValue(), tf.cast(ids, 'int32'));
  }

  /** Logits of vectors against the table: `[B, T, C]` → `[B, T, V]`. @hidden */
  project(x: tf.Tensor): tf.Tensor3D {
    const [b, t, c] = x.shape as [number, number, number];
    if (c !== this.outputDim) {
      throw new ValueError(`${FN} '${this.name}': cannot project vectors of shape ${formatShape(x.shape)} onto a [${this.vocabSize}, ${this.outputDim}] table.`);
    }
    const logits = tf.matMul(tf.reshape(x, [b * t, c]), this.tableValue(), false, true); // [B·T, V]
    return tf.reshape(logits, [b, t, this.vocabSize]);
  }

  private tableValue(): tf.Tensor {
    if (this.table === null) throw new ValueError(`${FN} '${this.name}': the layer is not built yet.`);
    return this.table.read();
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = {
      vocabSize: this.vocabSize,
      outputDim: this.outputDim,
      embeddingsInitializer: this.embeddingsInitializer.config as tf.serialization.ConfigDictValue,
    };
    if (this.seed !== undefined) config['seed'] = this.seed;
    return { ...super.getConfig(), ...config };
  }
}

/**
 * Creates a {@link TokenEmbedding} layer.
 *
 * @param args - Vocabulary size, width, initializer; see {@link TokenEmbeddingArgs}.
 * @returns The layer.
 * @throws {@link ValueError} for invalid arguments.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { tokenEmbedding } from 'tfjs-generative/attention';
 * const embedding = tokenEmbedding({ vocabSize: 50, outputDim: 16, seed: 1 });
 * const x = embedding.apply(tf.tensor2d([[1, 2, 3]], [1, 3], 'int32')) as tf.Tensor; // [1, 3, 16]
 * const logits = embedding.apply(x) as tf.Tensor; // tied output: [1, 3, 50]
 * console.log(x.shape, logits.shape); // [1, 3, 16] [1, 3, 50]
 * ```
 *
 * @category Attention
 */
// @__NO_SIDE_EFFECTS__
export function tokenEmbedding(args: TokenEmbeddingArgs): TokenEmbedding {
  return new TokenEmbedding(args);
}
