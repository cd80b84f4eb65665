/**
 * A named contract, read by io/importWeights.ts and io/exportWeights.ts:
 * pytorch/examples' VAE (`vae/main.py`, Kingma & Welling 2013) checkpoint names
 * for a dense VAE built by buildVAE with one hidden layer.
 *
 * `fc1` (input → hidden, ReLU) ↔ `enc_dense0`, `fc21` (mean) ↔ `enc_mean`,
 * `fc22` (log-variance) ↔ `enc_log_var`, `fc3` (latent → hidden, ReLU) ↔
 * `dec_dense0`, `fc4` (hidden → output) ↔ `dec_output`. nn.Linear stores
 * `[out, in]`, tfjs' dense kernel `[in, out]`: transposed both ways. The
 * example's decoder ends in a sigmoid; the decoder here returns its logits
 * (the Bernoulli likelihood works from logits).
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ValueError } from '../_internal/errors.js';
import { findLayer, variablesOf, type WeightPair } from '../_internal/weightPairs.js';

const LINEARS = [['fc1', 'enc_dense0'], ['fc21', 'enc_mean'], ['fc22', 'enc_log_var'], ['fc3', 'dec_dense0'], ['fc4', 'dec_output']] as const;

/** Whether `model` is (or holds) a buildVAE encoder and decoder. @hidden */
export function isDenseVAE(model: tfl.LayersModel): boolean {
  return findLayer(model, 'enc_mean') !== null && findLayer(model, 'dec_output') !== null;
}

/**
 * The pairs of a buildVAE model (its `vae` model, which holds the encoder and
 * decoder) with pytorch/examples' names. Refuses a VAE that the example cannot
 * hold: more than one hidden layer, a conditional or convolutional VAE.
 * @hidden
 */
export function vaePairs(fn: string, model: tfl.LayersModel): WeightPair[] {
  if (!isDenseVAE(model)) throw new ValueError(`${fn}: invalid \`model\`: expected the \`vae\` model of a buildVAE result.`);
  if (findLayer(model, 'enc_dense1') !== null || findLayer(model, 'dec_dense1') !== null || findLayer(model, 'dec_dense0') === null) {
    throw new ValueError(`${fn}: pytorch/examples' VAE has exactly one hidden layer (fc1, fc3); this VAE has another number (\`hiddenUnits\`).`);
  }
  const encoderInputs = (findLayer(model, 'vae_encoder') as tfl.LayersModel | null)?.inputs.length ?? 1;
  if (encoderInputs !== 1) throw new ValueError(`${fn}: pytorch/examples' VAE is not conditional; this one takes labels.`);
  const transpose = (t: tf.Tensor): tf.Tensor => (t.rank === 2 ? tf.transpose(t) : t);
  return LINEARS.flatMap(([torch, layer]) => {
    const vars = variablesOf(model, layer);
    return [
      { name: `${torch}.weight`, variable: vars.get('kernel')!, toModel: transpose, fromModel: transpose },
      { name: `${torch}.bias`, variable: vars.get('bias')!, toModel: (t: tf.Tensor) => t, fromModel: (v: tf.Tensor) => v },
    ];
  });
}
