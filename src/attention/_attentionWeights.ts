/**
 * Creation of the eight attention weights, shared by MultiHeadAttention and
 * TransformerBlock, in the order and with the names Keras uses.
 *
 * Legend: Cq, Ck, Cv query/key/value widths, H heads, D key size, E value size, O output width.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { WeightTerm } from '../_internal/budget.js';
import type { Initializer, InitializerSpec } from '../_internal/initializers.js';
import type { AttentionWeights } from './_attentionCore.js';

/** The `addWeight` of a layer, passed in because it is protected. @hidden */
export type AddWeight = (name: string, shape: number[], initializer: Initializer) => tfl.LayerVariable;

/** @hidden */
export interface AttentionVariables {
  queryKernel: tfl.LayerVariable;
  queryBias: tfl.LayerVariable | null;
  keyKernel: tfl.LayerVariable;
  keyBias: tfl.LayerVariable | null;
  valueKernel: tfl.LayerVariable;
  valueBias: tfl.LayerVariable | null;
  outputKernel: tfl.LayerVariable;
  outputBias: tfl.LayerVariable | null;
}

/** @hidden */
export interface AttentionGeometry {
  queryWidth: number;
  keyWidth: number;
  valueWidth: number;
  numHeads: number;
  keyDim: number;
  valueDim: number;
  outputWidth: number;
  useBias: boolean;
}

/**
 * Kernels get initializer indices `firstIndex … firstIndex+3`, biases `firstIndex+4`.
 * Adds the weights in Keras' order: query kernel `[Cq, H, D]`, query bias
 * `[H, D]`, key kernel `[Ck, H, D]`, key bias, value kernel `[Cv, H, E]`,
 * value bias `[H, E]`, output kernel `[H, E, O]`, output bias `[O]`.
 * @hidden
 */
export function addAttentionWeights(
  addWeight: AddWeight,
  g: AttentionGeometry,
  kernelInitializer: InitializerSpec,
  biasInitializer: InitializerSpec,
  firstIndex = 0,
  prefix = '',
): AttentionVariables {
  const bias = (name: string, shape: number[]): tfl.LayerVariable | null =>
    g.useBias ? addWeight(`${prefix}${name}`, shape, biasInitializer.make(firstIndex + 4)) : null;
  const queryKernel = addWeight(`${prefix}query/kernel`, [g.queryWidth, g.numHeads, g.keyDim], kernelInitializer.make(firstIndex));
  const queryBias = bias('query/bias', [g.numHeads, g.keyDim]);
  const keyKernel = addWeight(`${prefix}key/kernel`, [g.keyWidth, g.numHeads, g.keyDim], kernelInitializer.make(firstIndex + 1));
  const keyBias = bias('key/bias', [g.numHeads, g.keyDim]);
  const valueKernel = addWeight(`${prefix}value/kernel`, [g.valueWidth, g.numHeads, g.valueDim], kernelInitializer.make(firstIndex + 2));
  const valueBias = bias('value/bias', [g.numHeads, g.valueDim]);
  const outputKernel = addWeight(`${prefix}attention_output/kernel`, [g.numHeads, g.valueDim, g.outputWidth], kernelInitializer.make(firstIndex + 3));
  const outputBias = bias('attention_output/bias', [g.outputWidth]);
  return { queryKernel, queryBias, keyKernel, keyBias, valueKernel, valueBias, outputKernel, outputBias };
}

/** Reads the current values of the variables. @hidden */
export function readAttentionWeights(v: AttentionVariables): AttentionWeights {
  const r = (x: tfl.LayerVariable | null): tf.Tensor | null => (x === null ? null : x.read());
  return {
    queryKernel: v.queryKernel.read(),
    queryBias: r(v.queryBias),
    keyKernel: v.keyKernel.read(),
    keyBias: r(v.keyBias),
    valueKernel: v.valueKernel.read(),
    valueBias: r(v.valueBias),
    outputKernel: v.outputKernel.read(),
    outputBias: r(v.outputBias),
  };
}

/**
 * The shapes {@link addAttentionWeights} creates, for the size budget, with
 * the config fields they come from.
 * @hidden
 */
export function attentionWeightTerms(g: AttentionGeometry, fields: readonly string[], repeat = 1): WeightTerm[] {
  const shapes: number[][] = [
    [g.queryWidth, g.numHeads, g.keyDim],
    [g.keyWidth, g.numHeads, g.keyDim],
    [g.valueWidth, g.numHeads, g.valueDim],
    [g.numHeads, g.valueDim, g.outputWidth],
  ];
  if (g.useBias) shapes.push([g.numHeads, g.keyDim], [g.numHeads, g.keyDim], [g.numHeads, g.valueDim], [g.outputWidth]);
  return shapes.map((shape) => ({ fields, shape, repeat }));
}
