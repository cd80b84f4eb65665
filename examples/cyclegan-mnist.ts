/**
 * CycleGAN on MNIST digits, in Node, with no native dependency and no download.
 *
 *   npx tsx examples/cyclegan-mnist.ts [--backend cpu|wasm] [--task thicken|invert] [--steps 300]
 *       [--batch-size 4] [--filters 8] [--residual-blocks 2] [--lr 2e-3] [--identity-weight 0]
 *       [--test-size 1000] [--out out] [--seed 1]
 *
 * Domain A: MNIST digits. Domain B: other MNIST digits, thickened (a 3×3 max
 * filter: strokes grow by a pixel on each side) or inverted (white background).
 * The two domains are disjoint halves of the training digits, so nothing tells
 * the model which B goes with which A: it must find the mapping from the two
 * unpaired sets (Zhu et al. 2017). Trains `buildCycleGAN` with
 * `trainCycleGAN`, then, on held-out digits, reports the cycle L1 errors
 * `|G_BA(G_AB(a)) − a|`, `|G_AB(G_BA(b)) − b|` and, since here the true
 * mapping T is known, the translation errors `|G_AB(a) − T(a)|` and
 * `|G_BA(T(a)) − a|` (pixels in [-1, 1]; `|a − T(a)|`, the error of doing
 * nothing, is printed for scale). Writes `out/cyclegan-mnist-<task>.png`
 * (rows: real A, G_AB(A), G_BA(G_AB(A)), real B, G_BA(B), G_AB(G_BA(B))),
 * saves both generators, reloads them and checks they give the same images.
 *
 * The identity loss is off by default here: it asks G_AB to leave B images
 * unchanged, which contradicts both tasks (an inverted digit fed to the
 * inverter must come out re-inverted; a thick one fed to the thickener gets thicker).
 */
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import {
  buildCycleGAN,
  encodePNG,
  imageGrid,
  loadModel,
  saveModel,
  trainCycleGAN,
  type CycleGANStepInfo,
} from 'tfjs-generative';
import { setupBackend } from './_backend.js';
import { loadMnist } from './_mnist.js';

const { values: args } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    task: { type: 'string', default: 'thicken' },
    steps: { type: 'string', default: '300' },
    'batch-size': { type: 'string', default: '4' },
    filters: { type: 'string', default: '8' },
    'residual-blocks': { type: 'string', default: '2' },
    lr: { type: 'string', default: '2e-3' },
    'identity-weight': { type: 'string', default: '0' },
    'test-size': { type: 'string', default: '1000' },
    out: { type: 'string', default: 'out' },
    seed: { type: 'string', default: '1' },
  },
});
const task = args.task;
if (task !== 'thicken' && task !== 'invert') throw new Error(`--task: expected 'thicken' or 'invert', received ${JSON.stringify(task)}`);
const steps = Number(args.steps);
const batchSize = Number(args['batch-size']);
const filters = Number(args.filters);
const residualBlocks = Number(args['residual-blocks']);
const lr = Number(args.lr);
const identityWeight = Number(args['identity-weight']);
const testSize = Number(args['test-size']);
const seed = Number(args.seed);
const outDir = args.out;
const GRID_COLUMNS = 10;

const log = (line: string) => process.stdout.write(`${line}\n`);

/** The true mapping A → B on images [N, 28, 28, 1] in [-1, 1] (ink +1). */
function transform(images: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() =>
    task === 'invert'
      ? tf.neg(images)
      : tf.maxPool(images, 3, 1, 'same'), // dilation: each pixel takes the brightest of its 3×3 neighbourhood
  );
}

/** Mean absolute difference, read back. */
async function l1(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  const m = tf.tidy(() => tf.mean(tf.abs(tf.sub(a, b))));
  const v = (await m.data())[0]!;
  m.dispose();
  return v;
}

/** Applies a generator in batches of 100 (inference). */
function translate(generator: { predict(x: tf.Tensor, o: { batchSize: number }): tf.Tensor | tf.Tensor[] }, images: tf.Tensor): tf.Tensor4D {
  return generator.predict(images, { batchSize: 100 }) as tf.Tensor4D;
}

