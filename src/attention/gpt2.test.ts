// GPT-2 from Hugging Face's layout: checkpoints and PyTorch's logits come from
// scripts/gen_gpt2_fixtures.py (GPT2LMHeadModel's mathematics, random weights).
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { BACKENDS, useBackend } from '../../test/backends.js';
import { readSafetensors } from '../io/readSafetensors.js';
import { writeSafetensors } from '../io/writeSafetensors.js';
import { generate } from '../sampling/generate.js';
import { trainLanguageModel } from '../training/trainLanguageModel.js';
import { buildTransformerLM } from './buildTransformerLM.js';
import { exportGPT2 } from './exportGPT2.js';
import { loadGPT2 } from './loadGPT2.js';

const DIR = new URL('../../test/fixtures/gpt2/', import.meta.url);
const original = new Uint8Array(readFileSync(new URL('gpt2-tiny.safetensors', DIR)));
const newer = new Uint8Array(readFileSync(new URL('gpt2-tiny-transformer.safetensors', DIR)));
const expected = JSON.parse(readFileSync(new URL('expected.json', DIR), 'utf8')) as {
  config: { vocabSize: number; contextLength: number; modelDim: number; numHeads: number; numLayers: number };
  prompt: number[];
  logits: number[][];
  greedy: number[];
};
const HEADS = expected.config.numHeads;

function maxAbsDiff(model: tfl.LayersModel): number {
  return tf.tidy(() => {
    const logits = model.predict(tf.tensor2d([expected.prompt], undefined, 'int32')) as tf.Tensor;
    return tf.max(tf.abs(tf.sub(tf.squeeze(logits, [0]), tf.tensor2d(expected.logits)))).dataSync()[0]!;
  });
}

