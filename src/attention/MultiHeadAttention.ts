// Multi-head attention: Vaswani et al. 2017, https://arxiv.org/abs/1706.03762 (§3.2.2),
// with the interface of Keras' MultiHeadAttention (arguments, weight names and order).
//
// Legend: B batch, T query length, S key/value length, C width, H heads, D key size, E value size, O output width.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { invalidField, ValueError } from '../_internal/errors.js';
import {
  resolveInitializer,
  type Initializer,
  type InitializerSpec,
  type InitializerName,
  streamSeed,
} from '../_internal/initializers.js';
import { seedSource, type SeedSource } from '../_internal/random.js';
import { checkBoolean, checkOptionalSeed, checkPositiveInt, checkRate01, checkTensor, formatShape } from '../_internal/validate.js';
import { checkBroadcast, keepMaskToAdditive, multiHeadAttentionForward } from './_attentionCore.js';
import { addAttentionWeights, attentionWeightTerms, readAttentionWeights, type AttentionVariables } from './_attentionWeights.js';
import { checkWeightBudget } from '../_internal/budget.js';
import { splitLayerArgs, type Kwargs, type LayerArgs, type Shape } from '../_internal/layers.js';

/**
 * Arguments of {@link MultiHeadAttention}, as Keras users know them.
 *
 * @category Attention
 */
export interface MultiHeadAttentionArgs extends LayerArgs {
  /** Number of attention heads `H`. */
  numHeads: number;
  /** Size `D` of each head for query and key. */
  keyDim: number;
  /** Size `E` of each head for value. Defaults to `keyDim`. */
  valueDim?: number;
  /** Dropout rate on the attention weights, in [0, 1), applied in training. Defaults to `0`. */
  dropout?: number;
  /** Whether the projections have biases. Defaults to `true`. */
  useBias?: boolean;
  /** Width `O` of the output (a number or `[O]`). Defaults to the query's width. */
  outputShape?: number | [number];
  /** Initializer of the four kernels. Defaults to `'glorotUniform'` (seeded by `seed`). */
  kernelInitializer?: Initializer | InitializerName;
  /** Initializer of the biases. Defaults to `'zeros'`. */
  biasInitializer?: Initializer | InitializerName;
  /** Seed of the default kernel initializer and of the dropout. Defaults to unseeded. */
  seed?: number;
}

/**
 * Call-time options of {@link MultiHeadAttention} (the `kwargs` of `apply`).
 *
 * In a functional or sequential model, `useCausalMask` and
 * `returnAttentionScores` given when the graph is built are remembered by
 * the layer and apply every time the model runs (and after a save and load).
 * A tensor `attentionMask` can only be passed in eager calls: tfjs-layers
 * graphs do not carry tensor arguments.
 *
 * @category Attention
 */
export interface MultiHeadAttentionCallOptions {
  /** Keep-mask `[B, T, S]` (or broadcastable to it): 1 / `true` where query `t` may attend to key `s`, 0 / `false` where not. */
  attentionMask?: tf.Tensor;
  /** Forbid query `t` to attend to keys after `t`. Defaults to `false`. */
  useCausalMask?: boolean;
  /** Also return the attention scores `[B, H, T, S]` (after softmax). Defaults to `false`. */
  returnAttentionScores?: boolean;
  /** Training mode: applies dropout. Defaults to `false`. */
  training?: boolean;
}

const FN = 'MultiHeadAttention';
const MHA_FIELDS = ['numHeads', 'keyDim', 'valueDim', 'outputShape', 'input widths'] as const;
const OWN_KEYS = ['numHeads', 'keyDim', 'valueDim', 'dropout', 'useBias', 'outputShape', 'kernelInitializer', 'biasInitializer', 'seed'] as const;

/**
 * Multi-head attention, self or cross, as a tfjs-layers layer.
 *
 * Call it with `[query, value]` or `[query, value, key]` (`key` defaults to
 * `value`), or with one tensor for self-attention (so it fits `tf.sequential`).
 * `query` is `[B, T, Cq]`; `value` and `key` are `[B, S, Cv]` and `[B, S, Ck]`
 * with any widths. Output `[B, T, O]`, and with `returnAttentionScores` the
 * scores `[B, H, T, S]` too.
 *
 * `getWeights()` order (Keras'): query kernel `[Cq, H, D]`, query bias
 * `[H, D]`, key kernel `[Ck, H, D]`, key bias `[H, D]`, value kernel
 * `[Cv, H, E]`, value bias `[H, E]`, output kernel `[H, E, O]`, output bias
 * `[O]` (biases only with `useBias`).
 *
 * Saved and loaded with the model (`saveModel`/`loadModel`); its class name is
 * `'MultiHeadAttention'` (register it with `registerLayers()` before
 * `tf.loadLayersModel`).
 *
 * @category Attention
 */
