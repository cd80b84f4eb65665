/**
 * Weights in from PyTorch checkpoints, by documented name maps: the
 * transformer LM's (Hugging Face GPT-2, nanoGPT), DCGAN's and the VAE's
 * (pytorch/examples), WaveNet's (this repository's PyTorch twin).
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { invalidField, ValueError } from '../_internal/errors.js';
import { assignPairs } from '../_internal/weightPairs.js';
import { checkOneOf, checkLayersModel } from '../_internal/validate.js';
import { assignGPT2, canonicalGPT2, checkGPT2Names, gpt2ModelShape, nanoGPTToGPT2 } from '../attention/gpt2Layout.js';
import { isPairLayout, PAIR_LAYOUTS, WEIGHT_LAYOUTS } from './_weightLayouts.js';

/**
 * A PyTorch checkpoint layout that {@link importWeights} reads and
 * {@link exportWeights} writes:
 * - `'gpt2'`: Hugging Face's `GPT2LMHeadModel` (`h.{i}.attn.c_attn.weight` …,
 *   `Conv1D` weights `[in, out]`; optionally under `transformer.` with a tied
 *   `lm_head.weight`), for a {@link "tfjs-generative/attention"!buildTransformerLM | buildTransformerLM} model with
 *   `activation: 'geluTanh'` and tied embeddings.
 * - `'nanogpt'`: nanoGPT's `GPT` state dict (`transformer.h.{i}.attn.c_attn.weight` …,
 *   `nn.Linear` weights `[out, in]`, a tied `lm_head.weight`; `_orig_mod.` and
 *   `module.` prefixes stripped on import), for a {@link "tfjs-generative/attention"!buildTransformerLM | buildTransformerLM}
 *   model with the default exact `'gelu'` and tied embeddings.
 * - `'dcgan'`: pytorch/examples' DCGAN `netG` / `netD` state dicts
 *   (`main.{i}.weight`, batch norms' `running_mean` / `running_var`), for an
 *   unconditional {@link "tfjs-generative/gan"!buildDCGAN | buildDCGAN} generator or (batch-norm) discriminator.
 *   netD ends in a sigmoid; the discriminator here returns its logit. PyTorch
 *   updates `running_var` with the unbiased batch variance, tfjs-layers with the
 *   biased one (ratio n/(n−1)): a loaded model is exact, one trained further in
 *   either framework drifts slightly apart in eval mode.
 * - `'vae'`: pytorch/examples' VAE (`fc1`, `fc21`, `fc22`, `fc3`, `fc4`), for
 *   the `vae` model of a {@link "tfjs-generative/vae"!buildVAE | buildVAE} result with one hidden layer
 *   (`hiddenUnits: [400]`, `latentDim: 20` for the example's sizes). The
 *   example's decoder ends in a sigmoid; the decoder here returns logits.
 * - `'wavenet'`: the PyTorch twin of {@link "tfjs-generative/audio"!buildWaveNet | buildWaveNet} in this
 *   repository's `python/tfjs_generative/wavenet.py`: `input_conv.weight`
 *   (`Conv1d(Q, R, 1, bias=False)` over one-hot classes, the embedding table
 *   here), `blocks.{i}.dilated.{weight,bias}` (`Conv1d(R, 2R, K, dilation)`,
 *   filter half then gate half), `blocks.{i}.conditioning.weight` (with
 *   `conditioningDim`), `blocks.{i}.residual.*`, `blocks.{i}.skip.*` and the
 *   head `output.0.*`, `output.1.*` (1×1 convolutions). Conv1d kernels
 *   `[out, in, K]` become tfjs' `[K, in, out]`.
 *
 * @category IO
 */
export type WeightLayout = 'gpt2' | 'nanogpt' | 'dcgan' | 'vae' | 'wavenet';

/**
 * Options of {@link importWeights}.
 *
 * @category IO
 */
export interface ImportWeightsOptions {
  /** The layout the tensors are in. */
  from: WeightLayout;
}

/**
 * Copies a PyTorch checkpoint's tensors into a model built here, by the
 * layout's name map (see {@link WeightLayout}): kernels transposed or
 * reshaped as the layout needs, fused projections split. Every tensor is
 * checked (present, shape matching the model's variable, no unknown name)
 * before the first weight is written, so a mismatch leaves the model as it was.
 *
 * Read the checkpoint with `readSafetensors` (PyTorch:
 * `safetensors.torch.save_file(model.state_dict(), path)`).
 *
 * @param model - The model to fill, built with the sizes of the checkpoint.
 * @param tensors - The checkpoint's tensors by name; they stay the caller's.
 * @param options - `{ from }`, the layout.
 * @throws {@link ValueError} naming the tensor that is missing, unknown or of
 *   another shape, or the model's block whose activation differs from the layout's.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { buildTransformerLM, importWeights, readSafetensors } from 'tfjs-generative';
 * const lm = buildTransformerLM({ vocabSize: 65, contextLength: 256, modelDim: 384, numHeads: 6, numLayers: 6 });
 * importWeights(lm, readSafetensors(readFileSync('ckpt.safetensors')).tensors, { from: 'nanogpt' });
 * ```
 *
 * @category IO
 */
export function importWeights(model: tfl.LayersModel, tensors: Record<string, tf.Tensor>, options: ImportWeightsOptions): void {
  const fn = 'importWeights';
  checkLayersModel(fn, 'model', model);
  if (tensors === null || typeof tensors !== 'object' || Array.isArray(tensors)) throw invalidField(fn, 'tensors', 'an object of tensors by name', tensors);
  if (options === null || typeof options !== 'object') throw invalidField(fn, 'options', 'an object with `from`', options);
  const from = checkOneOf(fn, 'from', options.from, WEIGHT_LAYOUTS);
  if (isPairLayout(from)) {
    const layout = PAIR_LAYOUTS[from];
    const pairs = layout.pairs(fn, model);
    const known = new Set([...pairs.map((p) => p.name), ...layout.counters(pairs)]);
    for (const name of Object.keys(tensors)) {
      if (!known.has(name)) throw new ValueError(`${fn}: unexpected tensor \`${name}\` for this model in the '${from}' layout (expected ${[...known].slice(0, 4).join(', ')}, …).`);
    }
    assignPairs(fn, pairs, (name) => tensors[name]);
    return;
  }
  const nano = from === 'nanogpt';
  const { numLayers, numHeads } = gpt2ModelShape(fn, model, nano ? 'gelu' : 'geluTanh', nano ? 'nanoGPT' : 'GPT-2');
  const weights = nano ? nanoGPTToGPT2(fn, tensors) : canonicalGPT2(fn, tensors);
  try {
    checkGPT2Names(fn, weights, numLayers, nano ? 'nanoGPT' : 'GPT-2');
    assignGPT2(fn, model, weights, numLayers, numHeads);
  } finally {
    // The nanoGPT conversion made new tensors; canonical GPT-2 names are the caller's own.
    if (nano) tf.dispose([...weights.values()]);
  }
}