describe.each(BACKENDS)('loadGPT2 on %s', (backend) => {
  useBackend(backend);

  it.each([
    ['the original layout (with the mask buffers)', original],
    ['newer saves (transformer. prefix, tied lm_head.weight)', newer],
  ])('reads %s: logits within 1e-4 of PyTorch and 20 greedy tokens identical, cached and uncached', async (_, bytes) => {
    const before = tf.memory().numTensors;
    const model = loadGPT2(bytes, { numHeads: HEADS });
    expect(maxAbsDiff(model)).toBeLessThan(1e-4);
    for (const useCache of [true, false]) {
      const { tokens } = await generate(model, expected.prompt, { maxNewTokens: 20, temperature: 0, useCache });
      expect(tokens, `useCache ${useCache}`).toEqual(expected.greedy);
    }
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('loadGPT2 and exportGPT2', () => {
  it('infers the sizes from the shapes and takes tensors by name, leaving them the caller\'s', () => {
    const { tensors } = readSafetensors(original);
    const model = loadGPT2(tensors, { numHeads: HEADS });
    const config = model.getLayer('block_0').getConfig() as { numHeads: number; activation: string };
    expect(config).toMatchObject({ numHeads: HEADS, activation: 'geluTanh' });
    expect(model.outputs[0]!.shape).toEqual([null, null, expected.config.vocabSize]);
    expect(Object.values(tensors).every((t) => !t.isDisposed)).toBe(true);
    expect(model.countParams()).toBe(expected.config.vocabSize * 48 + expected.config.contextLength * 48 + 2 * (4 * 48 + 3 * 48 * 48 + 3 * 48 + 48 * 48 + 48 + 48 * 192 + 192 + 192 * 48 + 48) + 2 * 48);
    model.dispose();
    tf.dispose(Object.values(tensors));
  });

  it('exports the same tensors under the same names, bit for bit, in both layouts', () => {
    const { tensors } = readSafetensors(original);
    const model = loadGPT2(original, { numHeads: HEADS });
    const exported = exportGPT2(model);
    const weightNames = Object.keys(tensors).filter((n) => !/^h\.\d+\.attn\.(masked_)?bias$/.test(n)).sort();
    expect(Object.keys(exported).sort()).toEqual(weightNames);
    for (const name of weightNames) {
      expect(exported[name]!.shape, name).toEqual(tensors[name]!.shape);
      expect(Buffer.from((exported[name]!.dataSync() as Float32Array).buffer).equals(Buffer.from((tensors[name]!.dataSync() as Float32Array).buffer)), name).toBe(true);
    }
    const prefixed = exportGPT2(model, { transformerPrefix: true });
    const back = readSafetensors(newer).tensors;
    expect(Object.keys(prefixed).sort()).toEqual(Object.keys(back).sort());
    // The newer file written by PyTorch's side and ours are the same bytes once ours has its metadata.
    expect(Buffer.from(writeSafetensors(prefixed, { format: 'pt' })).equals(Buffer.from(newer))).toBe(true);
    tf.dispose([...Object.values(tensors), ...Object.values(exported), ...Object.values(prefixed), ...Object.values(back)]);
    model.dispose();
  });

  it('round-trips a model built here: export, write, read, load gives the same logits', () => {
    const lm = buildTransformerLM({ vocabSize: 40, contextLength: 16, modelDim: 128, numHeads: 2, numLayers: 1, activation: 'geluTanh', seed: 3 });
    const bytes = writeSafetensors(exportGPT2(lm));
    const back = loadGPT2(bytes); // 128 / 64 = 2 heads by GPT-2's rule
    const ids = tf.tensor2d([[1, 5, 9, 3]], undefined, 'int32');
    const [a, b] = [lm, back].map((m) => m.predict(ids) as tf.Tensor);
    expect(tf.max(tf.abs(tf.sub(a!, b!))).dataSync()[0]).toBe(0);
    tf.dispose([ids, a!, b!]);
    lm.dispose();
    back.dispose();
  });

  it('fine-tunes with trainLanguageModel', async () => {
    const model = loadGPT2(original, { numHeads: HEADS });
    const tokens = Array.from({ length: 200 }, (_, i) => (i * 7) % expected.config.vocabSize);
    const { history } = await trainLanguageModel(model, tokens, { steps: 3, batchSize: 2, contextLength: 16, seed: 1 });
    expect(history.loss).toHaveLength(3);
    expect(history.loss.every(Number.isFinite)).toBe(true);
    model.dispose();
  });

  it('refuses what is not GPT-2, naming the tensor, without leaking', () => {
    const before = tf.memory().numTensors;
    const { tensors } = readSafetensors(original);
    const without = { ...tensors };
    delete without['h.1.mlp.c_fc.bias'];
    expect(() => loadGPT2(without, { numHeads: HEADS })).toThrow(/loadGPT2: the checkpoint has no `h\.1\.mlp\.c_fc\.bias`/);
    const wrong = { ...tensors, 'h.0.attn.c_proj.weight': tf.zeros([48, 47]) };
    expect(() => loadGPT2(wrong, { numHeads: HEADS })).toThrow(/`h\.0\.attn\.c_proj\.weight` has shape \[48, 47\], expected \[48, 48\]/);
    const extra = { ...tensors, 'h.0.attn.rotary': tf.zeros([2]) };
    expect(() => loadGPT2(extra, { numHeads: HEADS })).toThrow(/unexpected tensor `h\.0\.attn\.rotary`/);
    const untied = { ...tensors, 'lm_head.weight': tf.zeros(tensors['wte.weight']!.shape) };
    expect(() => loadGPT2(untied, { numHeads: HEADS })).toThrow(/`lm_head.weight` differs from `wte.weight`/);
    expect(() => loadGPT2(tensors)).toThrow(/the width 48 is not a multiple of 64, so GPT-2's rule \(width \/ 64 heads\) does not apply: give `numHeads`/);
    expect(() => loadGPT2(tensors, { numHeads: 5 })).toThrow(/invalid `numHeads`: the width 48 is not divisible by 5/);
    expect(() => loadGPT2(tensors, { heads: 3 } as never)).toThrow(/unknown option `heads`/);
    expect(() => loadGPT2('gpt2' as never)).toThrow(/loadGPT2: invalid `source`/);
    expect(() => loadGPT2(new Uint8Array(4))).toThrow(/not a safetensors file/);
    tf.dispose([wrong['h.0.attn.c_proj.weight']!, extra['h.0.attn.rotary']!, untied['lm_head.weight']!, ...Object.values(tensors)]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses to export a model that does not compute GPT-2', () => {
    const gelu = buildTransformerLM({ vocabSize: 10, contextLength: 8, modelDim: 8, numHeads: 2, numLayers: 1 });
    expect(() => exportGPT2(gelu)).toThrow(/exportGPT2: block 0 uses the gelu activation; GPT-2 uses 'geluTanh'/);
    const untied = buildTransformerLM({ vocabSize: 10, contextLength: 8, modelDim: 8, numHeads: 2, numLayers: 1, activation: 'geluTanh', tieEmbeddings: false });
    expect(() => exportGPT2(untied)).toThrow(/untied output layer/);
    gelu.dispose();
    untied.dispose();
  });
});
