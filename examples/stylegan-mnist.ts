/**
 * A StyleGAN-style generator on real MNIST digits, in Node, with no native dependency.
 *
 *   npx tsx examples/stylegan-mnist.ts [--backend cpu|wasm] [--steps 1000] [--batch-size 32]
 *       [--filters 32,16,8] [--discriminator-filters 32] [--latent-dim 32] [--mapping-layers 2] [--crossover 2] [--lr 0.0005]
 *       [--sample-every 500] [--eval-samples 1000] [--mix-size 6] [--out out] [--seed 1] [--classifier cnn|mlp|none]
 *   npx tsx examples/stylegan-mnist.ts --help
 *
 * Trains `buildStyleGenerator({ imageSize: 28, channels: 1 })` against the DCGAN
 * discriminator (`buildDCGAN({ imageSize: 28 }).discriminator`) with `trainGAN`,
 * writes samples to `out/stylegan-mnist-step-N.png`, then a style-mixing grid
 * to `out/stylegan-mnist-mixing.png`: the top row shows the source-B digits,
 * the left column the source-A digits, and cell (a, b) takes the styles
 * before `--crossover` (coarse: the 7×7 layers) from A and the rest (fine:
 * 14×14 and 28×28) from B. It saves the generator to
 * `out/stylegan-mnist-generator/`, loads it back and checks that it gives the
 * same images, and measures how many samples an MNIST classifier recognises
 * as digits.
 */
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import {
  buildDCGAN,
  buildStyleGenerator,
  encodePNG,
  imageGrid,
  loadModel,
  sampleGAN,
  saveModel,
  styleMix,
  trainGAN,
  type GANStepInfo,
} from 'tfjs-generative';
import { backendNote, backendOption, setupBackend } from './_backend.js';
import { cli, run } from './_cli.js';
import { loadMnist } from './_mnist.js';
import { digitReport, mnistClassifier } from './_mnistClassifier.js';

const args = cli({
  summary:
    'A StyleGAN-style generator on real MNIST digits, in Node, with no native dependency. Trains ' +
    'buildStyleGenerator({ imageSize: 28, channels: 1 }) against the DCGAN discriminator with trainGAN, writes samples ' +
    'every --sample-every steps, then a style-mixing grid: the top row shows the source-B digits, the left column the ' +
    'source-A digits, and cell (a, b) takes the styles before --crossover (coarse: the 7x7 layers) from A and the rest ' +
    '(fine: 14x14 and 28x28) from B. Saves the generator, reloads it and checks it gives the same images, and measures ' +
    'how many samples an MNIST classifier recognises as digits.',
  options: {
    backend: backendOption,
    steps: { kind: 'count', default: 1000, help: 'training steps' },
    'batch-size': { kind: 'count', default: 32, help: 'real images per step' },
    filters: { kind: 'counts', default: [32, 16, 8], help: 'generator channels at 7x7, 14x14, 28x28 (or one number for all)' },
    'discriminator-filters': { kind: 'count', default: 32, help: 'filters of the DCGAN discriminator' },
    'latent-dim': { kind: 'count', default: 32, help: 'size of the latent vector z (and of w)' },
    'mapping-layers': { kind: 'count', default: 2, help: 'dense layers of the mapping network z → w' },
    crossover: { kind: 'count', default: 2, help: 'the mixing grid takes styles before this index from the row\'s digit' },
    lr: { kind: 'positive', default: 0.0005, help: 'Adam learning rate (β1 0.5, β2 0.99) of both optimizers' },
    'sample-every': { kind: 'count', default: 500, help: 'write a grid of samples every N steps (and after the last)' },
    'eval-samples': { kind: 'count', default: 1000, help: 'samples the classifier judges at the end' },
    'mix-size': { kind: 'count', default: 6, help: 'digits per side of the style-mixing grid' },
    classifier: { kind: 'choice', choices: ['cnn', 'mlp', 'none'], default: 'cnn', help: 'MNIST classifier that judges the samples (trained once, cached in --out); none skips it' },
    out: { kind: 'text', default: 'out', placeholder: 'DIR', help: 'folder for the files written' },
    seed: { kind: 'int', default: 1, help: 'seed of the weights, batches and latents' },
  },
  writes: [
    ['DIR/stylegan-mnist-step-N.png', 'a grid of 64 samples every --sample-every steps and after the last'],
    ['DIR/stylegan-mnist-mixing.png', 'the style-mixing grid'],
    ['DIR/stylegan-mnist-generator/', 'the saved generator'],
    ['DIR/mnist-classifier-KIND/', 'the MNIST classifier, trained on the first run and reused'],
  ],
  time:
    'about 12 minutes with the defaults on wasm (1,000 steps trained in 735 s on the project\'s 2-core machine beside ' +
    'other work), plus about 3 minutes the first time, to train the CNN classifier (cached in --out).',
  notes: [backendNote],
});
const steps = args.steps;
const batchSize = args['batch-size'];
// Channels at 7×7, 14×14, 28×28 (or one number for all): the 28×28 convolutions cost the most.
const filters = args.filters.length === 1 ? args.filters[0]! : args.filters;
const latentDim = args['latent-dim'];
const mappingLayers = args['mapping-layers'];
const crossover = args.crossover;
const lr = args.lr;
const sampleEvery = args['sample-every'];
const evalSamples = args['eval-samples'];
const mixSize = args['mix-size'];
const seed = args.seed;
const outDir = args.out;
const classifierKind = args.classifier;

