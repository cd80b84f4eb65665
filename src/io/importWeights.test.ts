// PyTorch checkpoints in and out: scripts/gen_gpt2_fixtures.py writes a nanoGPT
// state dict (a torch.compile'd model's, with its mask buffers) and PyTorch's logits.
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { buildTransformerLM } from '../attention/buildTransformerLM.js';
import { exportWeights } from './exportWeights.js';
import { importWeights } from './importWeights.js';
import { readSafetensors } from './readSafetensors.js';

const DIR = new URL('../../test/fixtures/gpt2/', import.meta.url);
const expected = JSON.parse(readFileSync(new URL('expected.json', DIR), 'utf8')) as {
  config: { vocabSize: number; contextLength: number; modelDim: number; numHeads: number; numLayers: number };
  prompt: number[];
  logits: number[][];
  nanogptLogits: number[][];
  nanogptKeys: string[];
};
const read = (name: string) => readSafetensors(readFileSync(new URL(name, DIR))).tensors;
const build = (activation: 'gelu' | 'geluTanh') => buildTransformerLM({ ...expected.config, activation, seed: 9 });

function maxAbsDiff(model: tfl.LayersModel, logits: number[][]): number {
  return tf.tidy(() => {
    const out = model.predict(tf.tensor2d([expected.prompt], undefined, 'int32')) as tf.Tensor;
    return tf.max(tf.abs(tf.sub(tf.squeeze(out, [0]), tf.tensor2d(logits)))).dataSync()[0]!;
  });
}

describe('importWeights / exportWeights', () => {
  it("imports nanoGPT's compiled state dict (prefixes, Linear layout, mask buffers): logits within 1e-4 of PyTorch", () => {
    const tensors = read('nanogpt-tiny.safetensors');
    const model = build('gelu');
    const before = tf.memory().numTensors;
    importWeights(model, tensors, { from: 'nanogpt' });
    expect(tf.memory().numTensors).toBe(before);
    expect(maxAbsDiff(model, expected.nanogptLogits)).toBeLessThan(1e-4);
    // Export gives exactly the names load_state_dict(strict=True) expects, and the same values.
    const out = exportWeights(model, { to: 'nanogpt' });
    expect(Object.keys(out).sort()).toEqual(expected.nanogptKeys);
    for (const key of expected.nanogptKeys) {
      const original = tensors[`_orig_mod.${key}`]!;
      expect(out[key]!.shape, key).toEqual(original.shape);
      expect(Array.from(out[key]!.dataSync()), key).toEqual(Array.from(original.dataSync()));
    }
    tf.dispose([...Object.values(tensors), ...Object.values(out)]);
    model.dispose();
  });

  it('imports GPT-2 into a model built here, and round-trips each layout bit for bit', () => {
    const tensors = read('gpt2-tiny.safetensors');
    const model = build('geluTanh');
    importWeights(model, tensors, { from: 'gpt2' });
    expect(maxAbsDiff(model, expected.logits)).toBeLessThan(1e-4);
    const other = build('geluTanh');
    const exported = exportWeights(model, { to: 'gpt2' });
    importWeights(other, exported, { from: 'gpt2' });
    other.weights.forEach((w, i) => expect(Array.from(w.read().dataSync()), w.name).toEqual(Array.from(model.weights[i]!.read().dataSync())));
    tf.dispose([...Object.values(tensors), ...Object.values(exported)]);
    model.dispose();
    other.dispose();
  });

  it('refuses a mismatch before writing anything, naming the tensor or the block', () => {
    const tensors = read('nanogpt-tiny.safetensors');
    const model = build('gelu');
    const wider = buildTransformerLM({ ...expected.config, numLayers: 3, activation: 'gelu' });
    const smaller = buildTransformerLM({ ...expected.config, contextLength: 16, activation: 'gelu' });
    const snapshot = model.getWeights().map((w) => Array.from(w.dataSync()));
    const before = tf.memory().numTensors;
    expect(() => importWeights(model, tensors, { from: 'gpt2' })).toThrow(/importWeights: block 0 uses the gelu activation; GPT-2 uses 'geluTanh'/);
    expect(() => importWeights(wider, tensors, { from: 'nanogpt' })).toThrow(/importWeights: the weights have no `h\.2\.ln_1\.weight`/);
    expect(() => importWeights(smaller, tensors, { from: 'nanogpt' })).toThrow(/`wpe.weight` gives \[32, 48\] but the model's `position_embedding\/embeddings\S*` is \[16, 48\]/);
    const extra = { ...tensors, '_orig_mod.transformer.h.0.attn.rotary': tf.zeros([1]) };
    expect(() => importWeights(model, extra, { from: 'nanogpt' })).toThrow(/unexpected tensor `h\.0\.attn\.rotary` for a nanoGPT of 2 blocks/);
    expect(() => importWeights(model, tensors, { from: 'keras' as never })).toThrow(/importWeights: invalid `from`: expected one of 'gpt2', 'nanogpt', 'dcgan', 'vae', 'wavenet', received "keras"/);
    expect(() => exportWeights(model, { to: 'gpt2' })).toThrow(/exportWeights: block 0 uses the gelu activation/);
    expect(tf.memory().numTensors).toBe(before + 1); // only `extra`'s own tensor
    model.getWeights().forEach((w, i) => expect(Array.from(w.dataSync())).toEqual(snapshot[i]));
    tf.dispose([extra['_orig_mod.transformer.h.0.attn.rotary']!, ...Object.values(tensors)]);
    [model, wider, smaller].forEach((m) => m.dispose());
  });
});
