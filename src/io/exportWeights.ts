/** Weights out to PyTorch checkpoints, by the name maps of {@link importWeights}. */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { invalidField } from '../_internal/errors.js';
import { checkLayersModel, checkOneOf } from '../_internal/validate.js';
import { readPairs } from '../_internal/weightPairs.js';
import { gpt2ModelShape, gpt2ToNanoGPT, readGPT2 } from '../attention/gpt2Layout.js';
import type { WeightLayout } from './importWeights.js';
import { isPairLayout, PAIR_LAYOUTS, WEIGHT_LAYOUTS } from './_weightLayouts.js';

/**
 * Options of {@link exportWeights}.
 *
 * @category IO
 */
export interface ExportWeightsOptions {
  /** The layout to write. */
  to: WeightLayout;
}

/**
 * A model's weights under a PyTorch layout's names and shapes (see
 * {@link WeightLayout}), ready for `writeSafetensors`; PyTorch's
 * `load_state_dict(strict=True)` accepts the names. The inverse of
 * {@link importWeights}: importing the result gives the same model, bit for bit.
 *
 * @param model - A model built here whose architecture the layout describes.
 * @param options - `{ to }`, the layout.
 * @returns New tensors by name (the caller owns them).
 * @throws {@link ValueError} when the model's architecture is not the layout's.
 *
 * @example
 * ```ts
 * import { buildTransformerLM, exportWeights, writeSafetensors } from 'tfjs-generative';
 * const lm = buildTransformerLM({ vocabSize: 65, contextLength: 64, modelDim: 64, numHeads: 4, numLayers: 2 });
 * const bytes = writeSafetensors(exportWeights(lm, { to: 'nanogpt' }));
 * console.log(bytes.length);
 * ```
 *
 * @category IO
 */
export function exportWeights(model: tfl.LayersModel, options: ExportWeightsOptions): Record<string, tf.Tensor> {
  const fn = 'exportWeights';
  checkLayersModel(fn, 'model', model);
  if (options === null || typeof options !== 'object') throw invalidField(fn, 'options', 'an object with `to`', options);
  const to = checkOneOf(fn, 'to', options.to, WEIGHT_LAYOUTS);
  if (isPairLayout(to)) {
    const layout = PAIR_LAYOUTS[to];
    const pairs = layout.pairs(fn, model);
    const out = readPairs(pairs);
    for (const name of layout.counters(pairs)) out[name] = tf.scalar(0, 'int32');
    return out;
  }
  const nano = to === 'nanogpt';
  const { numLayers, numHeads } = gpt2ModelShape(fn, model, nano ? 'gelu' : 'geluTanh', nano ? 'nanoGPT' : 'GPT-2');
  const gpt2 = readGPT2(model, numLayers, numHeads);
  return nano ? gpt2ToNanoGPT(gpt2) : gpt2;
}
