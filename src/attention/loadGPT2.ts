/**
 * GPT-2 from Hugging Face checkpoints (Radford et al. 2019, "Language Models are
 * Unsupervised Multitask Learners"; the layout of `GPT2LMHeadModel`'s
 * `model.safetensors`).
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { invalidField, ValueError } from '../_internal/errors.js';
import { checkPositiveInt } from '../_internal/validate.js';
import { readSafetensors } from '../io/readSafetensors.js';
import { assignGPT2, canonicalGPT2, gpt2Geometry } from './gpt2Layout.js';
import { buildTransformerLM } from './buildTransformerLM.js';

const FN = 'loadGPT2';

/**
 * Options of {@link loadGPT2}.
 *
 * @category Attention
 */
export interface LoadGPT2Options {
  /** Attention heads; the checkpoint does not record them. Defaults to width / 64 (GPT-2's rule: 12 for small, 16 for medium, 20 for large, 25 for XL). */
  numHeads?: number;
}

/**
 * Builds a GPT-2 language model from a Hugging Face checkpoint.
 *
 * Reads the original `model.safetensors` layout (`wte.weight`, `wpe.weight`,
 * `h.{i}.ln_1.weight`, `h.{i}.attn.c_attn.weight` in `Conv1D`'s `[in, out]`
 * order, `h.{i}.mlp.c_fc.weight`, `ln_f.weight`, …; the `attn.bias` /
 * `attn.masked_bias` buffers are ignored) and newer saves (the same under
 * `transformer.`, with or without an `lm_head.weight` tied to `wte.weight`).
 * Layers, width, vocabulary, positions and MLP width come from the shapes. The
 * model is a {@link buildTransformerLM} model with GPT-2's mathematics:
 * tanh-approximate GELU, LayerNorm ε = 1e-5, learned positions, the output
 * tied to the token embedding. So `generate` runs it with its key/value cache,
 * `trainLanguageModel` fine-tunes it, and {@link exportGPT2} writes it back.
 *
 * Weights come from the user (no download here): the `model.safetensors` of
 * a GPT-2 model repository, or any checkpoint saved in that layout.
 *
 * @param source - The checkpoint's bytes (read with `readSafetensors`), or
 *   its tensors by name (for example from `openSafetensors(…).readAll()`;
 *   they stay the caller's).
 * @param options - See {@link LoadGPT2Options}.
 * @returns A `tf.LayersModel` from token ids `[B, T]` to logits `[B, T, V]`.
 * @throws {@link ValueError} naming the tensor when one is missing, has the
 *   wrong shape, or is not GPT-2's, and when the width is not divisible by
 *   `numHeads`; before any weight is created.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { generate, loadGPT2 } from 'tfjs-generative';
 * const gpt2 = loadGPT2(readFileSync('gpt2/model.safetensors'));
 * const { tokens } = await generate(gpt2, [464, 3290], { maxNewTokens: 20, temperature: 0 });
 * console.log(tokens);
 * ```
 *
 * @category Attention
 */
export function loadGPT2(source: Uint8Array | ArrayBuffer | Record<string, tf.Tensor>, options: LoadGPT2Options = {}): tfl.LayersModel {
  if (options === null || typeof options !== 'object') throw invalidField(FN, 'options', 'an object', options);
  for (const key of Object.keys(options)) {
    if (key !== 'numHeads') throw new ValueError(`${FN}: unknown option \`${key}\`: expected \`numHeads\`.`);
  }
  const fromBytes = source instanceof Uint8Array || source instanceof ArrayBuffer;
  if (!fromBytes && (source === null || typeof source !== 'object' || Array.isArray(source))) {
    throw invalidField(FN, 'source', 'the bytes of a safetensors file or an object of tensors by name', source);
  }
  const tensors = fromBytes ? readSafetensors(source).tensors : source;
  try {
    const weights = canonicalGPT2(FN, tensors);
    const geometry = gpt2Geometry(FN, weights);
    const numHeads = resolveHeads(geometry.modelDim, options.numHeads);
    const model = buildTransformerLM({ ...geometry, numHeads, activation: 'geluTanh', tieEmbeddings: true });
    try {
      assignGPT2(FN, model, weights, geometry.numLayers, numHeads);
    } catch (error) {
      model.dispose();
      throw error;
    }
    return model;
  } finally {
    if (fromBytes) tf.dispose(Object.values(tensors));
  }
}

function resolveHeads(width: number, numHeads: unknown): number {
  if (numHeads === undefined) {
    if (width % 64 !== 0) {
      throw new ValueError(`${FN}: the width ${width} is not a multiple of 64, so GPT-2's rule (width / 64 heads) does not apply: give \`numHeads\`.`);
    }
    return width / 64;
  }
  const heads = checkPositiveInt(FN, 'numHeads', numHeads);
  if (width % heads !== 0) throw new ValueError(`${FN}: invalid \`numHeads\`: the width ${width} is not divisible by ${heads}.`);
  return heads;
}
