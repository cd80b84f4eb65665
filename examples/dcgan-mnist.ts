/**
 * DCGAN on real MNIST digits, in Node, with no native dependency.
 *
 *   npx tsx examples/dcgan-mnist.ts [--backend cpu|wasm] [--steps 1200] [--batch-size 32]
 *       [--filters 32] [--latent-dim 64] [--sample-every 300] [--out out] [--seed 1]
 *       [--classifier cnn|mlp|none] [--conditional] [--auxiliary-classifier]
 *
 * Trains `buildDCGAN({ imageSize: 28, channels: 1 })` with `trainGAN`, writes a
 * grid of samples to `out/dcgan-mnist-step-N.png` every `--sample-every` steps,
 * saves the generator to `out/dcgan-mnist-generator/`, loads it back, checks
 * the reloaded generator gives the same samples, and measures how many
 * samples an MNIST classifier recognises as digits. With `--conditional`, the
 * pair is conditioned on the digit (`numClasses: 10`): the grids show digits
 * 0–9 in columns, and the classifier measures how often a generated digit is
 * the one requested. `--auxiliary-classifier` does the same with an AC-GAN
 * discriminator (a class head instead of the projection).
 */
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import {
  buildDCGAN,
  encodePNG,
  imageGrid,
  loadModel,
  sampleGAN,
  saveModel,
  trainGAN,
  type GANStepInfo,
} from 'tfjs-generative';
import { setupBackend } from './_backend.js';
import { loadMnist } from './_mnist.js';
import { digitReport, mnistClassifier, type ClassifierKind } from './_mnistClassifier.js';

const { values: args } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    steps: { type: 'string', default: '1200' },
    'batch-size': { type: 'string', default: '32' },
    filters: { type: 'string', default: '32' },
    'latent-dim': { type: 'string', default: '64' },
    'sample-every': { type: 'string', default: '300' },
    'eval-samples': { type: 'string', default: '1000' },
    classifier: { type: 'string', default: 'cnn' },
    out: { type: 'string', default: 'out' },
    seed: { type: 'string', default: '1' },
    conditional: { type: 'boolean', default: false },
    'auxiliary-classifier': { type: 'boolean', default: false },
  },
});
// An AC-GAN (Odena et al. 2017) is conditional too: its discriminator classifies instead of projecting.
const auxiliaryClassifier = args['auxiliary-classifier'] === true;
const conditional = args.conditional === true || auxiliaryClassifier;
const steps = Number(args.steps);
const batchSize = Number(args['batch-size']);
const filters = Number(args.filters);
const latentDim = Number(args['latent-dim']);
const sampleEvery = Number(args['sample-every']);
const evalSamples = Number(args['eval-samples']);
const seed = Number(args.seed);
const outDir = args.out;
const classifierKind = args.classifier as ClassifierKind | 'none';

const log = (line: string) => process.stdout.write(`${line}\n`);

async function writeGrid(images: tf.Tensor, path: string): Promise<void> {
  writeFileSync(path, encodePNG(await imageGrid(images, { columns: conditional ? 10 : 8 })));
  log(`wrote ${path}`);
}

