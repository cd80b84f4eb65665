/**
 * A variational autoencoder on real MNIST digits, in Node, with no native dependency.
 *
 *   npx tsx examples/vae-mnist.ts [--backend cpu|wasm] [--conv] [--latent-dim 16]
 *       [--epochs 20 | --steps N] [--batch-size 100] [--hidden 512,256] [--filters 32,64]
 *       [--conditional] [--iwae-samples 100] [--test-size 1501] [--per-class 100] [--out out] [--seed 1]
 *       [--classifier cnn|mlp|none]
 *   npx tsx examples/vae-mnist.ts --help
 *
 * Trains `buildVAE` (dense) or, with `--conv`, `buildConvVAE` on the `mnist`
 * package's digits (8,499 train / 1,501 test, split per class), binarized by
 * sampling each pixel once (fixed seeds), so that the Bernoulli likelihood is a
 * proper likelihood and the numbers can be set beside papers'. Writes PNG grids
 * of test reconstructions, samples and, with `--latent-dim 2`, the latent
 * manifold, to `out/PREFIX-{reconstructions,samples,manifold}.png` where PREFIX
 * is `vae-mnist`, then `-conv` and `-conditional` for those modes (so the modes
 * can share `--out`); prints the test ELBO and the importance-weighted bound
 * on log p(x) (Burda et al. 2015) in nats.
 *
 * With `--conditional` the VAE is conditioned on the digit class; it then
 * generates each requested digit and the MNIST classifier from the GAN example
 * checks that the generated digit is the requested one.
 */
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import {
  buildConvVAE,
  buildVAE,
  decodeLatents,
  elbo,
  encodeMean,
  encodePNG,
  imageGrid,
  importanceWeightedBound,
  latentGrid,
  trainVAE,
  type VAE,
  type VAEEpochInfo,
} from 'tfjs-generative';
import { backendNote, backendOption, setupBackend } from './_backend.js';
import { cli, run } from './_cli.js';
import { loadMnist } from './_mnist.js';
import { mnistClassifier } from './_mnistClassifier.js';

const args = cli({
  summary:
    'A variational autoencoder on real MNIST digits (the `mnist` package: 8,499 training, 1,501 test), binarized by ' +
    'sampling each pixel once so that the Bernoulli likelihood is a proper one. Trains buildVAE (dense) or, with --conv, ' +
    'buildConvVAE with trainVAE; writes PNG grids of test reconstructions, samples and, with --latent-dim 2, the latent ' +
    'manifold; prints the test ELBO and the importance-weighted bound on log p(x) (Burda et al. 2015) in nats.\n\n' +
    'With --conditional the VAE is conditioned on the digit; it then generates each digit and the MNIST classifier of ' +
    'the GAN example checks that it is the digit requested.',
  options: {
    backend: backendOption,
    conv: { kind: 'flag', help: 'a convolutional VAE (buildConvVAE) instead of a dense one' },
    conditional: { kind: 'flag', help: 'condition the encoder and decoder on the digit (numClasses: 10)' },
    'latent-dim': { kind: 'count', default: 16, help: 'size of the latent space; 2 also writes the manifold grid' },
    epochs: { kind: 'count', default: 20, help: 'passes over the training digits' },
    steps: { kind: 'count', help: 'train this many steps instead of --epochs' },
    'batch-size': { kind: 'count', default: 100, help: 'digits per step' },
    hidden: { kind: 'counts', default: [512, 256], help: 'hidden layer widths of the dense VAE' },
    filters: { kind: 'counts', default: [32, 64], help: 'filters per convolution of the --conv VAE' },
    'iwae-samples': { kind: 'count', default: 100, help: 'importance samples k of the IWAE bound' },
    'test-size': { kind: 'count', default: 1501, help: 'test digits for the ELBO and the IWAE bound (at most 1,501)' },
    'per-class': { kind: 'count', default: 100, help: 'generated digits per class the classifier judges (--conditional)' },
    classifier: { kind: 'choice', choices: ['cnn', 'mlp', 'none'], default: 'cnn', help: 'MNIST classifier for --conditional (trained once, cached in --out); none skips it' },
    out: { kind: 'text', default: 'out', placeholder: 'DIR', help: 'folder for the files written' },
    seed: { kind: 'int', default: 1, help: 'seed of the weights, batches and latents' },
  },
  writes: [
    ['DIR/PREFIX-reconstructions.png', '32 test digits, each row of originals followed by a row of their reconstructions'],
    ['DIR/PREFIX-samples.png', '64 decoded samples z ~ N(0, I) (80, a row per digit, when conditional)'],
    ['DIR/PREFIX-manifold.png', 'with --latent-dim 2: the decoded 20 x 20 grid of the latent plane'],
    ['DIR/mnist-classifier-KIND/', 'with --conditional: the MNIST classifier, trained on the first run and reused'],
    'PREFIX: vae-mnist, then -conv with --conv and -conditional with --conditional (vae-mnist-conv-conditional).',
  ],
  time:
    'about 3 minutes with the defaults on wasm (dense, 20 epochs, then the IWAE bound; estimated from a 1-epoch run ' +
    'on the project\'s 2-core machine while it was shared, scaled by the DCGAN example\'s speed measured beside it). ' +
    '--conv was not timed: its convolutions cost more per step. --conditional adds about 3 minutes the first time, to ' +
    'train the CNN classifier (cached in --out).',
  notes: [backendNote],
});
const latentDim = args['latent-dim'];
const batchSize = args['batch-size'];
const iwaeSamples = args['iwae-samples'];
const testSize = args['test-size'];
const perClass = args['per-class'];
const seed = args.seed;
const outDir = args.out;
const classifierKind = args.classifier;
const schedule = args.steps !== undefined ? { steps: args.steps } : { epochs: args.epochs };
const prefix = `vae-mnist${args.conv ? '-conv' : ''}${args.conditional ? '-conditional' : ''}`;