async function main(): Promise<void> {
  const backend = await setupBackend(args.backend);
  log(`backend: ${backend}`);
  mkdirSync(outDir, { recursive: true });

  const mnist = loadMnist();
  const n = mnist.train.images.shape[0];
  // Unpaired domains: A = the even-numbered training digits, B = T(the odd-numbered ones).
  const every2 = (start: number) => tf.tidy(() => tf.gather(mnist.train.images, tf.range(start, n, 2, 'int32')) as tf.Tensor4D);
  const dataA = every2(0);
  const odd = every2(1);
  const dataB = transform(odd);
  odd.dispose();
  // Held-out digits in 10 interleaved runs over the class-ordered test split: the first 10 are
  // about one per class (the grid's columns).
  const stride = Math.floor(mnist.test.images.shape[0] / GRID_COLUMNS);
  const testCount = Math.min(testSize, stride * GRID_COLUMNS);
  const testIds = Array.from({ length: testCount }, (_, i) => (i % GRID_COLUMNS) * stride + Math.floor(i / GRID_COLUMNS));
  const testA = tf.tidy(() => tf.gather(mnist.test.images, tf.tensor1d(testIds, 'int32')) as tf.Tensor4D);
  const testB = transform(testA); // the true T(a), known here
  log(`MNIST ${task}: ${dataA.shape[0]} digits in A, ${dataB.shape[0]} other digits in B (unpaired), ${testA.shape[0]} held out`);

  const cycleGAN = buildCycleGAN({ imageSize: 28, channels: 1, residualBlocks, generatorFilters: filters, discriminatorFilters: filters, seed });
  log(`each generator ${cycleGAN.generatorAB.countParams().toLocaleString('en')} parameters, each discriminator ${cycleGAN.discriminatorA.countParams().toLocaleString('en')}`);

  const t0 = performance.now();
  const tty = process.stdout.isTTY === true;
  const onStep = (info: CycleGANStepInfo): void => {
    const done = info.step + 1;
    const rate = done / ((performance.now() - t0) / 1000);
    const line =
      `step ${done}/${steps}  G ${info.generatorLoss.toFixed(3)}  cycle A ${info.cycleLossA.toFixed(3)} B ${info.cycleLossB.toFixed(3)}  ` +
      `D_A ${info.discriminatorLossA.toFixed(3)} D_B ${info.discriminatorLossB.toFixed(3)}  ${rate.toFixed(2)} steps/s`;
    if (tty) process.stdout.write(`\r${line}\u001b[K`);
    else if (done === 1 || done % 50 === 0 || done === steps) log(line);
  };
  const generatorOptimizer = tf.train.adam(lr, 0.5, 0.999);
  const discriminatorOptimizer = tf.train.adam(lr, 0.5, 0.999);
  const result = await trainCycleGAN({ ...cycleGAN, dataA, dataB, batchSize, steps, seed, identityWeight, generatorOptimizer, discriminatorOptimizer, onStep });
  if (tty) process.stdout.write('\n');
  const seconds = (performance.now() - t0) / 1000;
  log(`trained ${result.steps} steps in ${seconds.toFixed(1)} s (${(result.steps / seconds).toFixed(2)} steps/s)`);

  // Held-out measures.
  const { generatorAB, generatorBA } = cycleGAN;
  const fakeB = translate(generatorAB, testA); // G_AB(a)
  const cycledA = translate(generatorBA, fakeB); // G_BA(G_AB(a))
  const fakeA = translate(generatorBA, testB); // G_BA(T(a))
  const cycledB = translate(generatorAB, fakeA); // G_AB(G_BA(b))
  const cycleA = await l1(cycledA, testA);
  const cycleB = await l1(cycledB, testB);
  log(`held-out translation L1: |G_AB(a) - T(a)| ${(await l1(fakeB, testB)).toFixed(4)}, |G_BA(T(a)) - a| ${(await l1(fakeA, testA)).toFixed(4)} (doing nothing: |a - T(a)| ${(await l1(testA, testB)).toFixed(4)})`);

  const rows = (x: tf.Tensor) => tf.slice(x, 0, GRID_COLUMNS);
  const grid = tf.tidy(() => tf.concat([rows(testA), rows(fakeB), rows(cycledA), rows(testB), rows(fakeA), rows(cycledB)]));
  const path = `${outDir}/cyclegan-mnist-${task}.png`;
  writeFileSync(path, encodePNG(await imageGrid(grid, { columns: GRID_COLUMNS })));
  log(`wrote ${path} (rows: A, G_AB(A), G_BA(G_AB(A)), B, G_BA(B), G_AB(G_BA(B)))`);

  // Save, reload, and check the reloaded generators are the same functions.
  let maxDiff = 0;
  for (const [name, model, input] of [['generator-ab', generatorAB, testA], ['generator-ba', generatorBA, testB]] as const) {
    const dir = `${outDir}/cyclegan-mnist-${task}-${name}`;
    await saveModel(model, dir);
    const reloaded = await loadModel(dir);
    const [a, b] = [translate(model, input), translate(reloaded, input)];
    const d = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))));
    maxDiff = Math.max(maxDiff, (await d.data())[0]!);
    tf.dispose([a, b, d]);
    reloaded.dispose();
  }
  log(`saved both generators to ${outDir}/cyclegan-mnist-${task}-generator-{ab,ba}/; reloaded outputs differ by at most ${maxDiff}`);
  log(`held-out cycle L1: A ${cycleA.toFixed(4)}, B ${cycleB.toFixed(4)}`);

  tf.dispose([grid, fakeB, cycledA, fakeA, cycledB, dataA, dataB, testA, testB, mnist.train.images, mnist.train.labels, mnist.test.images, mnist.test.labels]);
  generatorOptimizer.dispose();
  discriminatorOptimizer.dispose();
  for (const m of Object.values(cycleGAN)) m.dispose();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
