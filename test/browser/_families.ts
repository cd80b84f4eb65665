// The model families of the browser suite, one function each, shared by the
// page (test/browser/page.ts, which runs them on webgl, wasm and webgpu with
// its counters armed) and the suite (which runs them in Node on the cpu
// backend for the reference answers). Tiny models: the suite must stay short.
//
// Each function gets `lib`, which wraps the library's own calls (the page
// counts synchronous reads and AddN arity inside it), and `mark`, which
// records `numTensors` after a named step. Every tensor it makes, it disposes.
import * as tf from '@tensorflow/tfjs-core';
import {
  buildConvVAE,
  buildCycleGAN,
  buildDCGAN,
  buildStyleGenerator,
  buildVAE,
  buildWaveNet,
  generateAudio,
  type MultiHeadAttention,
  sampleGAN,
  trainCycleGAN,
  trainGAN,
  trainVAE,
  trainWaveNet,
} from 'tfjs-generative';

/** Wraps a library call (the page arms its counters inside). */
export type Lib = <T>(fn: () => T | Promise<T>) => Promise<T>;
/** Records `numTensors` after a named step. */
export type Mark = (step: string) => void;

/** A tensor's values as an array; disposes the tensor. */
export async function values(t: tf.Tensor): Promise<number[]> {
  const data = Array.from(await t.data());
  t.dispose();
  return data;
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * A MultiHeadAttention's causal self-attention output on `x`, and the
 * gradients of `sum(y²)` with respect to `x` and to each trainable weight (in
 * `trainableWeights` order).
 */
export async function attentionAndGradients(lib: Lib, layer: MultiHeadAttention, x: tf.Tensor): Promise<{ y: number[]; dx: number[]; dw: number[][] }> {
  const forward = (input: tf.Tensor) => layer.apply([input, input], { useCausalMask: true }) as tf.Tensor;
  const y = await values(await lib(() => forward(x)));
  const dx = await values(await lib(() => tf.grad((input: tf.Tensor) => tf.sum(tf.square(forward(input))))(x)));
  const variables = layer.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value, grads } = await lib(() => tf.variableGrads(() => tf.sum(tf.square(forward(x))) as tf.Scalar, variables));
  value.dispose();
  const dw = await Promise.all(variables.map((v) => values(grads[v.name]!)));
  return { y, dx, dw };
}

