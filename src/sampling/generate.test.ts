import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, describe, expect, it } from 'vitest';
import { BACKENDS, useBackend } from '../../test/backends.js';
import { languageModelParts, languageModelStep, type KeyValueCache } from '../attention/languageModelParts.js';
import { buildTransformerLM } from '../attention/buildTransformerLM.js';
import { loadModel } from '../io/loadModel.js';
import { saveModel } from '../io/saveModel.js';
import { generate } from './generate.js';

const root = mkdtempSync(join(tmpdir(), 'tfjs-generative-generate-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const config = { vocabSize: 13, contextLength: 8, modelDim: 16, numHeads: 4, numLayers: 2, seed: 5 };

describe.each(BACKENDS)('generate on %s', (backend) => {
  useBackend(backend);

  it('cached logits equal the uncached forward pass to 1e-4 at every step', () => {
    const lm = buildTransformerLM({ ...config, tieEmbeddings: false });
    const parts = languageModelParts(lm)!;
    const ids = [3, 1, 4, 1, 5, 9, 2, 6];
    let caches: KeyValueCache[] | null = null;
    let worst = 0;
    for (let n = 3; n <= ids.length; n++) {
      // Prefill with the first 3 tokens, then one position per step.
      const fresh: number[] = n === 3 ? ids.slice(0, 3) : [ids[n - 1]!];
      const step = languageModelStep(parts, fresh, n - fresh.length, caches);
      tf.dispose(caches ?? []);
      caches = step.caches;
      const full = lm.predict(tf.tensor2d([ids.slice(0, n)], [1, n], 'int32')) as tf.Tensor; // [1, n, V]
      const last = tf.slice(full, [0, n - 1, 0], [1, 1, 13]).dataSync();
      const cached = step.logits.dataSync();
      for (let i = 0; i < 13; i++) worst = Math.max(worst, Math.abs(cached[i]! - last[i]!));
      tf.dispose([full, step.logits]);
    }
    tf.dispose(caches ?? []);
    expect(worst).toBeLessThan(1e-4);
  });

  it('gives the same tokens cached and uncached, past the context length (the window rule), and the same text for the same seed', async () => {
    const lm = buildTransformerLM(config);
    for (const options of [{ temperature: 0 }, { temperature: 1.2, topK: 6, topP: 0.95, seed: 11 }]) {
      const cached = await generate(lm, [1, 2, 3], { maxNewTokens: 20, ...options });
      const uncached = await generate(lm, [1, 2, 3], { maxNewTokens: 20, useCache: false, ...options });
      expect(cached.tokens).toHaveLength(20);
      expect(uncached.tokens).toEqual(cached.tokens);
      expect(cached.stopReason).toBe('max-tokens');
    }
    const a = await generate(lm, [4], { maxNewTokens: 12, seed: 1 });
    const b = await generate(lm, [4], { maxNewTokens: 12, seed: 1 });
    const c = await generate(lm, [4], { maxNewTokens: 12, seed: 2 });
    expect(b.tokens).toEqual(a.tokens);
    expect(c.tokens).not.toEqual(a.tokens);
  });

  it('leaks no tensors', async () => {
    const lm = buildTransformerLM(config);
    await generate(lm, [1, 2], { maxNewTokens: 2, seed: 1 });
    const before = tf.memory().numTensors;
    await generate(lm, [1, 2], { maxNewTokens: 15, seed: 1 });
    await generate(lm, [1, 2], { maxNewTokens: 5, seed: 1, useCache: false });
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('generate', () => {
  it('streams tokens, stops on a stop token (excluded) and on abort', async () => {
    const lm = buildTransformerLM(config);
    const seen: number[] = [];
    const free = await generate(lm, [0], { maxNewTokens: 10, seed: 3, onToken: (t, i) => void seen.push(t, i) });
    expect(seen).toEqual(free.tokens.flatMap((t, i) => [t, i]));
    const stopAt = free.tokens[4]!;
    const firstIndex = free.tokens.indexOf(stopAt);
    const stopped = await generate(lm, [0], { maxNewTokens: 10, seed: 3, stopTokens: [stopAt] });
    expect(stopped).toEqual({ tokens: free.tokens.slice(0, firstIndex), stopReason: 'stop-token' });
    const controller = new AbortController();
    const aborted = await generate(lm, [0], {
      maxNewTokens: 10,
      seed: 3,
      signal: controller.signal,
      onToken: (_t, i) => void (i === 2 && controller.abort()),
    });
    expect(aborted).toEqual({ tokens: free.tokens.slice(0, 3), stopReason: 'aborted' });
  });

  it("yields between tokens ('task' by default): an outside timer's abort stops it within a token; 'none' does not yield", async () => {
    const lm = buildTransformerLM(config);
    const abortByTimer = async (yieldTo?: 'task' | 'frame' | 'none') => {
      const controller = new AbortController();
      let tokensWhenFired = -1;
      let count = 0;
      const timer = setTimeout(() => {
        tokensWhenFired = count;
        controller.abort();
      }, 0);
      const r = await generate(lm, [1], {
        maxNewTokens: 40,
        seed: 1,
        signal: controller.signal,
        onToken: () => void count++,
        ...(yieldTo === undefined ? {} : { yieldTo }),
      });
      clearTimeout(timer);
      return { ...r, tokensWhenFired };
    };
    for (const mode of [undefined, 'task', 'frame'] as const) {
      const r = await abortByTimer(mode);
      expect(r.stopReason, String(mode)).toBe('aborted');
      expect(r.tokensWhenFired, String(mode)).toBeGreaterThanOrEqual(1);
      expect(r.tokens.length, String(mode)).toBe(r.tokensWhenFired); // no token drawn after the abort
      expect(r.tokens.length, String(mode)).toBeLessThanOrEqual(2);
    }
    const none = await abortByTimer('none');
    expect(none).toMatchObject({ stopReason: 'max-tokens', tokensWhenFired: -1 });
    expect(none.tokens).toHaveLength(40);
    await expect(generate(lm, [1], { maxNewTokens: 1, yieldTo: 'idle' as never })).rejects.toThrow(
      /generate: invalid `yieldTo`: expected 'task', 'frame' or 'none', received "idle"/,
    );
  });

  it('works on a reloaded model with the cache, and on other models without it', async () => {
    const lm = buildTransformerLM(config);
    const dir = join(root, 'lm');
    await saveModel(lm, dir);
    const loaded = await loadModel(dir);
    expect(languageModelParts(loaded)).not.toBeNull();
    const a = await generate(lm, [1, 2, 3], { maxNewTokens: 10, seed: 4 });
    expect((await generate(loaded, [1, 2, 3], { maxNewTokens: 10, seed: 4 })).tokens).toEqual(a.tokens);

    const ids = tfl.input({ shape: [null], dtype: 'int32' });
    const h = tfl.layers.embedding({ inputDim: 7, outputDim: 4, embeddingsInitializer: tfl.initializers.randomNormal({ seed: 1 }) }).apply(ids);
    const other = tfl.model({ inputs: ids, outputs: tfl.layers.dense({ units: 7 }).apply(h) as tfl.SymbolicTensor });
    const r = await generate(other, [1], { maxNewTokens: 4, contextLength: 3, seed: 1 });
    expect(r.tokens).toHaveLength(4);
    await expect(generate(other, [1], { maxNewTokens: 4, contextLength: 3, useCache: true })).rejects.toThrow(
      /generate: `useCache` needs a model built by buildTransformerLM/,
    );
    await expect(generate(other, [1], { maxNewTokens: 4 })).rejects.toThrow(/invalid `contextLength`/);
  });

  it('rejects bad prompts and options, naming the field and the value', async () => {
    const lm = buildTransformerLM(config);
    await expect(generate(lm, [], { maxNewTokens: 1 })).rejects.toThrow(
      /generate: invalid `promptIds`: expected 1 to 8 token ids \(the context length\), received "0 ids"/,
    );
    await expect(generate(lm, new Array(9).fill(1), { maxNewTokens: 1 })).rejects.toThrow(/received "9 ids"/);
    await expect(generate(lm, [1, 13], { maxNewTokens: 1 })).rejects.toThrow(/invalid `promptIds`: expected token ids that are integers in \[0, 13\), received 13/);
    await expect(generate(lm, [1], { maxNewTokens: -1 })).rejects.toThrow(/invalid `maxNewTokens`/);
    await expect(generate(lm, [1], { maxNewTokens: 1, topP: 2 })).rejects.toThrow(/invalid `topP`/);
    await expect(generate(lm, [1], { maxNewTokens: 1, stopTokens: [99] })).rejects.toThrow(/invalid `stopTokens`/);
    await expect(generate(lm, [1], { maxNewTokens: 1, temprature: 1 } as never)).rejects.toThrow(/unknown options field `temprature`/);
  });
});
