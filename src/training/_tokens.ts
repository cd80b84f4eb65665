/**
 * Token streams for language-model training and evaluation: validation and
 * the windows `x = tokens[s : s+T]`, `y = tokens[s+1 : s+T+1]`.
 *
 * Legend: N tokens, B batch, T context length.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { invalidField, ValueError } from '../_internal/errors.js';
import { checkLayersModel, checkPositiveInt } from '../_internal/validate.js';
import { languageModelParts } from '../attention/languageModelParts.js';


/** Validates `tokens` (integers in [0, V)) and copies them to an Int32Array. @hidden */
export async function tokenArray(fn: string, tokens: unknown, vocabSize: number, minLength: number): Promise<Int32Array> {
  let values: ArrayLike<number>;
  if (tokens instanceof tf.Tensor) {
    if (tokens.rank !== 1) throw invalidField(fn, 'tokens', 'a 1-D tensor of token ids', `a tensor of rank ${tokens.rank}`);
    values = await tokens.data();
  } else if (Array.isArray(tokens) || tokens instanceof Int32Array || tokens instanceof Uint16Array || tokens instanceof Uint8Array) {
    values = tokens as ArrayLike<number>;
  } else {
    throw invalidField(fn, 'tokens', 'an array, typed array or 1-D tensor of token ids', tokens);
  }
  if (values.length < minLength) {
    throw invalidField(fn, 'tokens', `at least ${minLength} tokens (contextLength + 1)`, `${values.length} tokens`);
  }
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const t = values[i]!;
    if (!Number.isInteger(t) || t < 0 || t >= vocabSize) {
      throw invalidField(fn, 'tokens', `token ids that are integers in [0, ${vocabSize})`, `${t} at index ${i}`);
    }
    out[i] = t;
  }
  return out;
}

/** Vocabulary size and context length of a language model. @hidden */
export function modelGeometry(fn: string, model: unknown, contextLength: unknown): { vocabSize: number; contextLength: number } {
  const m = checkLayersModel(fn, 'model', model);
  const out = m.outputs[0]!.shape;
  const vocabSize = out[out.length - 1];
  if (out.length !== 3 || typeof vocabSize !== 'number') {
    throw new ValueError(`${fn}: the model must output logits [B, T, V]; its output shape is [${out.join(', ')}].`);
  }
  const parts = languageModelParts(m as tfl.LayersModel);
  const fixed = m.inputs?.[0]?.shape[1];
  const given = contextLength ?? parts?.positions.sequenceLength ?? (typeof fixed === 'number' ? fixed : undefined);
  if (given === undefined) throw invalidField(fn, 'contextLength', 'a positive integer (the model does not fix it)', given);
  const length = checkPositiveInt(fn, 'contextLength', given);
  if (parts !== null && length > parts.positions.sequenceLength) {
    throw invalidField(fn, 'contextLength', `at most the model's ${parts.positions.sequenceLength}`, length);
  }
  return { vocabSize, contextLength: length };
}

/** Inputs and targets `[B, T]` for windows starting at `starts`. @hidden */
export function windowBatch(tokens: Int32Array, starts: readonly number[], length: number): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const b = starts.length;
  const x = new Int32Array(b * length);
  const y = new Int32Array(b * length);
  starts.forEach((s, r) => {
    x.set(tokens.subarray(s, s + length), r * length);
    y.set(tokens.subarray(s + 1, s + length + 1), r * length);
  });
  return { x: tf.tensor2d(x, [b, length], 'int32'), y: tf.tensor2d(y, [b, length], 'int32') };
}
