/**
 * Hugging Face GPT-2's checkpoint layout and how it maps onto a
 * buildTransformerLM model, both ways.
 *
 * GPT-2 (`GPT2LMHeadModel`) names: `wte.weight` [V, C], `wpe.weight` [P, C],
 * `h.{i}.ln_1.{weight,bias}`, `h.{i}.attn.c_attn.{weight [C, 3C], bias [3C]}`
 * (query, key, value side by side; `Conv1D` stores `[in, out]`, the order a
 * matMul takes), `h.{i}.attn.c_proj.{weight [C, C], bias}`, `h.{i}.ln_2.*`,
 * `h.{i}.mlp.c_fc.{weight [C, F], bias [F]}`, `h.{i}.mlp.c_proj.{weight [F, C], bias}`,
 * `ln_f.*`; newer saves put all of it under `transformer.` and may add an
 * `lm_head.weight` tied to `wte.weight`; older ones carry the causal-mask buffers
 * `h.{i}.attn.bias` / `h.{i}.attn.masked_bias`, which hold no weights.
 *
 * Legend: V vocabulary, P positions, C width, H heads, D head size (C / H), F MLP width.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ValueError } from '../_internal/errors.js';
import { LM_LAYER_NAMES } from './buildTransformerLM.js';

/** The sizes of a GPT-2 checkpoint, read off its tensors' shapes. @hidden */
export interface GPT2Geometry {
  vocabSize: number;
  contextLength: number;
  modelDim: number;
  numLayers: number;
  mlpRatio: number;
}

/** Drops `transformer.` (newer saves) and the mask buffers; checks a present `lm_head.weight` is tied. @hidden */
export function canonicalGPT2(fn: string, tensors: Record<string, tf.Tensor>): Map<string, tf.Tensor> {
  const out = new Map<string, tf.Tensor>();
  for (const [name, t] of Object.entries(tensors)) {
    if (!(t instanceof tf.Tensor)) throw new ValueError(`${fn}: \`${name}\` is not a tf.Tensor.`);
    const bare = name.startsWith('transformer.') ? name.slice('transformer.'.length) : name;
    if (/^h\.\d+\.attn\.(masked_)?bias$/.test(bare)) continue;
    out.set(bare, t);
  }
  return out;
}

function need(fn: string, weights: Map<string, tf.Tensor>, name: string, shape: readonly number[] | null): tf.Tensor {
  const t = weights.get(name);
  if (t === undefined) throw new ValueError(`${fn}: the checkpoint has no \`${name}\` (nor \`transformer.${name}\`): is it a GPT-2 checkpoint?`);
  if (shape !== null && (t.rank !== shape.length || t.shape.some((d, i) => d !== shape[i]))) {
    throw new ValueError(`${fn}: \`${name}\` has shape [${t.shape.join(', ')}], expected [${shape.join(', ')}] from the checkpoint's other tensors.`);
  }
  if (t.dtype !== 'float32') throw new ValueError(`${fn}: \`${name}\` is ${t.dtype}, expected float32.`);
  return t;
}

/** Reads the sizes off the shapes and checks every tensor is there with its shape; refuses unknown names. @hidden */
export function gpt2Geometry(fn: string, weights: Map<string, tf.Tensor>): GPT2Geometry {
  const wte = need(fn, weights, 'wte.weight', null);
  const wpe = need(fn, weights, 'wpe.weight', null);
  if (wte.rank !== 2 || wpe.rank !== 2 || wte.shape[1] !== wpe.shape[1]) {
    throw new ValueError(`${fn}: \`wte.weight\` [${wte.shape.join(', ')}] and \`wpe.weight\` [${wpe.shape.join(', ')}] must be [V, C] and [P, C].`);
  }
  const [vocabSize, c] = wte.shape as [number, number];
  const contextLength = wpe.shape[0]!;
  let numLayers = 0;
  while (weights.has(`h.${numLayers}.ln_1.weight`)) numLayers++;
  if (numLayers === 0) throw new ValueError(`${fn}: the checkpoint has no blocks (\`h.0.ln_1.weight\`).`);
  const fc = need(fn, weights, 'h.0.mlp.c_fc.weight', null);
  if (fc.rank !== 2 || fc.shape[0] !== c) throw new ValueError(`${fn}: \`h.0.mlp.c_fc.weight\` has shape [${fc.shape.join(', ')}], expected [${c}, F].`);
  const f = fc.shape[1]!;
  const known = new Set(['wte.weight', 'wpe.weight', 'ln_f.weight', 'ln_f.bias', 'lm_head.weight']);
  const expect = (name: string, shape: number[]): void => {
    need(fn, weights, name, shape);
    known.add(name);
  };
  expect('ln_f.weight', [c]);
  expect('ln_f.bias', [c]);
  for (let i = 0; i < numLayers; i++) {
    for (const [name, shape] of blockShapes(c, f)) expect(`h.${i}.${name}`, shape);
  }
  const head = weights.get('lm_head.weight');
  if (head !== undefined) {
    const tied = head.rank === 2 && head.shape[0] === vocabSize && head.shape[1] === c && tf.tidy(() => tf.all(tf.equal(head, wte)).dataSync()[0] === 1);
    if (!tied) throw new ValueError(`${fn}: \`lm_head.weight\` differs from \`wte.weight\`; only GPT-2's tied output embedding is supported.`);
  }
  for (const name of weights.keys()) {
    if (!known.has(name)) throw new ValueError(`${fn}: unexpected tensor \`${name}\` for a GPT-2 of ${numLayers} blocks.`);
  }
  return { vocabSize, contextLength, modelDim: c, numLayers, mlpRatio: f / c };
}

