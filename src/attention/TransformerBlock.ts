// Pre-norm transformer block (GPT-2: Radford et al. 2019; pre-norm analysed by Xiong et al. 2020,
// https://arxiv.org/abs/2002.04745): x + Attn(LN(x)), then h + MLP(LN(h)).
//
// Legend: B batch, T length, S cached + new length, C width, H heads, D head size, F MLP width.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ValueError } from '../_internal/errors.js';
import { resolveInitializer, type Initializer, type InitializerName, type InitializerSpec, streamSeed } from '../_internal/initializers.js';
import { seedSource, type SeedSource } from '../_internal/random.js';
import { checkBoolean, checkOneOf, checkOptionalSeed, checkPositiveInt, checkPositiveNumber, checkRate01, formatShape } from '../_internal/validate.js';
import { multiHeadAttentionForward, type KeyValueCache } from './_attentionCore.js';
import { addAttentionWeights, attentionWeightTerms, readAttentionWeights, type AttentionVariables } from './_attentionWeights.js';
import { checkWeightBudget, type WeightTerm } from '../_internal/budget.js';
import { splitLayerArgs, type Kwargs, type LayerArgs, type Shape } from '../_internal/layers.js';
import { layerNormalize } from '../layers/layerNormalize.js';

/**
 * Activations of the {@link TransformerBlock} MLP: `'gelu'` (exact, with erf,
 * as PyTorch's default), `'geluTanh'` (the tanh approximation of GPT-2),
 * `'relu'`, `'swish'` (x·σ(x)).
 *
 * @category Attention
 */
export type TransformerActivation = 'gelu' | 'geluTanh' | 'relu' | 'swish';
const ACTIVATIONS: readonly TransformerActivation[] = ['gelu', 'geluTanh', 'relu', 'swish'];

/**
 * Arguments of {@link TransformerBlock}.
 *
 * @category Attention
 */
export interface TransformerBlockArgs extends LayerArgs {
  /** Number of attention heads `H`. */
  numHeads: number;
  /** Head size `D`. Defaults to `C / numHeads` (then `C` must be divisible by `numHeads`). */
  keyDim?: number;
  /** MLP width as a multiple of `C`: `F = mlpRatio · C`. Defaults to `4`. */
  mlpRatio?: number;
  /** MLP activation. Defaults to `'gelu'`. */
  activation?: TransformerActivation;
  /** Dropout rate on attention weights and on both residual branches, in training. Defaults to `0`. */
  dropout?: number;
  /** Causal self-attention (each position sees only itself and the past). Defaults to `false`. */
  causal?: boolean;
  /** Epsilon of both layer norms. Defaults to `1e-5`. */
  layerNormEpsilon?: number;
  /** Biases in attention and MLP projections. Defaults to `true`. */
  useBias?: boolean;
  /** Initializer of all kernels. Defaults to `'glorotUniform'` (seeded by `seed`). */
  kernelInitializer?: Initializer | InitializerName;
  /** Seed of the default initializers and the dropout. Defaults to unseeded. */
  seed?: number;
}

const FN = 'TransformerBlock';
const OWN_KEYS = ['numHeads', 'keyDim', 'mlpRatio', 'activation', 'dropout', 'causal', 'layerNormEpsilon', 'useBias', 'kernelInitializer', 'seed'] as const;

interface BlockVariables {
  norm1Gamma: tfl.LayerVariable;
  norm1Beta: tfl.LayerVariable;
  attention: AttentionVariables;
  norm2Gamma: tfl.LayerVariable;
  norm2Beta: tfl.LayerVariable;
  mlpKernel1: tfl.LayerVariable;
  mlpBias1: tfl.LayerVariable | null;
  mlpKernel2: tfl.LayerVariable;
  mlpBias2: tfl.LayerVariable | null;
}

