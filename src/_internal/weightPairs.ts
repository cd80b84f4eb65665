/**
 * The machinery every checkpoint name map shares: a list of pairs, each a
 * variable of a model built here and the checkpoint tensor it corresponds to,
 * with the conversions between their layouts.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ValueError } from './errors.js';
import { formatShape } from './validate.js';

/** A model variable and its checkpoint tensor. @hidden */
export interface WeightPair {
  /** The checkpoint tensor's name. */
  readonly name: string;
  readonly variable: tfl.LayerVariable;
  /** Checkpoint layout to the variable's (may return its input). */
  toModel(t: tf.Tensor): tf.Tensor;
  /** The variable's layout to the checkpoint's (may return its input). */
  fromModel(v: tf.Tensor): tf.Tensor;
}

/**
 * Writes checkpoint tensors into the pairs' variables. Every tensor is found,
 * converted and its shape checked before the first write, so a mismatch
 * leaves the model untouched. The caller's tensors are never disposed.
 * @hidden
 */
export function assignPairs(fn: string, pairs: readonly WeightPair[], lookup: (name: string) => tf.Tensor | undefined): void {
  const values: tf.Tensor[] = [];
  try {
    for (const pair of pairs) {
      const source = lookup(pair.name);
      if (source === undefined) throw new ValueError(`${fn}: the weights have no \`${pair.name}\`.`);
      // A clone, so that disposing it never disposes the caller's tensor (identity maps return it).
      const value = tf.tidy(() => tf.clone(pair.toModel(source)));
      values.push(value);
      if (!tf.util.arraysEqual(value.shape, pair.variable.shape as number[])) {
        throw new ValueError(`${fn}: \`${pair.name}\` gives ${formatShape(value.shape)} but the model's \`${pair.variable.name}\` is ${formatShape(pair.variable.shape)}: the checkpoint and the model differ in size.`);
      }
    }
    pairs.forEach((pair, i) => pair.variable.write(values[i]!));
  } finally {
    tf.dispose(values);
  }
}

/** The pairs' variables in the checkpoint's layout, as new tensors by name. @hidden */
export function readPairs(pairs: readonly WeightPair[]): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {};
  for (const pair of pairs) out[pair.name] = tf.tidy(() => tf.clone(pair.fromModel(pair.variable.read())));
  return out;
}

/** The layer named `name` in `model` or in a model nested in it (a VAE's encoder), or `null`. @hidden */
export function findLayer(model: tfl.LayersModel, name: string): tfl.layers.Layer | null {
  for (const layer of model.layers) {
    if (layer.name === name) return layer;
    const nested = (layer as Partial<tfl.LayersModel>).layers === undefined ? null : findLayer(layer as tfl.LayersModel, name);
    if (nested !== null) return nested;
  }
  return null;
}

/** A layer's variables by the name it gave `addWeight` (`gamma`, `attention/query/kernel`); the layer may be nested. @hidden */
export function variablesOf(model: tfl.LayersModel, layerName: string): Map<string, tfl.LayerVariable> {
  const layer = findLayer(model, layerName);
  if (layer === null) throw new ValueError(`the model has no layer \`${layerName}\`.`);
  return new Map(layer.weights.map((w) => [(w.originalName ?? w.name).slice(layerName.length + 1), w]));
}
