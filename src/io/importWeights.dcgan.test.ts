// pytorch/examples' DCGAN in and out: scripts/gen_dcgan_interop_fixtures.py writes
// netG / netD state dicts (random weights and running statistics) and PyTorch's
// eval-mode outputs for fixed inputs.
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { buildDCGAN } from '../gan/buildDCGAN.js';
import { exportWeights } from './exportWeights.js';
import { importWeights } from './importWeights.js';
import { readSafetensors } from './readSafetensors.js';

const DIR = new URL('../../test/fixtures/dcgan/', import.meta.url);
const read = (name: string) => readSafetensors(readFileSync(new URL(name, DIR))).tensors;
const expected = JSON.parse(readFileSync(new URL('expected.json', DIR), 'utf8')) as {
  config: { imageSize: number; channels: number; latentDim: number; generatorFilters: number; discriminatorFilters: number };
  generatorKeys: string[];
  discriminatorKeys: string[];
};

describe("importWeights / exportWeights with pytorch/examples' DCGAN", () => {
  it('gives PyTorch eval-mode outputs: generator images within 1e-5, discriminator probabilities within 1e-5', () => {
    const io = read('io.safetensors');
    const netG = read('netG.safetensors');
    const netD = read('netD.safetensors');
    const { generator, discriminator } = buildDCGAN({ ...expected.config, seed: 1 });
    importWeights(generator, netG, { from: 'dcgan' });
    importWeights(discriminator, netD, { from: 'dcgan' });
    const [fakeDiff, probDiff] = tf.tidy(() => {
      const fake = generator.predict(io['z']!) as tf.Tensor; // [B, 64, 64, 3]
      const prob = tf.sigmoid(tf.reshape(discriminator.predict(io['image']!) as tf.Tensor, [-1])); // netD ends in a sigmoid
      return [tf.max(tf.abs(tf.sub(fake, io['fake']!))).dataSync()[0]!, tf.max(tf.abs(tf.sub(prob, io['prob']!))).dataSync()[0]!];
    });
    expect(fakeDiff).toBeLessThan(1e-5);
    expect(probDiff).toBeLessThan(1e-5);

    // Export: the names load_state_dict(strict=True) expects, values bit for bit.
    for (const [model, original, keys] of [[generator, netG, expected.generatorKeys], [discriminator, netD, expected.discriminatorKeys]] as const) {
      const out = exportWeights(model, { to: 'dcgan' });
      expect(Object.keys(out).sort()).toEqual([...keys].sort());
      for (const key of keys) {
        if (key.endsWith('num_batches_tracked')) continue;
        expect(out[key]!.shape, key).toEqual(original[key]!.shape);
        expect(Array.from(out[key]!.dataSync()), key).toEqual(Array.from(original[key]!.dataSync()));
      }
      tf.dispose(Object.values(out));
    }
    tf.dispose([...Object.values(io), ...Object.values(netG), ...Object.values(netD)]);
    generator.dispose();
    discriminator.dispose();
  });

  it('refuses what pytorch/examples cannot hold, and unknown names, before writing anything', () => {
    const netG = read('netG.safetensors');
    const netD = read('netD.safetensors');
    const conditional = buildDCGAN({ ...expected.config, numClasses: 3 });
    const layerNormCritic = buildDCGAN({ ...expected.config, discriminatorNormalization: 'layer' });
    const plain = buildDCGAN(expected.config);
    const small = buildDCGAN({ ...expected.config, imageSize: 32 });
    const before = tf.memory().numTensors;
    const snapshot = plain.generator.getWeights().map((w) => Array.from(w.dataSync()));
    expect(() => importWeights(conditional.generator, netG, { from: 'dcgan' })).toThrow(/importWeights: pytorch\/examples' DCGAN has no label input or class head; this generator is conditional/);
    expect(() => importWeights(layerNormCritic.discriminator, netD, { from: 'dcgan' })).toThrow(/another `discriminatorNormalization`/);
    expect(() => importWeights(plain.generator, netD, { from: 'dcgan' })).toThrow(/importWeights: unexpected tensor `main\.(11|2|3|5|6|8|9)\.\S+` for this model in the 'dcgan' layout/);
    // A 32×32 generator has one transposed convolution fewer: the batch norm at main.10 and the last convolution at main.12 are unknown to it.
    expect(() => importWeights(small.generator, netG, { from: 'dcgan' })).toThrow(/unexpected tensor `main\.1[02]\.\S+` for this model/);
    expect(() => exportWeights(conditional.discriminator, { to: 'dcgan' })).toThrow(/exportWeights: .*conditional/);
    expect(tf.memory().numTensors).toBe(before);
    plain.generator.getWeights().forEach((w, i) => expect(Array.from(w.dataSync())).toEqual(snapshot[i]));
    tf.dispose([...Object.values(netG), ...Object.values(netD)]);
    for (const m of [conditional, layerNormCritic, plain, small]) {
      m.generator.dispose();
      m.discriminator.dispose();
    }
  });
});