/**
 * A pre-norm transformer block: `h = x + Dropout(MHA(LN₁(x)))`, then
 * `y = h + Dropout(W₂ · act(W₁ · LN₂(h)))`. Input and output `[B, T, C]`.
 *
 * `getWeights()` order: LN₁ γ `[C]`, LN₁ β `[C]`, the eight attention
 * weights in {@link MultiHeadAttention}'s order, LN₂ γ, LN₂ β, MLP kernel₁
 * `[C, F]`, bias₁ `[F]`, kernel₂ `[F, C]`, bias₂ `[C]` (biases only with
 * `useBias`).
 *
 * @category Attention
 */
export class TransformerBlock extends tfl.layers.Layer {
  /** Name under which the class is serialized. */
  static readonly className = 'TransformerBlock';
  /** Number of heads. */
  readonly numHeads: number;
  /** Head size, or `null` for `C / numHeads`. */
  readonly keyDim: number | null;
  /** MLP width multiple. */
  readonly mlpRatio: number;
  /** MLP activation. */
  readonly activation: TransformerActivation;
  /** Dropout rate. */
  readonly dropout: number;
  /** Whether self-attention is causal. */
  readonly causal: boolean;
  /** Layer-norm epsilon. */
  readonly layerNormEpsilon: number;
  /** Whether projections have biases. */
  readonly useBias: boolean;
  /** Seed given at construction, if any. */
  readonly seed: number | undefined;
  private readonly kernelInitializer: InitializerSpec;
  private readonly rng: SeedSource;
  private vars: BlockVariables | null = null;

  constructor(args: TransformerBlockArgs) {
    const { own, base } = splitLayerArgs(FN, args, OWN_KEYS);
    const numHeads = checkPositiveInt(FN, 'numHeads', own.numHeads);
    const keyDim = own.keyDim === undefined ? null : checkPositiveInt(FN, 'keyDim', own.keyDim);
    const mlpRatio = checkPositiveNumber(FN, 'mlpRatio', own.mlpRatio ?? 4);
    const activation = checkOneOf(FN, 'activation', own.activation ?? 'gelu', ACTIVATIONS);
    const dropout = checkRate01(FN, 'dropout', own.dropout ?? 0);
    const causal = checkBoolean(FN, 'causal', own.causal ?? false);
    const layerNormEpsilon = checkPositiveNumber(FN, 'layerNormEpsilon', own.layerNormEpsilon ?? 1e-5);
    const useBias = checkBoolean(FN, 'useBias', own.useBias ?? true);
    const seed = checkOptionalSeed(FN, 'seed', own.seed);
    const kernelInitializer = resolveInitializer(FN, 'kernelInitializer', own.kernelInitializer, 'glorotUniform', seed);
    // The smallest input width these arguments allow (C = numHeads, or 1 with keyDim) bounds the weights from below.
    checkWeightBudget(FN, transformerBlockWeightTerms({ width: keyDim === null ? numHeads : 1, numHeads, keyDim: keyDim ?? 1, mlpRatio, useBias }, BLOCK_FIELDS));
    super(base);
    this.numHeads = numHeads;
    this.keyDim = keyDim;
    this.mlpRatio = mlpRatio;
    this.activation = activation;
    this.dropout = dropout;
    this.causal = causal;
    this.layerNormEpsilon = layerNormEpsilon;
    this.useBias = useBias;
    this.seed = seed;
    this.kernelInitializer = kernelInitializer;
    this.rng = seedSource(streamSeed(seed, 'dropout'));
  }