export class MultiHeadAttention extends tfl.layers.Layer {
  /** Name under which the class is serialized. */
  static readonly className = 'MultiHeadAttention';
  /** Number of heads `H`. */
  readonly numHeads: number;
  /** Query/key head size `D`. */
  readonly keyDim: number;
  /** Value head size `E`. */
  readonly valueDim: number;
  /** Dropout rate on the attention weights. */
  readonly dropout: number;
  /** Whether the projections have biases. */
  readonly useBias: boolean;
  /** Output width, or `null` for the query's width. */
  readonly outputWidth: number | null;
  /** Seed given at construction, if any. */
  readonly seed: number | undefined;
  private readonly kernelInitializer: InitializerSpec;
  private readonly biasInitializer: InitializerSpec;
  private readonly rng: SeedSource;
  private vars: AttentionVariables | null = null;
  private graphOptions: { useCausalMask?: boolean; returnAttentionScores?: boolean } = {};

  constructor(args: MultiHeadAttentionArgs) {
    const { own, base } = splitLayerArgs(FN, args, OWN_KEYS);
    const numHeads = checkPositiveInt(FN, 'numHeads', own.numHeads);
    const keyDim = checkPositiveInt(FN, 'keyDim', own.keyDim);
    const valueDim = checkPositiveInt(FN, 'valueDim', own.valueDim ?? keyDim);
    const dropout = checkRate01(FN, 'dropout', own.dropout ?? 0);
    const useBias = checkBoolean(FN, 'useBias', own.useBias ?? true);
    let outputWidth: number | null = null;
    if (own.outputShape !== undefined) {
      const o = Array.isArray(own.outputShape) && own.outputShape.length === 1 ? own.outputShape[0] : own.outputShape;
      outputWidth = checkPositiveInt(FN, 'outputShape', o);
    }
    const seed = checkOptionalSeed(FN, 'seed', own.seed);
    const kernelInitializer = resolveInitializer(FN, 'kernelInitializer', own.kernelInitializer, 'glorotUniform', seed);
    const biasInitializer = resolveInitializer(FN, 'biasInitializer', own.biasInitializer, 'zeros');
    // With input widths of 1, a lower bound of the weights.
    checkWeightBudget(FN, attentionWeightTerms({ queryWidth: 1, keyWidth: 1, valueWidth: 1, numHeads, keyDim, valueDim, outputWidth: outputWidth ?? 1, useBias }, MHA_FIELDS));
    super(base);
    this.numHeads = numHeads;
    this.keyDim = keyDim;
    this.valueDim = valueDim;
    this.dropout = dropout;
    this.useBias = useBias;
    this.outputWidth = outputWidth;
    this.seed = seed;
    this.kernelInitializer = kernelInitializer;
    this.biasInitializer = biasInitializer;
    this.rng = seedSource(streamSeed(seed, 'dropout'));
  }

  override build(inputShape: Shape | Shape[]): void {
    const [q, v, k] = splitShapes(inputShape);
    const width = (s: Shape, field: string): number => {
      const c = s[s.length - 1];
      if (s.length !== 3 || c == null) {
        throw new ValueError(`${FN} '${this.name}': invalid \`${field}\` shape: expected [B, T, C] with a known C, received ${formatShape(s)}.`);
      }
      return c;
    };
    const queryWidth = width(q, 'query');
    const geometry = {
      queryWidth,
      keyWidth: width(k, 'key'),
      valueWidth: width(v, 'value'),
      numHeads: this.numHeads,
      keyDim: this.keyDim,
      valueDim: this.valueDim,
      outputWidth: this.outputWidth ?? queryWidth,
      useBias: this.useBias,
    };
    checkWeightBudget(`${FN} '${this.name}'`, attentionWeightTerms(geometry, MHA_FIELDS));
    this.vars = addAttentionWeights(
      (name, shape, init) => this.addWeight(name, shape, 'float32', init),
      geometry,
      this.kernelInitializer,
      this.biasInitializer,
    );
    this.built = true;
  }