const log = (line: string) => process.stdout.write(`${line}\n`);

async function writeGrid(images: tf.Tensor, path: string, columns: number): Promise<void> {
  writeFileSync(path, encodePNG(await imageGrid(images, { columns })));
  log(`wrote ${path}`);
}

async function main(): Promise<void> {
  const backend = await setupBackend(args.backend);
  log(`backend: ${backend}`);
  mkdirSync(outDir, { recursive: true });

  const mnist = loadMnist();
  log(`MNIST: ${mnist.train.images.shape[0]} training and ${mnist.test.images.shape[0]} held-out digits`);

  const styleGenerator = buildStyleGenerator({ imageSize: 28, channels: 1, latentDim, mappingLayers, filters, seed });
  const { generator, numStyles } = styleGenerator;
  const { discriminator } = buildDCGAN({ imageSize: 28, channels: 1, discriminatorFilters: args['discriminator-filters'], seed: seed + 100 });
  log(
    `style generator ${generator.countParams().toLocaleString('en')} parameters (${numStyles} styles of size ${styleGenerator.styleDim}), ` +
      `DCGAN discriminator ${discriminator.countParams().toLocaleString('en')}`,
  );

  const gridCount = 64;
  const fixedLatents = tf.randomNormal([gridCount, latentDim], 0, 1, 'float32', seed + 1) as tf.Tensor2D;
  const t0 = performance.now();
  const tty = process.stdout.isTTY === true;
  const onStep = async (info: GANStepInfo): Promise<void> => {
    const done = info.step + 1;
    const elapsed = (performance.now() - t0) / 1000;
    const rate = done / elapsed;
    const line =
      `step ${done}/${steps}  D ${info.discriminatorLoss.toFixed(3)}  G ${info.generatorLoss.toFixed(3)}  ` +
      `D(x) ${info.realProbability.toFixed(2)}  D(G(z)) ${info.fakeProbability.toFixed(2)}  ` +
      `${rate.toFixed(2)} steps/s  ETA ${formatSeconds((steps - done) / rate)}`;
    if (tty) process.stdout.write(`\r${line}\u001b[K`);
    else if (done === 1 || done % 50 === 0 || done === steps) log(line);
    if (done % sampleEvery === 0 || done === steps) {
      if (tty) process.stdout.write('\n');
      const samples = sampleGAN(generator, gridCount, { latents: fixedLatents });
      await writeGrid(samples, `${outDir}/stylegan-mnist-step-${done}.png`, 8);
      samples.dispose();
    }
  };
  // Adam(lr, 0.5, 0.99) for both: DCGAN's β1 with StyleGAN2's β2, and a larger step than DCGAN's 2e-4.
  const generatorOptimizer = tf.train.adam(lr, 0.5, 0.99);
  const discriminatorOptimizer = tf.train.adam(lr, 0.5, 0.99);
  const result = await trainGAN({ generator, discriminator }, mnist.train.images, { batchSize, steps, seed, onStep, generatorOptimizer, discriminatorOptimizer });
  const seconds = (performance.now() - t0) / 1000;
  log(`trained ${result.steps} steps in ${seconds.toFixed(1)} s (${(result.steps / seconds).toFixed(2)} steps/s)`);

  // Style mixing: rows A, columns B; the top row shows B, the left column A.
  const latentsA = tf.randomNormal([mixSize, latentDim], 0, 1, 'float32', seed + 3) as tf.Tensor2D;
  const latentsB = tf.randomNormal([mixSize, latentDim], 0, 1, 'float32', seed + 4) as tf.Tensor2D;
  const mixing = tf.tidy(() => {
    const imagesA = generator.predict(latentsA) as tf.Tensor4D; // [n, 28, 28, 1]
    const imagesB = generator.predict(latentsB) as tf.Tensor4D;
    const rowsA = tf.reshape(tf.tile(tf.expandDims(latentsA, 1), [1, mixSize, 1]), [mixSize * mixSize, latentDim]); // A0 A0 … A1 A1 …
    const colsB = tf.tile(latentsB, [mixSize, 1]); // B0 B1 … B0 B1 …
    const mixed = styleMix(styleGenerator, rowsA, colsB, { crossover }); // [n·n, 28, 28, 1]
    const blank = tf.fill([1, 28, 28, 1], -1);
    const rows: tf.Tensor[] = [blank, imagesB];
    for (let r = 0; r < mixSize; r++) rows.push(tf.slice(imagesA, [r], [1]), tf.slice(mixed, [r * mixSize], [mixSize]));
    return tf.concat(rows); // [(n+1)², 28, 28, 1]
  });
  await writeGrid(mixing, `${outDir}/stylegan-mnist-mixing.png`, mixSize + 1);
  log(`style mixing: styles 0–${crossover - 1} of ${numStyles} (coarse) from the row's digit, the rest (fine) from the column's`);
  tf.dispose([mixing, latentsA, latentsB]);

  // Save, reload, and check the reloaded generator is the same function.
  const dir = `${outDir}/stylegan-mnist-generator`;
  await saveModel(generator, dir);
  const reloaded = await loadModel(dir);
  const a = sampleGAN(generator, gridCount, { latents: fixedLatents });
  const b = sampleGAN(reloaded, gridCount, { latents: fixedLatents });
  const maxDiff = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))));
  log(`saved the generator to ${dir}; reloaded samples differ by at most ${(await maxDiff.data())[0]}`);
  tf.dispose([a, b, maxDiff]);

  if (classifierKind !== 'none') {
    const { model: classifier, testAccuracy, cached } = await mnistClassifier(mnist, { kind: classifierKind, outDir, log });
    log(`classifier (${classifierKind}${cached ? ', cached' : ''}): held-out accuracy ${(testAccuracy * 100).toFixed(2)}%`);
    const samples = sampleGAN(reloaded, evalSamples, { seed: seed + 2 });
    const report = await digitReport(classifier, samples, 0.9);
    log(
      `generated digits: ${(report.confidentShare * 100).toFixed(1)}% of ${evalSamples} samples classified with confidence > 0.9; ` +
        `${report.classesPresent} of 10 classes present (counts ${report.classCounts.join(' ')})`,
    );
    samples.dispose();
    classifier.dispose();
  }
  tf.dispose([fixedLatents, mnist.train.images, mnist.train.labels, mnist.test.images, mnist.test.labels]);
  generatorOptimizer.dispose();
  discriminatorOptimizer.dispose();
  styleGenerator.dispose();
  discriminator.dispose();
  reloaded.dispose();
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.round(s)}s`;
}

run(main);