  override build(inputShape: Shape | Shape[]): void {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const c = s[s.length - 1];
    if (s.length !== 3 || c == null) {
      throw new ValueError(`${FN} '${this.name}': invalid input shape: expected [B, T, C] with a known C, received ${formatShape(s)}.`);
    }
    if (this.keyDim === null && c % this.numHeads !== 0) {
      throw new ValueError(
        `${FN} '${this.name}': the width C = ${c} is not divisible by \`numHeads\` = ${this.numHeads}; give \`keyDim\` or change one of them.`,
      );
    }
    const keyDim = this.keyDim ?? c / this.numHeads;
    const hidden = mlpWidth(this.mlpRatio, c);
    checkWeightBudget(`${FN} '${this.name}'`, transformerBlockWeightTerms({ width: c, numHeads: this.numHeads, keyDim, mlpRatio: this.mlpRatio, useBias: this.useBias }, BLOCK_FIELDS));
    const add = (name: string, shape: number[], init: Initializer): tfl.LayerVariable => this.addWeight(name, shape, 'float32', init);
    const ones = tfl.initializers.ones();
    const zeros = tfl.initializers.zeros();
    const norm1Gamma = add('norm_1/gamma', [c], ones);
    const norm1Beta = add('norm_1/beta', [c], zeros);
    const attention = addAttentionWeights(
      add,
      { queryWidth: c, keyWidth: c, valueWidth: c, numHeads: this.numHeads, keyDim, valueDim: keyDim, outputWidth: c, useBias: this.useBias },
      this.kernelInitializer,
      { make: () => zeros, config: 'zeros' },
      0,
      'attention/',
    );
    const norm2Gamma = add('norm_2/gamma', [c], ones);
    const norm2Beta = add('norm_2/beta', [c], zeros);
    const mlpKernel1 = add('mlp/dense_1/kernel', [c, hidden], this.kernelInitializer.make(5));
    const mlpBias1 = this.useBias ? add('mlp/dense_1/bias', [hidden], zeros) : null;
    const mlpKernel2 = add('mlp/dense_2/kernel', [hidden, c], this.kernelInitializer.make(6));
    const mlpBias2 = this.useBias ? add('mlp/dense_2/bias', [c], zeros) : null;
    this.vars = { norm1Gamma, norm1Beta, attention, norm2Gamma, norm2Beta, mlpKernel1, mlpBias1, mlpKernel2, mlpBias2 };
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    const training = (kwargs as { training?: boolean } | undefined)?.training === true;
    return tf.tidy(() => this.forward(x, null, training).output);
  }

  /**
   * The block on `x` `[B, T, C]`; with `cache`, `x` holds the positions after
   * the cached ones, and the extended cache is returned (inference only).
   * @hidden
   */
  forward(x: tf.Tensor, cache: KeyValueCache | null, training = false): { output: tf.Tensor3D; cache: KeyValueCache } {
    const v = this.vars;
    if (v === null) throw new ValueError(`${FN} '${this.name}': the layer is not built yet.`);
    const rate = training ? this.dropout : 0;
    const seed = (): number | undefined => (rate > 0 && this.seed !== undefined ? this.rng.nextSeed() : undefined);
    const drop = (t: tf.Tensor): tf.Tensor => (rate > 0 ? tf.dropout(t, rate, undefined, seed()) : t);
    const n1 = this.layerNorm(x, v.norm1Gamma, v.norm1Beta);
    const attended = multiHeadAttentionForward(readAttentionWeights(v.attention), n1, n1, n1, {
      additiveMask: null,
      causal: this.causal,
      dropout: rate,
      seed: seed(),
      cache,
    });
    const h = tf.add(x, drop(attended.output)); // [B, T, C]
    const n2 = this.layerNorm(h, v.norm2Gamma, v.norm2Beta);
    const [b, t, c] = n2.shape as [number, number, number];
    let m: tf.Tensor = tf.matMul(tf.reshape(n2, [b * t, c]), v.mlpKernel1.read()); // [B·T, F]
    if (v.mlpBias1 !== null) m = tf.add(m, v.mlpBias1.read());
    m = this.activate(m);
    m = tf.matMul(m, v.mlpKernel2.read()); // [B·T, C]
    if (v.mlpBias2 !== null) m = tf.add(m, v.mlpBias2.read());
    const output = tf.add(h, drop(tf.reshape(m, [b, t, c]))) as tf.Tensor3D;
    return { output, cache: attended.cache };
  }

  /**
   * The kernels whose outputs are added to the residual stream (attention
   * output and second MLP kernel), which GPT-2 initialises smaller.
   * @hidden
   */
  residualProjections(): tfl.LayerVariable[] {
    if (this.vars === null) throw new ValueError(`${FN} '${this.name}': the layer is not built yet.`);
    return [this.vars.attention.outputKernel, this.vars.mlpKernel2];
  }

