// pytorch/examples' VAE in and out: scripts/gen_vae_interop_fixtures.py writes its
// state dict (random weights, sizes 64-32-4) and PyTorch's encoder and decoder outputs.
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { buildVAE } from '../vae/buildVAE.js';
import { exportWeights } from './exportWeights.js';
import { importWeights } from './importWeights.js';
import { readSafetensors } from './readSafetensors.js';

const DIR = new URL('../../test/fixtures/vae-interop/', import.meta.url);
const read = (name: string) => readSafetensors(readFileSync(new URL(name, DIR))).tensors;
const expected = JSON.parse(readFileSync(new URL('expected.json', DIR), 'utf8')) as {
  config: { inputShape: number[]; hiddenUnits: number[]; latentDim: number };
  keys: string[];
};
const maxDiff = (a: tf.Tensor, b: tf.Tensor): number => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);

describe("importWeights / exportWeights with pytorch/examples' VAE", () => {
  it('gives PyTorch encoder means and log-variances, and decoder probabilities, within 1e-5; exports the same names and values', () => {
    const io = read('io.safetensors');
    const state = read('vae.safetensors');
    const vae = buildVAE({ ...expected.config, seed: 2 });
    importWeights(vae.vae, state, { from: 'vae' });
    const [mean, logVar] = vae.encoder.predict(io['x']!) as tf.Tensor[];
    const logits = vae.decoder.predict(io['z']!) as tf.Tensor;
    const probs = tf.sigmoid(logits); // the example's decoder ends in a sigmoid
    expect(maxDiff(mean!, io['mu']!)).toBeLessThan(1e-5);
    expect(maxDiff(logVar!, io['logvar']!)).toBeLessThan(1e-5);
    expect(maxDiff(probs, io['probs']!)).toBeLessThan(1e-5);
    const out = exportWeights(vae.vae, { to: 'vae' });
    expect(Object.keys(out).sort()).toEqual(expected.keys);
    for (const key of expected.keys) expect(Array.from(out[key]!.dataSync()), key).toEqual(Array.from(state[key]!.dataSync()));
    tf.dispose([mean!, logVar!, logits, probs, ...Object.values(out), ...Object.values(io), ...Object.values(state)]);
    vae.dispose();
  });

  it('refuses a VAE the example cannot hold, by name', () => {
    const state = read('vae.safetensors');
    const deep = buildVAE({ ...expected.config, hiddenUnits: [32, 16] });
    const conditional = buildVAE({ ...expected.config, numClasses: 3 });
    expect(() => importWeights(deep.vae, state, { from: 'vae' })).toThrow(/importWeights: pytorch\/examples' VAE has exactly one hidden layer/);
    expect(() => importWeights(conditional.vae, state, { from: 'vae' })).toThrow(/not conditional/);
    expect(() => exportWeights(deep.encoder, { to: 'dcgan' })).toThrow(/exportWeights: invalid `model`: expected a generator or discriminator built by buildDCGAN/);
    tf.dispose(Object.values(state));
    deep.dispose();
    conditional.dispose();
  });
});
