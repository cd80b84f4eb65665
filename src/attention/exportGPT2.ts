/** Writing a GPT-2-shaped language model back in Hugging Face's checkpoint layout. */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { invalidField } from '../_internal/errors.js';
import { checkLayersModel } from '../_internal/validate.js';
import { gpt2ModelShape, readGPT2 } from './gpt2Layout.js';

const FN = 'exportGPT2';

/**
 * Options of {@link exportGPT2}.
 *
 * @category Attention
 */
export interface ExportGPT2Options {
  /** Write newer `GPT2LMHeadModel` names (`transformer.h.0…` and `lm_head.weight`) instead of the original ones (`h.0…`). Defaults to `false`. */
  transformerPrefix?: boolean;
}

/**
 * The weights of a GPT-2-shaped model under Hugging Face GPT-2's names, the
 * inverse of {@link loadGPT2}: write them with `writeSafetensors` and
 * `GPT2LMHeadModel.from_pretrained` (or {@link loadGPT2}) reads them.
 *
 * The model must compute what GPT-2 computes: built by {@link loadGPT2}, or by
 * {@link buildTransformerLM} with `activation: 'geluTanh'` and tied
 * embeddings (the defaults otherwise match: biases, LayerNorm ε 1e-5).
 *
 * @param model - The language model.
 * @param options - See {@link ExportGPT2Options}.
 * @returns New tensors by GPT-2 name (the caller owns them).
 * @throws {@link ValueError} when the model is not GPT-2-shaped (another
 *   activation, an untied output layer, blocks without biases).
 *
 * @example
 * ```ts
 * import { buildTransformerLM, exportGPT2, writeSafetensors } from 'tfjs-generative';
 * const lm = buildTransformerLM({ vocabSize: 64, contextLength: 32, modelDim: 32, numHeads: 2, numLayers: 2, activation: 'geluTanh' });
 * const bytes = writeSafetensors(exportGPT2(lm), { format: 'pt' });
 * console.log(bytes.length);
 * ```
 *
 * @category Attention
 */
export function exportGPT2(model: tfl.LayersModel, options: ExportGPT2Options = {}): Record<string, tf.Tensor> {
  checkLayersModel(FN, 'model', model);
  if (options === null || typeof options !== 'object') throw invalidField(FN, 'options', 'an object', options);
  const prefix = options.transformerPrefix ?? false;
  if (typeof prefix !== 'boolean') throw invalidField(FN, 'transformerPrefix', 'a boolean', prefix);
  const { numLayers, numHeads } = gpt2ModelShape(FN, model, 'geluTanh', 'GPT-2');
  const out = readGPT2(model, numLayers, numHeads);
  if (!prefix) return out;
  const renamed: Record<string, tf.Tensor> = {};
  for (const [name, t] of Object.entries(out)) renamed[`transformer.${name}`] = t;
  renamed['lm_head.weight'] = tf.clone(out['wte.weight']!);
  return renamed;
}
