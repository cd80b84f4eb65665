/**
 * A named contract, read by io/importWeights.ts and io/exportWeights.ts: the
 * checkpoint names of the PyTorch twin of buildWaveNet
 * (`python/tfjs_generative/wavenet.py`, a standard gated residual WaveNet,
 * van den Oord et al. 2016, https://arxiv.org/abs/1609.03499).
 *
 * The twin's modules: `input_conv = Conv1d(Q, R, 1, bias=False)` over one-hot
 * classes (the embedding table here), per block `i`
 * `blocks.{i}.dilated = Conv1d(R, 2R, K, dilation=d)` left-padded by `(K-1)·d`
 * (filter half first, gate half second), `blocks.{i}.conditioning =
 * Linear(G, 2R, bias=False)` with `conditioningDim`, `blocks.{i}.residual =
 * Conv1d(R, R, 1)`, `blocks.{i}.skip = Conv1d(R, S, 1)`, and the head
 * `output.0 = Conv1d(S, S, 1)`, `output.1 = Conv1d(S, Q, 1)` (relu before each).
 * Conv1d stores `[out, in, K]`, tfjs' causal kernel `[K, in, out]` (transposed by
 * the permutation (2, 1, 0) both ways); the 1×1 convolutions `[out, in, 1]` ↔
 * dense kernels `[in, out]`; the input convolution `[R, Q, 1]` ↔ the embedding
 * table `[Q, R]`; Linear `[out, in]` ↔ `[in, out]`.
 *
 * Legend: Q classes, R residual channels, S skip channels, K taps, G conditioning size.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ValueError } from '../_internal/errors.js';
import { variablesOf, type WeightPair } from '../_internal/weightPairs.js';
import { WAVENET_LAYER_NAMES } from './buildWaveNet.js';
import { waveNetParts } from './waveNetParts.js';

const same = (t: tf.Tensor): tf.Tensor => t;

/**
 * A conversion that first checks the checkpoint tensor's rank (and a 1×1
 * kernel's last axis), so that a tensor of another layout is refused by name
 * instead of being transposed into a shape that happens to fit.
 */
function checked(fn: string, name: string, layout: string, rank: number, pointwise: boolean, convert: (t: tf.Tensor) => tf.Tensor): (t: tf.Tensor) => tf.Tensor {
  return (t) => {
    if (t.rank !== rank || (pointwise && t.shape[2] !== 1)) {
      throw new ValueError(`${fn}: \`${name}\` has shape [${t.shape.join(', ')}], expected ${layout}.`);
    }
    return convert(t);
  };
}
/** Conv1d `[out, in, K]` ↔ `[K, in, out]`: the permutation is its own inverse. */
const swapOutAndTaps = (t: tf.Tensor): tf.Tensor => tf.transpose(t, [2, 1, 0]);
/** Conv1d 1×1 `[out, in, 1]` → dense `[in, out]`. */
const pointwiseToModel = (t: tf.Tensor): tf.Tensor => tf.transpose(tf.squeeze(t, [2]), [1, 0]);
/** Dense `[in, out]` → Conv1d 1×1 `[out, in, 1]`. */
const pointwiseFromModel = (v: tf.Tensor): tf.Tensor => tf.expandDims(tf.transpose(v, [1, 0]), 2);
/** Linear `[out, in]` ↔ dense `[in, out]`. */
const transpose2d = (t: tf.Tensor): tf.Tensor => tf.transpose(t, [1, 0]);

/**
 * The pairs of a buildWaveNet model with the twin's names (see the file's
 * comment). Every block's variables, in block order, then the head.
 * @hidden
 */
export function waveNetPairs(fn: string, model: tfl.LayersModel): WeightPair[] {
  const parts = waveNetParts(model);
  if (parts === null) throw new ValueError(`${fn}: invalid \`model\`: expected a model built by buildWaveNet.`);
  const pairs: WeightPair[] = [];
  const pointwise = (name: string, variable: tfl.LayerVariable): void => {
    pairs.push({ name, variable, toModel: checked(fn, name, 'a Conv1d 1×1 kernel [out, in, 1]', 3, true, pointwiseToModel), fromModel: pointwiseFromModel });
  };
  const bias = (name: string, variable: tfl.LayerVariable): void => {
    pairs.push({ name, variable, toModel: same, fromModel: same });
  };
  pointwise('input_conv.weight', variablesOf(model, WAVENET_LAYER_NAMES.embedding).get('embeddings')!);
  parts.blocks.forEach((block, i) => {
    const v = variablesOf(model, block.name);
    const p = `blocks.${i}.`;
    pairs.push({ name: `${p}dilated.weight`, variable: v.get('dilated/kernel')!, toModel: checked(fn, `${p}dilated.weight`, 'a Conv1d kernel [2R, R, K]', 3, false, swapOutAndTaps), fromModel: swapOutAndTaps });
    bias(`${p}dilated.bias`, v.get('dilated/bias')!);
    const conditioning = v.get('conditioning/kernel');
    if (conditioning !== undefined) {
      pairs.push({ name: `${p}conditioning.weight`, variable: conditioning, toModel: checked(fn, `${p}conditioning.weight`, 'a Linear weight [2R, G]', 2, false, transpose2d), fromModel: transpose2d });
    }
    for (const part of ['residual', 'skip'] as const) {
      pointwise(`${p}${part}.weight`, v.get(`${part}/kernel`)!);
      bias(`${p}${part}.bias`, v.get(`${part}/bias`)!);
    }
  });
  [WAVENET_LAYER_NAMES.headHidden, WAVENET_LAYER_NAMES.headLogits].forEach((layer, j) => {
    const v = variablesOf(model, layer);
    pointwise(`output.${j}.weight`, v.get('kernel')!);
    bias(`output.${j}.bias`, v.get('bias')!);
  });
  return pairs;
}