  private layerNorm(x: tf.Tensor, gamma: tfl.LayerVariable, beta: tfl.LayerVariable): tf.Tensor {
    return layerNormalize(x, gamma.read(), beta.read(), this.layerNormEpsilon);
  }

  private activate(x: tf.Tensor): tf.Tensor {
    switch (this.activation) {
      case 'relu':
        return tf.relu(x);
      case 'swish':
        return tf.mul(x, tf.sigmoid(x));
      case 'geluTanh': // ½x(1 + tanh(√(2/π)(x + 0.044715x³)))
        return tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3)))))));
      default: // ½x(1 + erf(x/√2))
        return tf.mul(tf.mul(0.5, x), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
    }
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = {
      numHeads: this.numHeads,
      mlpRatio: this.mlpRatio,
      activation: this.activation,
      dropout: this.dropout,
      causal: this.causal,
      layerNormEpsilon: this.layerNormEpsilon,
      useBias: this.useBias,
      kernelInitializer: this.kernelInitializer.config as tf.serialization.ConfigDictValue,
    };
    if (this.keyDim !== null) config['keyDim'] = this.keyDim;
    if (this.seed !== undefined) config['seed'] = this.seed;
    return { ...super.getConfig(), ...config };
  }
}

/**
 * Creates a {@link TransformerBlock} layer.
 *
 * @param args - Heads, MLP ratio and activation, dropout, causality; see {@link TransformerBlockArgs}.
 * @returns The layer; input and output `[B, T, C]`.
 * @throws {@link ValueError} for invalid arguments; when built, if `C` is not divisible by `numHeads` and no `keyDim` is given.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { transformerBlock } from 'tfjs-generative/attention';
 * const block = transformerBlock({ numHeads: 4, causal: true, seed: 1 });
 * const y = block.apply(tf.randomNormal([2, 10, 32])) as tf.Tensor;
 * console.log(y.shape); // [2, 10, 32]
 * ```
 *
 * @category Attention
 */
// @__NO_SIDE_EFFECTS__
export function transformerBlock(args: TransformerBlockArgs): TransformerBlock {
  return new TransformerBlock(args);
}

const BLOCK_FIELDS: BlockFields = { width: ['input width C'], attention: ['numHeads', 'keyDim', 'input width C'], mlp: ['mlpRatio', 'input width C'] };

/** The MLP's hidden width `F = max(1, round(mlpRatio · C))`. @hidden */
export function mlpWidth(mlpRatio: number, width: number): number {
  return Math.max(1, Math.round(mlpRatio * width));
}

/** The config fields each part of a block's size comes from, for budget errors. @hidden */
export interface BlockFields {
  width: readonly string[];
  attention: readonly string[];
  mlp: readonly string[];
}

/**
 * The weights one {@link TransformerBlock} of width `width` creates (two layer
 * norms, attention, MLP), `repeat` times, for the size budget.
 * @hidden
 */
export function transformerBlockWeightTerms(
  g: { width: number; numHeads: number; keyDim: number; mlpRatio: number; useBias: boolean },
  fields: BlockFields,
  repeat = 1,
): WeightTerm[] {
  const c = g.width;
  const hidden = mlpWidth(g.mlpRatio, c);
  const terms: WeightTerm[] = [
    { fields: fields.width, shape: [4 * c], repeat }, // two layer norms, gamma and beta
    ...attentionWeightTerms({ queryWidth: c, keyWidth: c, valueWidth: c, numHeads: g.numHeads, keyDim: g.keyDim, valueDim: g.keyDim, outputWidth: c, useBias: g.useBias }, fields.attention, repeat),
    { fields: fields.mlp, shape: [c, hidden], repeat },
    { fields: fields.mlp, shape: [hidden, c], repeat },
  ];
  if (g.useBias) terms.push({ fields: fields.mlp, shape: [hidden + c], repeat });
  return terms;
}
