/**
 * A named contract: read by attention/loadGPT2.ts, attention/exportGPT2.ts and io/importWeights.ts, io/exportWeights.ts.
 *
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
import { assignPairs, readPairs, variablesOf, type WeightPair } from '../_internal/weightPairs.js';
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
  need(fn, weights, 'ln_f.weight', [c]);
  need(fn, weights, 'ln_f.bias', [c]);
  for (let i = 0; i < numLayers; i++) {
    for (const [name, shape] of blockShapes(c, f)) need(fn, weights, `h.${i}.${name}`, shape);
  }
  checkGPT2Names(fn, weights, numLayers, 'GPT-2');
  return { vocabSize, contextLength, modelDim: c, numLayers, mlpRatio: f / c };
}

/**
 * Refuses names a GPT-2 of `numLayers` blocks does not have, and an
 * `lm_head.weight` that is not tied to `wte.weight`.
 * @hidden
 */
export function checkGPT2Names(fn: string, weights: Map<string, tf.Tensor>, numLayers: number, layout: string): void {
  const known = new Set(['wte.weight', 'wpe.weight', 'ln_f.weight', 'ln_f.bias', 'lm_head.weight']);
  for (let i = 0; i < numLayers; i++) {
    for (const [name] of blockShapes(0, 0)) known.add(`h.${i}.${name}`);
  }
  for (const name of weights.keys()) {
    if (!known.has(name)) throw new ValueError(`${fn}: unexpected tensor \`${name}\` for a ${layout} of ${numLayers} blocks.`);
  }
  const head = weights.get('lm_head.weight');
  const table = weights.get('wte.weight');
  if (head !== undefined) {
    const tied = table !== undefined && tf.util.arraysEqual(head.shape, table.shape) && tf.tidy(() => tf.all(tf.equal(head, table)).dataSync()[0] === 1);
    if (!tied) throw new ValueError(`${fn}: \`lm_head.weight\` differs from \`wte.weight\`; only ${layout}'s tied output embedding is supported.`);
  }
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
): WeightPair[] {
  const same = (t: tf.Tensor): tf.Tensor => t;
  const pairs: WeightPair[] = [];
  const add = (gpt2: string, vars: Map<string, tfl.LayerVariable>, name: string, toModel = same, fromModel = same): void => {
    const variable = vars.get(name);
    if (variable === undefined) throw new ValueError(`a GPT-2 model needs the variable \`${name}\`; was the model built by buildTransformerLM?`);
    pairs.push({ name: gpt2, variable, toModel, fromModel });
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

/** Writes GPT-2 tensors (canonical names) into a buildTransformerLM model (see assignPairs). @hidden */
export function assignGPT2(fn: string, model: tfl.LayersModel, weights: Map<string, tf.Tensor>, numLayers: number, numHeads: number): void {
  assignPairs(fn, gpt2Pairs(model, numLayers, numHeads), (name) => weights.get(gpt2TensorName(name)));
}

/**
 * Checks a model computes GPT-2's architecture with the given MLP activation
 * (`'geluTanh'` for GPT-2, `'gelu'` for nanoGPT) and returns its depth and heads.
 * @hidden
 */
export function gpt2ModelShape(fn: string, model: tfl.LayersModel, activation: 'gelu' | 'geluTanh', layout: string): { numLayers: number; numHeads: number } {
  const names = new Set(model.layers.map((l) => l.name));
  if (!names.has(LM_LAYER_NAMES.tokenEmbedding) || !names.has(LM_LAYER_NAMES.finalNorm) || !names.has(LM_LAYER_NAMES.block(0))) {
    throw new ValueError(`${fn}: invalid \`model\`: expected a model built by buildTransformerLM or loadGPT2.`);
  }
  if (names.has(LM_LAYER_NAMES.head)) throw new ValueError(`${fn}: the model has an untied output layer; ${layout} ties its output to the token embedding.`);
  let numLayers = 0;
  while (names.has(LM_LAYER_NAMES.block(numLayers))) numLayers++;
  for (let i = 0; i < numLayers; i++) {
    const config = model.getLayer(LM_LAYER_NAMES.block(i)).getConfig() as { activation?: unknown; useBias?: unknown };
    if (config.activation !== activation) throw new ValueError(`${fn}: block ${i} uses the ${String(config.activation)} activation; ${layout} uses '${activation}'.`);
    if (config.useBias === false) throw new ValueError(`${fn}: block ${i} has no biases; ${layout}'s layers have biases.`);
  }
  const query = model.getLayer(LM_LAYER_NAMES.block(0)).weights.find((w) => (w.originalName ?? w.name).endsWith('attention/query/kernel'));
  return { numLayers, numHeads: query!.shape[1]! };
}

/** The model's weights as new tensors under canonical GPT-2 names (the caller owns them). @hidden */
export function readGPT2(model: tfl.LayersModel, numLayers: number, numHeads: number): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {};
  const fused = new Map<string, tf.Tensor[]>();
  for (const [pairName, value] of Object.entries(readPairs(gpt2Pairs(model, numLayers, numHeads)))) {
    const name = gpt2TensorName(pairName);
    if (name === pairName) out[name] = value;
    else fused.set(name, [...(fused.get(name) ?? []), value]);
  }
  for (const [name, parts] of fused) {
    // Query, key and value side by side, as c_attn holds them.
    out[name] = tf.concat(parts, parts[0]!.rank - 1);
    tf.dispose(parts);
  }
  return out;
}

// nanoGPT (Karpathy, github.com/karpathy/nanoGPT) names the same tensors under
// `transformer.` with `lm_head.weight` tied, but stores its projections as
// nn.Linear does, [out, in]: the transpose of Conv1D's [in, out].
const LINEAR = /^h\.\d+\.(attn\.c_attn|attn\.c_proj|mlp\.c_fc|mlp\.c_proj)\.weight$/;

/**
 * nanoGPT's `state_dict` (with or without `_orig_mod.` from torch.compile and
 * `module.` from DistributedDataParallel) to canonical GPT-2 names and layouts.
 * The returned tensors are new (the caller disposes them).
 * @hidden
 */
export function nanoGPTToGPT2(fn: string, tensors: Record<string, tf.Tensor>): Map<string, tf.Tensor> {
  const stripped: Record<string, tf.Tensor> = {};
  for (const [name, t] of Object.entries(tensors)) {
    let bare = name;
    for (let again = true; again; ) {
      again = false;
      for (const prefix of ['_orig_mod.', 'module.']) {
        if (bare.startsWith(prefix)) {
          bare = bare.slice(prefix.length);
          again = true;
        }
      }
    }
    stripped[bare] = t;
  }
  const canonical = canonicalGPT2(fn, stripped);
  const out = new Map<string, tf.Tensor>();
  for (const [name, t] of canonical) {
    out.set(name, LINEAR.test(name) && t.rank === 2 ? tf.transpose(t) : tf.clone(t));
  }
  return out;
}

/** Canonical GPT-2 tensors to nanoGPT's `state_dict` names and layouts (new tensors; the input is disposed). @hidden */
export function gpt2ToNanoGPT(tensors: Record<string, tf.Tensor>): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {};
  for (const [name, t] of Object.entries(tensors)) {
    out[`transformer.${name}`] = LINEAR.test(name) ? tf.transpose(t) : tf.clone(t);
  }
  out['lm_head.weight'] = tf.clone(tensors['wte.weight']!);
  tf.dispose(Object.values(tensors));
  return out;
}