function blockShapes(c: number, f: number): [string, number[]][] {
  return [
    ['ln_1.weight', [c]], ['ln_1.bias', [c]],
    ['attn.c_attn.weight', [c, 3 * c]], ['attn.c_attn.bias', [3 * c]],
    ['attn.c_proj.weight', [c, c]], ['attn.c_proj.bias', [c]],
    ['ln_2.weight', [c]], ['ln_2.bias', [c]],
    ['mlp.c_fc.weight', [c, f]], ['mlp.c_fc.bias', [f]],
    ['mlp.c_proj.weight', [f, c]], ['mlp.c_proj.bias', [c]],
  ];
}

/** A layer's variables by the name it gave `addWeight` (`attention/query/kernel`). */
function variablesOf(model: tfl.LayersModel, layerName: string): Map<string, tfl.LayerVariable> {
  const layer = model.getLayer(layerName);
  return new Map(layer.weights.map((w) => [(w.originalName ?? w.name).slice(layerName.length + 1), w]));
}

/**
 * Pairs every variable of a buildTransformerLM model with its GPT-2 tensor:
 * `toModel` maps a GPT-2 tensor to the variable's layout, `fromModel` back.
 * Heads split the width: `[C, C]` ↔ `[C, H, D]`, biases `[C]` ↔ `[H, D]`,
 * the output projection `[C, C]` ↔ `[H, D, C]`.
 * @hidden
 */
export function gpt2Pairs(
  model: tfl.LayersModel,
  numLayers: number,
  numHeads: number,
): { gpt2: string; variable: tfl.LayerVariable; toModel: (t: tf.Tensor) => tf.Tensor; fromModel: (v: tf.Tensor) => tf.Tensor }[] {
  const same = (t: tf.Tensor): tf.Tensor => t;
  const pairs: ReturnType<typeof gpt2Pairs> = [];
  const add = (gpt2: string, vars: Map<string, tfl.LayerVariable>, name: string, toModel = same, fromModel = same): void => {
    const variable = vars.get(name);
    if (variable === undefined) throw new ValueError(`a GPT-2 model needs the variable \`${name}\`; was the model built by buildTransformerLM?`);
    pairs.push({ gpt2, variable, toModel, fromModel });
  };
  add('wte.weight', variablesOf(model, LM_LAYER_NAMES.tokenEmbedding), 'embeddings');
  add('wpe.weight', variablesOf(model, LM_LAYER_NAMES.positionEmbedding), 'embeddings');
  for (let i = 0; i < numLayers; i++) {
    const v = variablesOf(model, LM_LAYER_NAMES.block(i));
    const h = `h.${i}.`;
    const c = v.get('norm_1/gamma')!.shape[0]!;
    const d = c / numHeads;
    add(`${h}ln_1.weight`, v, 'norm_1/gamma');
    add(`${h}ln_1.bias`, v, 'norm_1/beta');
    // c_attn holds query, key and value side by side: columns [0, C), [C, 2C), [2C, 3C).
    ['query', 'key', 'value'].forEach((part, k) => {
      add(`${h}attn.c_attn.weight#${k}`, v, `attention/${part}/kernel`, (t) => tf.reshape(tf.slice(t, [0, k * c], [c, c]), [c, numHeads, d]), (w) => tf.reshape(w, [c, c]));
      add(`${h}attn.c_attn.bias#${k}`, v, `attention/${part}/bias`, (t) => tf.reshape(tf.slice(t, [k * c], [c]), [numHeads, d]), (w) => tf.reshape(w, [c]));
    });
    add(`${h}attn.c_proj.weight`, v, 'attention/attention_output/kernel', (t) => tf.reshape(t, [numHeads, d, c]), (w) => tf.reshape(w, [c, c]));
    add(`${h}attn.c_proj.bias`, v, 'attention/attention_output/bias');
    add(`${h}ln_2.weight`, v, 'norm_2/gamma');
    add(`${h}ln_2.bias`, v, 'norm_2/beta');
    add(`${h}mlp.c_fc.weight`, v, 'mlp/dense_1/kernel');
    add(`${h}mlp.c_fc.bias`, v, 'mlp/dense_1/bias');
    add(`${h}mlp.c_proj.weight`, v, 'mlp/dense_2/kernel');
    add(`${h}mlp.c_proj.bias`, v, 'mlp/dense_2/bias');
  }
  const f = variablesOf(model, LM_LAYER_NAMES.finalNorm);
  add('ln_f.weight', f, 'gamma');
  add('ln_f.bias', f, 'beta');
  return pairs;
}

/** The GPT-2 tensor name of a pair (query/key/value share `c_attn`, told apart by `#k`). @hidden */
export function gpt2TensorName(pairName: string): string {
  return pairName.replace(/#\d$/, '');
}
