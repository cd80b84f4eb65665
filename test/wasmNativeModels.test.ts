// Whole-model gradients with the wasm kit (our own GEMM and element-wise
// kernels included) against the cpu backend, for small versions of the four
// benchmark workloads: a DCGAN (generator and discriminator), causal
// multi-head attention, a convolutional VAE (encoder and decoder) and a
// WaveNet. Every gradient of every trainable weight, within 1e-5 relative
// (floor 1). Weights are built once, on cpu, and read on each backend.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, describe, expect, it } from 'vitest';
import { expectAllClose } from './backends.js';
import { buildWaveNet } from '../src/audio/buildWaveNet.js';
import { multiHeadAttention } from '../src/attention/MultiHeadAttention.js';
import { buildDCGAN } from '../src/gan/buildDCGAN.js';
import { buildConvVAE } from '../src/vae/buildConvVAE.js';
import { registerWasmKernels } from '../src/wasm/registerWasmKernels.js';

registerWasmKernels();

/** Gradients of `loss` to `weights` on `backend`, as plain arrays. */
async function gradsOn(backend: string, weights: tf.Variable[], loss: () => tf.Scalar): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const { value, grads } = tf.variableGrads(loss, weights);
  // A weight the loss does not reach has no gradient: an empty array, the same on both backends.
  const out = await Promise.all(weights.map(async (w) => (grads[w.name] === undefined ? new Float32Array(0) : ((await grads[w.name]!.data()) as Float32Array))));
  expect(Number.isFinite((await value.data())[0]!)).toBe(true);
  tf.dispose([value, ...Object.values(grads)]);
  return out;
}

async function expectSameGradients(weights: tf.Variable[], loss: () => tf.Scalar): Promise<void> {
  const cpu = await gradsOn('cpu', weights, loss);
  const wasm = await gradsOn('wasm', weights, loss);
  expect(cpu.filter((g) => g.length > 0).length).toBeGreaterThan(weights.length / 2);
  cpu.forEach((c, i) => expectAllClose(wasm[i]!, c, 1e-5));
}

const trainable = (...models: tfl.LayersModel[]) => models.flatMap((m) => m.trainableWeights.map((w) => w.read() as tf.Variable));

describe('whole-model gradients, wasm kit against cpu', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('DCGAN (28 × 28, 8 filters): generator and discriminator', async () => {
    await tf.setBackend('cpu');
    const { generator, discriminator } = buildDCGAN({ imageSize: 28, channels: 1, latentDim: 16, generatorFilters: 8, discriminatorFilters: 8, seed: 1 });
    const z = tf.randomNormal([4, 16], 0, 1, 'float32', 2);
    const real = tf.randomUniform([4, 28, 28, 1], -1, 1, 'float32', 3);
    const loss = () =>
      tf.tidy(() => {
        const fake = generator.apply(z, { training: true }) as tf.Tensor;
        const scores = discriminator.apply(tf.concat([fake, real]), { training: true }) as tf.Tensor;
        return tf.mean(tf.softplus(tf.neg(tf.mul(scores, tf.tensor2d([1, 1, 1, 1, -1, -1, -1, -1], [8, 1]))))) as tf.Scalar;
      });
    await expectSameGradients(trainable(generator, discriminator), loss);
    tf.dispose([z, real]);
    generator.dispose();
    discriminator.dispose();
  });

  it('causal multi-head attention (B 2, T 16, C 32, 4 heads)', async () => {
    await tf.setBackend('cpu');
    const mha = multiHeadAttention({ numHeads: 4, keyDim: 8, seed: 1 });
    const x = tf.randomNormal([2, 16, 32], 0, 1, 'float32', 4);
    const r = tf.randomNormal([2, 16, 32], 0, 1, 'float32', 5);
    mha.apply(x, { useCausalMask: true });
    const loss = () => tf.tidy(() => tf.sum(tf.mul(mha.apply(x, { useCausalMask: true }) as tf.Tensor, r)) as tf.Scalar);
    await expectSameGradients(mha.trainableWeights.map((w) => w.read() as tf.Variable), loss);
    tf.dispose([x, r]);
    mha.dispose();
  });

  it('convolutional VAE (28 × 28, filters 8 / 16, Z 4): encoder and decoder', async () => {
    await tf.setBackend('cpu');
    const { encoder, decoder } = buildConvVAE({ imageSize: 28, channels: 1, latentDim: 4, filters: [8, 16], seed: 1 });
    const images = tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 6);
    const eps = tf.randomNormal([4, 4], 0, 1, 'float32', 7);
    const loss = () =>
      tf.tidy(() => {
        const [mean, logVar] = encoder.apply(images, { training: true }) as tf.Tensor[];
        const z = tf.add(mean!, tf.mul(tf.exp(tf.mul(logVar!, 0.5)), eps));
        const logits = decoder.apply(z, { training: true }) as tf.Tensor;
        // Bernoulli reconstruction from logits, plus the KL term.
        const rec = tf.sum(tf.sub(tf.softplus(logits), tf.mul(images, logits)));
        const kl = tf.mul(-0.5, tf.sum(tf.sub(tf.sub(tf.add(1, logVar!), tf.square(mean!)), tf.exp(logVar!))));
        return tf.add(rec, kl) as tf.Scalar;
      });
    await expectSameGradients(trainable(encoder, decoder), loss);
    tf.dispose([images, eps]);
    encoder.dispose();
    decoder.dispose();
  });

  it('WaveNet (8 / 12 channels, dilations 1-8, 32 levels, B 2 × 64)', async () => {
    await tf.setBackend('cpu');
    const net = buildWaveNet({ residualChannels: 8, skipChannels: 12, dilations: [1, 2, 4, 8], quantizationLevels: 32, seed: 3 });
    const classes = tf.tensor2d(Array.from({ length: 128 }, (_, i) => (i * 7) % 32), [2, 64], 'int32');
    const targets = tf.oneHot(tf.tensor2d(Array.from({ length: 128 }, (_, i) => (i * 5 + 3) % 32), [2, 64], 'int32'), 32);
    const loss = () => tf.tidy(() => tf.losses.softmaxCrossEntropy(targets, net.apply(classes, { training: true }) as tf.Tensor) as tf.Scalar);
    await expectSameGradients(trainable(net), loss);
    tf.dispose([classes, targets]);
    net.dispose();
  });
});