const log = (line: string) => process.stdout.write(`${line}\n`);

/** Probabilities in [0, 1] → imageGrid's [-1, 1]. */
async function writeGrid(probabilities: tf.Tensor, path: string, columns: number): Promise<void> {
  const images = tf.tidy(() => tf.sub(tf.mul(probabilities, 2), 1));
  writeFileSync(path, encodePNG(await imageGrid(images, { columns })));
  images.dispose();
  log(`wrote ${path}`);
}

/** Mean ELBO over `x` (one z per example, seeded), in nats, with `elbo` from the losses. */
async function testElbo(model: VAE, x: tf.Tensor, labels: tf.Tensor | null): Promise<number> {
  let total = 0;
  for (let start = 0; start < x.shape[0]!; start += 500) {
    const size = Math.min(500, x.shape[0]! - start);
    const sum = tf.tidy(() => {
      const xb = tf.slice(x, start, size);
      const hot = labels === null ? null : tf.cast(tf.oneHot(tf.slice(labels, start, size) as tf.Tensor1D, 10), 'float32'); // [B, 10]
      const [mean, logVar] = model.encoder.predict(hot === null ? xb : [xb, hot]) as tf.Tensor[];
      const eps = tf.randomNormal(mean!.shape, 0, 1, 'float32', seed + start);
      const z = tf.add(mean!, tf.mul(tf.exp(tf.mul(logVar!, 0.5)), eps));
      const logits = model.decoder.predict(hot === null ? z : [z, hot]) as tf.Tensor;
      return tf.sum(elbo(logits, xb, mean!, logVar!));
    });
    total += (await sum.data())[0]!;
    sum.dispose();
  }
  return total / x.shape[0]!;
}

