/**
 * DCGAN on real MNIST digits, in Node, with no native dependency.
 *
 *   npx tsx examples/dcgan-mnist.ts [--backend cpu|wasm] [--steps 1200] [--batch-size 32]
 *       [--filters 32] [--latent-dim 64] [--sample-every 300] [--eval-samples 1000] [--out out]
 *       [--seed 1] [--classifier cnn|mlp|none] [--conditional] [--auxiliary-classifier]
 *   npx tsx examples/dcgan-mnist.ts --help
 *
 * Trains `buildDCGAN({ imageSize: 28, channels: 1 })` with `trainGAN`, writes a
 * grid of samples to `out/dcgan-mnist-step-N.png` every `--sample-every` steps,
 * saves the generator to `out/dcgan-mnist-generator/`, loads it back, checks
 * the reloaded generator gives the same samples (`out/dcgan-mnist-reloaded.png`),
 * and measures how many samples an MNIST classifier recognises as digits. With
 * `--conditional`, the pair is conditioned on the digit (`numClasses: 10`): the
 * grids show digits 0–9 in columns, and the classifier measures how often a
 * generated digit is the one requested. `--auxiliary-classifier` does the same
 * with an AC-GAN discriminator (a class head instead of the projection). Each
 * mode has its own file prefix, so the three can share `--out`:
 * `dcgan-mnist-…`, `dcgan-mnist-conditional-…`, `dcgan-mnist-acgan-…`.
 */
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { mkdirSync, writeFileSync } from 'node:fs';
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
import { backendNote, backendOption, setupBackend } from './_backend.js';
import { cli, run } from './_cli.js';
import { loadMnist } from './_mnist.js';
import { digitReport, mnistClassifier } from './_mnistClassifier.js';

const args = cli({
  summary:
    'DCGAN on real MNIST digits (the `mnist` package: 8,499 training, 1,501 held-out), in Node with no native ' +
    'dependency. Trains buildDCGAN({ imageSize: 28, channels: 1 }) with trainGAN, writes a grid of samples every ' +
    '--sample-every steps, saves the generator, reloads it and checks the reloaded one gives the same samples, then ' +
    'measures how many samples an MNIST classifier recognises as digits.\n\n' +
    'Modes: --conditional conditions the pair on the digit (grids show digits 0-9 in columns; the classifier checks the ' +
    'digit requested); --auxiliary-classifier does the same with an AC-GAN discriminator. Each mode writes its own ' +
    'files (prefix dcgan-mnist, dcgan-mnist-conditional or dcgan-mnist-acgan), so the modes can share --out.',
  options: {
    backend: backendOption,
    steps: { kind: 'count', default: 1200, help: 'training steps (1,200 of batch 32 are about 4.5 epochs)' },
    'batch-size': { kind: 'count', default: 32, help: 'real images per step' },
    filters: { kind: 'count', default: 32, help: 'filters of the first discriminator / last generator layer' },
    'latent-dim': { kind: 'count', default: 64, help: 'size of the generator\'s latent vector' },
    'sample-every': { kind: 'count', default: 300, help: 'write a grid of samples every N steps (and after the last)' },
    'eval-samples': { kind: 'count', default: 1000, help: 'samples the classifier judges at the end' },
    classifier: { kind: 'choice', choices: ['cnn', 'mlp', 'none'], default: 'cnn', help: 'MNIST classifier that judges the samples (trained once, cached in --out); none skips it' },
    out: { kind: 'text', default: 'out', placeholder: 'DIR', help: 'folder for the files written' },
    seed: { kind: 'int', default: 1, help: 'seed of the weights, batches and latents' },
    conditional: { kind: 'flag', help: 'condition the pair on the digit (numClasses: 10, projection discriminator)' },
    'auxiliary-classifier': { kind: 'flag', help: 'an AC-GAN: conditional, with a class head on the discriminator' },
  },
  writes: [
    ['DIR/PREFIX-step-N.png', 'a grid of 64 samples (100, digits 0-9 in columns, when conditional) every --sample-every steps and after the last'],
    ['DIR/PREFIX-reloaded.png', 'the same latents through the reloaded generator'],
    ['DIR/PREFIX-generator/', 'the saved generator (model.json, weights.bin)'],
    ['DIR/mnist-classifier-KIND/', 'the MNIST classifier, trained on the first run and reused'],
    'PREFIX: dcgan-mnist, dcgan-mnist-conditional (--conditional) or dcgan-mnist-acgan (--auxiliary-classifier).',
  ],
  notes: [backendNote],
  time:
    'about 4 minutes for the GAN with the defaults on wasm (1,200 steps took 189-238 s on the project\'s 2-core ' +
    'machine; --conditional 220 s), plus about 3 minutes the first time, to train the CNN classifier (cached in --out ' +
    'for later runs). The cpu backend is not practical for this model: about 100 s a step.',
});
// An AC-GAN (Odena et al. 2017) is conditional too: its discriminator classifies instead of projecting.
const auxiliaryClassifier = args['auxiliary-classifier'];
const conditional = args.conditional || auxiliaryClassifier;
const prefix = auxiliaryClassifier ? 'dcgan-mnist-acgan' : conditional ? 'dcgan-mnist-conditional' : 'dcgan-mnist';
const steps = args.steps;
const batchSize = args['batch-size'];
const filters = args.filters;
const latentDim = args['latent-dim'];
const sampleEvery = args['sample-every'];
const evalSamples = args['eval-samples'];
const seed = args.seed;
const outDir = args.out;
const classifierKind = args.classifier;

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
      await writeGrid(samples, `${outDir}/${prefix}-step-${done}.png`);
      samples.dispose();
    }
  };
  const result = await trainGAN({ generator, discriminator }, mnist.train.images, {
    ...(conditional ? { labels: mnist.train.labels } : {}),
    batchSize,
    steps,
    seed,
    onStep,
  });
  const seconds = (performance.now() - t0) / 1000;
  log(`trained ${result.steps} steps in ${seconds.toFixed(1)} s (${(result.steps / seconds).toFixed(2)} steps/s)`);

  // Save, reload, and check the reloaded generator is the same function.
  const dir = `${outDir}/${prefix}-generator`;
  await saveModel(generator, dir);
  const reloaded = await loadModel(dir);
  const a = sampleGAN(generator, gridCount, gridOptions);
  const b = sampleGAN(reloaded, gridCount, gridOptions);
  const maxDiff = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))));
  log(`saved the generator to ${dir}; reloaded samples differ by at most ${(await maxDiff.data())[0]}`);
  await writeGrid(b, `${outDir}/${prefix}-reloaded.png`);
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

run(main);