async function main(): Promise<void> {
  const backend = await setupBackend(args.backend);
  log(`backend: ${backend}`);
  mkdirSync(outDir, { recursive: true });

  const mnist = loadMnist();
  log(`MNIST: ${mnist.train.images.shape[0]} training and ${mnist.test.images.shape[0]} held-out digits`);

  const { generator, discriminator } = buildDCGAN({
    imageSize: 28,
    channels: 1,
    latentDim,
    generatorFilters: filters,
    discriminatorFilters: filters,
    seed,
    ...(conditional ? { numClasses: 10 } : {}),
    ...(auxiliaryClassifier ? { auxiliaryClassifier: true } : {}),
  });
  log(`generator ${generator.countParams().toLocaleString('en')} parameters, discriminator ${discriminator.countParams().toLocaleString('en')}`);

  const gridCount = conditional ? 100 : 64;
  const fixedLatents = tf.randomNormal([gridCount, latentDim], 0, 1, 'float32', seed + 1) as tf.Tensor2D;
  // Conditional grids: 10 columns, column c showing digit c.
  const fixedLabels = conditional ? tf.tensor1d(Array.from({ length: gridCount }, (_, i) => i % 10), 'int32') : undefined;
  const gridOptions = { latents: fixedLatents, ...(fixedLabels === undefined ? {} : { labels: fixedLabels }) };
  const t0 = performance.now();
  const tty = process.stdout.isTTY === true;
  const onStep = async (info: GANStepInfo): Promise<void> => {
    const done = info.step + 1;
    const elapsed = (performance.now() - t0) / 1000;
    const rate = done / elapsed;
    const eta = (steps - done) / rate;
    const line =
      `step ${done}/${steps}  D ${info.discriminatorLoss.toFixed(3)}  G ${info.generatorLoss.toFixed(3)}  ` +
      `D(x) ${info.realProbability.toFixed(2)}  D(G(z)) ${info.fakeProbability.toFixed(2)}  ` +
      `${rate.toFixed(2)} steps/s  ETA ${formatSeconds(eta)}`;
    if (tty) process.stdout.write(`\r${line}\u001b[K`);
    else if (done === 1 || done % 10 === 0 || done === steps) log(line);
    if (done % sampleEvery === 0 || done === steps) {
      if (tty) process.stdout.write('\n');
      const samples = sampleGAN(generator, gridCount, gridOptions);
      await writeGrid(samples, `${outDir}/dcgan-mnist-step-${done}.png`);
      samples.dispose();
    }
  };
  const result = await trainGAN({
    generator,
    discriminator,
    data: mnist.train.images,
    ...(conditional ? { labels: mnist.train.labels } : {}),
    batchSize,
    steps,
    seed,
    onStep,
  });
  const seconds = (performance.now() - t0) / 1000;
  log(`trained ${result.steps} steps in ${seconds.toFixed(1)} s (${(result.steps / seconds).toFixed(2)} steps/s)`);

  // Save, reload, and check the reloaded generator is the same function.
  const dir = `${outDir}/dcgan-mnist-generator`;
  await saveModel(generator, dir);
  const reloaded = await loadModel(dir);
  const a = sampleGAN(generator, gridCount, gridOptions);
  const b = sampleGAN(reloaded, gridCount, gridOptions);
  const maxDiff = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))));
  log(`saved the generator to ${dir}; reloaded samples differ by at most ${(await maxDiff.data())[0]}`);
  await writeGrid(b, `${outDir}/dcgan-mnist-reloaded.png`);
  tf.dispose([a, b, maxDiff]);

  if (classifierKind !== 'none') {
    const { model: classifier, testAccuracy, cached } = await mnistClassifier(mnist, { kind: classifierKind, outDir, log });
    log(`classifier (${classifierKind}${cached ? ', cached' : ''}): held-out accuracy ${(testAccuracy * 100).toFixed(2)}%`);
    const requested = tf.tensor1d(Array.from({ length: evalSamples }, (_, i) => i % 10), 'int32');
    const samples = sampleGAN(reloaded, evalSamples, { seed: seed + 2, ...(conditional ? { labels: requested } : {}) });
    const report = await digitReport(classifier, samples, 0.9);
    if (conditional) {
      const predicted = tf.tidy(() => tf.argMax(classifier.predict(samples, { batchSize: 256 }) as tf.Tensor, 1));
      const hits = tf.tidy(() => tf.sum(tf.cast(tf.equal(predicted, requested), 'int32')));
      log(`conditional: ${(((await hits.data())[0]! / evalSamples) * 100).toFixed(1)}% of ${evalSamples} generated digits are classified as the digit requested`);
      tf.dispose([predicted, hits]);
    }
    requested.dispose();
    log(
      `generated digits: ${(report.confidentShare * 100).toFixed(1)}% of ${evalSamples} samples classified with confidence > 0.9; ` +
        `${report.classesPresent} of 10 classes present (counts ${report.classCounts.join(' ')})`,
    );
    samples.dispose();
    classifier.dispose();
  }
  tf.dispose([fixedLatents, ...(fixedLabels === undefined ? [] : [fixedLabels]), mnist.train.images, mnist.train.labels, mnist.test.images, mnist.test.labels]);
  generator.dispose();
  discriminator.dispose();
  reloaded.dispose();
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.round(s)}s`;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