async function main(): Promise<void> {
  const backend = await setupBackend(args.backend);
  log(`backend: ${backend}`);
  mkdirSync(outDir, { recursive: true });

  const mnist = loadMnist();
  // Binarize by sampling each pixel once, x ~ Bernoulli(gray level), with a fixed seed:
  // the stochastic binarization of the MNIST likelihood benchmarks (a threshold at 0.5
  // would remove the pixel noise and flatter the numbers). loadMnist gives [-1, 1].
  const binarize = (images: tf.Tensor, s: number) =>
    tf.tidy(() => {
      const gray = tf.div(tf.add(images, 1), 2); // [N, 28, 28, 1] in [0, 1]
      return tf.cast(tf.less(tf.randomUniform(images.shape, 0, 1, 'float32', s), gray), 'float32'); // {0, 1}
    });
  const trainX = binarize(mnist.train.images, 1234);
  const testAll = binarize(mnist.test.images, 5678);
  const nTest = Math.min(testSize, testAll.shape[0]!);
  const testX = tf.slice(testAll, 0, nTest);
  const testLabels = tf.slice(mnist.test.labels, 0, nTest);
  log(`MNIST: ${trainX.shape[0]} training and ${nTest} test digits, binarized by sampling`);

  const common = { latentDim, seed, ...(args.conditional ? { numClasses: 10 } : {}) };
  const model = args.conv
    ? buildConvVAE({ imageSize: 28, channels: 1, filters: args.filters, ...common })
    : buildVAE({ inputShape: [28, 28, 1], hiddenUnits: args.hidden, ...common });
  log(
    `${args.conv ? 'convolutional' : 'dense'}${args.conditional ? ' conditional' : ''} VAE, latent size ${latentDim}: ` +
      `encoder ${model.encoder.countParams().toLocaleString('en')} parameters, decoder ${model.decoder.countParams().toLocaleString('en')}`,
  );

  const data = args.conditional ? { x: trainX, labels: mnist.train.labels } : trainX;
  const validationData = args.conditional ? { x: testX, labels: testLabels } : testX;
  const t0 = performance.now();
  const onEpochEnd = (e: VAEEpochInfo): void => {
    const v = e.validation;
    log(
      `epoch ${e.epoch + 1}: train ELBO ${e.elbo.toFixed(2)} (reconstruction ${e.reconstruction.toFixed(2)}, KL ${e.kl.toFixed(2)})` +
        (v === undefined ? '' : `, test ELBO ${v.elbo.toFixed(2)}`) +
        `  ${((performance.now() - t0) / 1000).toFixed(0)} s`,
    );
  };
  const result = await trainVAE(model, data, {
    ...schedule,
    batchSize,
    seed,
    optimizer: tf.train.adam(1e-3),
    validationData,
    onEpochEnd,
  });
  const seconds = (performance.now() - t0) / 1000;
  log(`trained ${result.steps} steps (${result.epochs} epochs) in ${seconds.toFixed(1)} s (${(result.steps / seconds).toFixed(1)} steps/s)`);

  // Reconstructions of 32 test digits spread over the (class-ordered) test split: rows of
  // 8 originals, each followed by a row of their reconstructions (posterior means, decoded).
  const picks = tf.tensor1d(Array.from({ length: 32 }, (_, i) => Math.floor((i * nTest) / 32)), 'int32');
  const originals = tf.gather(testX, picks); // [32, 28, 28, 1]
  const pickedLabels = tf.gather(testLabels, picks); // [32]
  const withLabels = args.conditional ? { labels: pickedLabels } : {};
  const codes = encodeMean(model, originals, withLabels); // [32, Z]
  const recon = decodeLatents(model, codes, withLabels); // [32, 28, 28, 1]
  const pairs = tf.tidy(() => {
    const rows: tf.Tensor[] = [];
    for (let r = 0; r < 4; r++) rows.push(tf.slice(originals, r * 8, 8), tf.slice(recon, r * 8, 8));
    return tf.concat(rows); // [64, 28, 28, 1]
  });
  await writeGrid(pairs, `${outDir}/${prefix}-reconstructions.png`, 8);
  tf.dispose([picks, originals, pickedLabels, codes, recon, pairs]);

  // Samples: decoded z ~ N(0, I) (the mean of p(x|z), as papers show); one row per digit if conditional.
  const z = tf.randomNormal([args.conditional ? 80 : 64, latentDim], 0, 1, 'float32', seed + 1);
  const sampleLabels = args.conditional ? { labels: Array.from({ length: 80 }, (_, i) => Math.floor(i / 8)) } : {};
  const samples = decodeLatents(model, z, sampleLabels);
  await writeGrid(samples, `${outDir}/${prefix}-samples.png`, 8);
  tf.dispose([z, samples]);

  if (latentDim === 2) {
    const manifold = latentGrid(model, { size: 20, ...(args.conditional ? { label: 3 } : {}) });
    await writeGrid(manifold, `${outDir}/${prefix}-manifold.png`, 20);
    manifold.dispose();
  }

  if (args.conditional && classifierKind !== 'none') {
    const { model: classifier, testAccuracy, cached } = await mnistClassifier(mnist, { kind: classifierKind, outDir, log });
    log(`classifier (${classifierKind}${cached ? ', cached' : ''}): held-out accuracy ${(testAccuracy * 100).toFixed(2)}%`);
    const requested = Array.from({ length: 10 * perClass }, (_, i) => i % 10);
    const zc = tf.randomNormal([requested.length, latentDim], 0, 1, 'float32', seed + 2);
    const generated = decodeLatents(model, zc, { labels: requested });
    const predicted = tf.tidy(() => tf.argMax(classifier.predict(tf.sub(tf.mul(generated, 2), 1), { batchSize: 256 }) as tf.Tensor, -1));
    const p = await predicted.data();
    const perDigit = new Array<number>(10).fill(0);
    requested.forEach((r, i) => {
      if (p[i] === r) perDigit[r]!++;
    });
    const correct = perDigit.reduce((a, b) => a + b, 0);
    log(
      `conditional generation: the classifier recognised the requested digit in ${correct} of ${requested.length} samples ` +
        `(${((100 * correct) / requested.length).toFixed(1)}%); per digit 0-9: ${perDigit.map((c) => `${((100 * c) / perClass).toFixed(0)}%`).join(' ')}`,
    );
    tf.dispose([zc, generated, predicted]);
    classifier.dispose();
  }

  const elboValue = await testElbo(model, testX, args.conditional ? testLabels : null);
  const t1 = performance.now();
  const bound = importanceWeightedBound(model, testX, {
    samples: iwaeSamples,
    seed: seed + 3,
    ...(args.conditional ? { labels: testLabels } : {}),
  });
  const meanBound = tf.tidy(() => tf.mean(bound));
  const iwae = (await meanBound.data())[0]!;
  log(`IWAE bound over ${nTest} test digits with k=${iwaeSamples} in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
  tf.dispose([bound, meanBound]);
  log(`test ELBO ${elboValue.toFixed(1)} nats, IWAE (k=${iwaeSamples}) log p(x) >= ${iwae.toFixed(1)} nats`);

  tf.dispose([trainX, testAll, testX, testLabels, mnist.train.images, mnist.train.labels, mnist.test.images, mnist.test.labels]);
  model.dispose();
}

run(main);