  override apply(
    inputs: tf.Tensor | tf.Tensor[] | tfl.SymbolicTensor | tfl.SymbolicTensor[],
    kwargs?: Kwargs,
  ): tf.Tensor | tf.Tensor[] | tfl.SymbolicTensor | tfl.SymbolicTensor[] {
    const first = Array.isArray(inputs) ? inputs[0] : inputs;
    if (first instanceof tfl.SymbolicTensor && kwargs != null) {
      // Graph building: remember the flags, since tfjs-layers' executor does not pass node arguments.
      for (const key of ['useCausalMask', 'returnAttentionScores'] as const) {
        if (kwargs[key] === undefined) continue;
        if (typeof kwargs[key] !== 'boolean') throw invalidField(FN, key, 'a boolean', kwargs[key]);
        const known = this.graphOptions[key];
        if (known !== undefined && known !== kwargs[key]) {
          throw new ValueError(`${FN} '${this.name}': \`${key}\` differs between two uses of the layer in a graph (${String(known)} and ${String(kwargs[key])}); use two layers.`);
        }
        this.graphOptions[key] = kwargs[key] as boolean;
      }
    }
    return super.apply(inputs, kwargs);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const [q, v] = splitShapes(inputShape);
    const out: Shape = [q[0] ?? null, q[1] ?? null, this.outputWidth ?? q[2] ?? null];
    if (this.graphOptions.returnAttentionScores !== true) return out;
    return [out, [q[0] ?? null, this.numHeads, q[1] ?? null, v[1] ?? null]];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    const options = { ...this.graphOptions, ...(kwargs as MultiHeadAttentionCallOptions) };
    const list = Array.isArray(inputs) ? inputs : [inputs];
    if (list.length < 1 || list.length > 3) {
      throw new ValueError(`${FN} '${this.name}': expected [query], [query, value] or [query, value, key], received ${list.length} tensors.`);
    }
    const query = list[0]!;
    const value = list[1] ?? query;
    const key = list[2] ?? value;
    const { attentionMask, useCausalMask = false, returnAttentionScores = false, training = false } = options;
    const b = query.shape[0]!;
    const t = query.shape[1]!;
    const s = value.shape[1]!;
    if (key.shape[1] !== s || key.shape[0] !== b || value.shape[0] !== b) {
      throw new ValueError(
        `${FN} '${this.name}': query, value and key must share B, and value and key S: received query ${formatShape(query.shape)}, value ${formatShape(value.shape)}, key ${formatShape(key.shape)}.`,
      );
    }
    if (attentionMask != null) {
      checkTensor(FN, 'attentionMask', attentionMask);
      checkBroadcast(FN, 'attentionMask', attentionMask.shape, [b, t, s]);
    }
    const dropout = training ? this.dropout : 0;
    const seed = dropout > 0 && this.seed !== undefined ? this.rng.nextSeed() : undefined;
    return tf.tidy(() => {
      // Keep-mask [B, T, S] → additive, broadcast over heads: [B, 1, T, S].
      const additiveMask =
        attentionMask == null ? null : tf.expandDims(keepMaskToAdditive(attentionMask), attentionMask.rank === 3 ? 1 : 0);
      const { output, weights } = multiHeadAttentionForward(readAttentionWeights(this.vars!), query, key, value, {
        additiveMask,
        causal: useCausalMask,
        dropout,
        seed,
      });
      return returnAttentionScores ? [output, weights] : output;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = {
      numHeads: this.numHeads,
      keyDim: this.keyDim,
      valueDim: this.valueDim,
      dropout: this.dropout,
      useBias: this.useBias,
      kernelInitializer: this.kernelInitializer.config as tf.serialization.ConfigDictValue,
      biasInitializer: this.biasInitializer.config as tf.serialization.ConfigDictValue,
    };
    if (this.outputWidth !== null) config['outputShape'] = this.outputWidth;
    if (this.seed !== undefined) config['seed'] = this.seed;
    return { ...super.getConfig(), ...config };
  }
}

function splitShapes(inputShape: Shape | Shape[]): [Shape, Shape, Shape] {
  const list = Array.isArray(inputShape[0]) ? (inputShape as Shape[]) : [inputShape as Shape];
  const q = list[0]!;
  const v = list[1] ?? q;
  const k = list[2] ?? v;
  return [q, v, k];
}

/**
 * Creates a {@link MultiHeadAttention} layer.
 *
 * @param args - Heads, sizes, dropout, biases, initializers; see {@link MultiHeadAttentionArgs}.
 * @returns The layer; call `apply([query, value, key?], options)`.
 * @throws {@link ValueError} for invalid arguments, before any weight is created.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { multiHeadAttention } from 'tfjs-generative/attention';
 * const mha = multiHeadAttention({ numHeads: 4, keyDim: 8, seed: 1 });
 * const x = tf.randomNormal([2, 5, 16]); // [B, T, C]
 * const [y, scores] = mha.apply([x, x], { useCausalMask: true, returnAttentionScores: true }) as tf.Tensor[];
 * console.log(y!.shape, scores!.shape); // [2, 5, 16] [2, 4, 5, 5]
 * ```
 *
 * @category Attention
 */
// @__NO_SIDE_EFFECTS__
export function multiHeadAttention(args: MultiHeadAttentionArgs): MultiHeadAttention {
  return new MultiHeadAttention(args);
}