export const families = {
  /** Conditional DCGAN (3 classes): two train steps with labels, then labelled samples. */
  async conditionalGAN(lib: Lib, mark: Mark) {
    const gan = await lib(() => buildDCGAN({ imageSize: 8, channels: 1, latentDim: 8, generatorFilters: 8, discriminatorFilters: 8, numClasses: 3, seed: 1 }));
    const data = tf.randomUniform([16, 8, 8, 1], -1, 1, 'float32', 2);
    // Labels computed on the backend (as an app's data pipeline would): on a GPU backend their values live on the GPU.
    // (Mod, not Sub: webgl and webgpu run small Sub, Add, … on the CPU when their inputs are still there.)
    const labels = tf.tidy(() => tf.mod(tf.range(0, 16, 1, 'int32'), tf.scalar(3, 'int32'))); // 0 1 2 0 1 2 …
    mark('built');
    const { history } = await lib(() => trainGAN(gan, data, { labels, batchSize: 8, steps: 2, seed: 1 }));
    mark('trained');
    // An array of class ids: sampleGAN checks it with no read from the backend (a tensor would be read synchronously).
    const samples = await values(await lib(() => sampleGAN(gan.generator, 4, { labels: [0, 1, 2, 0], seed: 3 })));
    mark('sampled');
    tf.dispose([data, labels]);
    gan.generator.dispose();
    gan.discriminator.dispose();
    return { generatorLoss: history.generatorLoss, discriminatorLoss: history.discriminatorLoss, samples };
  },

  /** WGAN-GP (layer-normalised critic): one generator step after two critic steps, then samples. */
  async wganGP(lib: Lib, mark: Mark) {
    const gan = await lib(() =>
      buildDCGAN({ imageSize: 8, channels: 1, latentDim: 8, generatorFilters: 8, discriminatorFilters: 8, discriminatorNormalization: 'layer', seed: 1 }),
    );
    const data = tf.randomUniform([16, 8, 8, 1], -1, 1, 'float32', 2);
    mark('built');
    const { history } = await lib(() => trainGAN(gan, data, { loss: 'wgan-gp', discriminatorSteps: 2, batchSize: 4, steps: 1, seed: 1 }));
    mark('trained');
    const samples = await values(await lib(() => sampleGAN(gan.generator, 2, { seed: 3 })));
    mark('sampled');
    data.dispose();
    gan.generator.dispose();
    gan.discriminator.dispose();
    return { generatorLoss: history.generatorLoss, discriminatorLoss: history.discriminatorLoss, samples };
  },

  /** WaveNet: two training steps, then the fast and the naive generation from the same seed. */
  async waveNet(lib: Lib, mark: Mark) {
    const net = await lib(() => buildWaveNet({ residualChannels: 4, skipChannels: 8, dilations: [1, 2, 4], quantizationLevels: 16, seed: 1 }));
    const audio = Float32Array.from({ length: 600 }, (_, i) => 0.5 * Math.sin(i / 5));
    mark('built');
    const { history } = await lib(() => trainWaveNet(net, audio, { steps: 2, batchSize: 2, contextLength: 24, seed: 1 }));
    mark('trained');
    const fast = await lib(() => generateAudio(net, { length: 16, seed: 5, method: 'fast' }));
    const naive = await lib(() => generateAudio(net, { length: 16, seed: 5, method: 'naive' }));
    mark('generated');
    net.dispose();
    return { loss: history.loss, fast: Array.from(fast.classes), naive: Array.from(naive.classes) };
  },

  /** Dense and convolutional VAEs: two training steps each. */
  async vae(lib: Lib, mark: Mark) {
    const dense = await lib(() => buildVAE({ inputShape: [16], latentDim: 2, hiddenUnits: [16], seed: 1 }));
    const x = tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([16, 16], 0, 1, 'float32', 2), 0.5), 'float32'));
    const d = await lib(() => trainVAE(dense, x, { batchSize: 8, steps: 2, seed: 1 }));
    x.dispose();
    dense.dispose();
    mark('dense');
    const conv = await lib(() => buildConvVAE({ imageSize: 8, channels: 1, latentDim: 2, filters: [4, 8], seed: 1 }));
    const images = tf.randomUniform([8, 8, 8, 1], 0, 1, 'float32', 3);
    const c = await lib(() => trainVAE(conv, images, { batchSize: 4, steps: 2, seed: 1 }));
    images.dispose();
    conv.dispose();
    mark('conv');
    return { denseLoss: d.history.loss, convLoss: c.history.loss };
  },

  /** CycleGAN forward and one training step; the StyleGAN-style generator forward and one step against a DCGAN critic. */
  async cycleStyle(lib: Lib, mark: Mark) {
    const cycle = await lib(() => buildCycleGAN({ imageSize: 8, channels: 1, residualBlocks: 1, generatorFilters: 4, discriminatorFilters: 4, seed: 1 }));
    const a = tf.randomUniform([4, 8, 8, 1], -1, 1, 'float32', 2);
    const b = tf.neg(a);
    const forward = await values(await lib(() => cycle.generatorAB.predict(a) as tf.Tensor));
    const trained = await lib(() => trainCycleGAN(cycle, { a, b }, { batchSize: 2, steps: 1, seed: 1 }));
    tf.dispose([a, b]);
    cycle.dispose();
    mark('cycle');
    const style = await lib(() => buildStyleGenerator({ imageSize: 8, channels: 1, latentDim: 8, filters: 4, seed: 1 }));
    const critic = buildDCGAN({ imageSize: 8, channels: 1, generatorFilters: 4, discriminatorFilters: 4, seed: 2 }); // its discriminator only
    const z = tf.randomNormal([2, 8], 0, 1, 'float32', 4);
    const styleForward = await values(await lib(() => style.generator.predict(z) as tf.Tensor));
    const data = tf.randomUniform([8, 8, 8, 1], -1, 1, 'float32', 5);
    const styleTrained = await lib(() => trainGAN({ generator: style.generator, discriminator: critic.discriminator }, data, { batchSize: 4, steps: 1, seed: 1 }));
    tf.dispose([z, data]);
    style.dispose();
    critic.generator.dispose();
    critic.discriminator.dispose();
    mark('style');
    return {
      cycleForwardMean: mean(forward),
      cycleForward: forward.slice(0, 16),
      cycleLoss: [...trained.history.generatorLoss, ...trained.history.cycleLossA, ...trained.history.discriminatorLossA],
      styleForward: styleForward.slice(0, 16),
      styleLoss: [...styleTrained.history.generatorLoss, ...styleTrained.history.discriminatorLoss],
    };
  },
};

/** The names of {@link families}. */
export type FamilyName = keyof typeof families;
