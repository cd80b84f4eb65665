// Checkpoints of the training loops: a run killed with SIGKILL at random
// moments (during steps and during saves) and resumed ends bit-identical to an
// uninterrupted one; a checkpoint made with another setup is refused naming the
// difference; `keep` is honoured; unreadable checkpoint folders are passed over
// and cleaned; nothing leaks.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTransformerLM } from '../src/attention/index.js';
import { latestCheckpoint, trainGAN, trainLanguageModel, trainVAE, trainWaveNet } from '../src/training/index.js';
import { buildVAE } from '../src/vae/index.js';
import { buildWaveNet } from '../src/audio/index.js';
import { buildDCGAN } from '../src/gan/index.js';
import { seedSource } from '../src/_internal/random.js';
import { keyedSeedSource } from '../src/training/_checkpointRandom.js';
import { ValueError } from '../src/errors.js';
import { useBackend } from './backends.js';
import { checkpointRuns, LM_STEPS, VAE_STEPS, weightBytes } from './checkpointRuns.js';

const root = resolve(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'tfjs-generative-checkpoint-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let counter = 0;
const fresh = (): string => join(work, `run-${counter++}`);

/** The step folders of a checkpoint folder, sorted. */
const stepNames = (dir: string): string[] => readdirSync(dir).filter((n) => n.startsWith('step-')).sort();

/**
 * Runs the child; with a `plan` (see test/checkpoint.child.ts), it kills
 * itself with SIGKILL at that moment. Resolves to whether it was killed and
 * the step lines it printed.
 */
function runChild(dir: string, backend: string, plan?: string): Promise<{ killed: boolean; lines: string[] }> {
  return new Promise((done, fail) => {
    // Node with tsx's loader, not the tsx CLI: the CLI is a second process that would report the kill as exit code 137.
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'test/checkpoint.child.ts'), dir, backend, ...(plan === undefined ? [] : [plan])], { cwd: root });
    const lines: string[] = [];
    let stderr = '';
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop()!;
      for (const line of parts) {
        if (/^(lm|vae) \d+$/.test(line)) lines.push(line);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') done({ killed: true, lines });
      else if (code === 0) done({ killed: false, lines });
      else fail(new Error(`child exited with ${String(code)}:\n${stderr}`));
    });
  });
}

describe('keyed random streams', () => {
  it('a stream is a pure function of (seed, name, index), whatever was drawn before', () => {
    const draw = (rng: ReturnType<typeof keyedSeedSource>): number[] => [rng.next(), rng.next(), rng.nextSeed()];
    const a = keyedSeedSource(7);
    a.at('step', 3);
    const first = draw(a);
    draw(a);
    a.at('epoch', 3);
    const epoch = draw(a);
    a.at('step', 3);
    expect(draw(a)).toEqual(first);
    const b = keyedSeedSource(7);
    b.at('step', 3);
    expect(draw(b)).toEqual(first);
    expect(epoch).not.toEqual(first);
    b.at('step', 4);
    expect(draw(b)).not.toEqual(first);
    b.at('step', 3 + 2 ** 32); // the high word of the index counts
    expect(draw(b)).not.toEqual(first);
    const c = keyedSeedSource(8);
    c.at('step', 3);
    expect(draw(c)).not.toEqual(first);
    c.reseed(7);
    expect(c.seed).toBe(7);
    expect(draw(c)).toEqual(first);
    const unseeded = keyedSeedSource(undefined);
    expect(Number.isInteger(unseeded.seed) && unseeded.seed >= 0 && unseeded.seed < 2 ** 32).toBe(true);
  });
});

describe('checkpoints: kill -9 and resume', () => {
  const baseline: Record<string, { lm: Buffer; vae: Buffer }> = {};
  beforeAll(async () => {
    const runs = checkpointRuns();
    const lm = await runs.lm(undefined);
    const vae = await runs.vae(undefined);
    baseline['cpu'] = { lm: weightBytes([lm]), vae: weightBytes([vae.encoder, vae.decoder]) };
    lm.dispose();
    vae.vae.dispose();
  });

  it('a run killed 3 times at random moments (after a step, at a file open, rename or removal of a save or a restore) ends bit-identical to an uninterrupted run', async () => {
    const dir = fresh();
    mkdirSync(dir);
    const killSeed = Number(process.env['CHECKPOINT_KILL_SEED'] ?? Date.now() % 1e9);
    const random = seedSource(killSeed).next; // the kill moments of a failing run can be replayed
    console.info(`CHECKPOINT_KILL_SEED=${killSeed}`);
    const pick = (n: number): number => 1 + Math.floor(random() * n);
    // Counts every run reaches: the first kill comes within the language model's 12 steps, so the VAE's 4 saves
    // (2 files opened per model) are still ahead of the second; the second dies in a save or a restore, so the third
    // has a save left, and every save renames files into place and removes its lock.
    const plans = [`line:${pick(8)}:${pick(40) - 1}`, `open:${pick(6)}`, random() < 0.5 ? `rename:${pick(2)}` : 'rm:1'];
    const seen: string[][] = [];
    let kills = 0;
    // Each run must start each loop at the step of that loop's newest complete checkpoint (0 without one).
    const firstSteps: { expected: (number | null)[]; actual: (number | null)[] }[] = [];
    const firstStep = (lines: string[], loop: string): number | null => {
      const line = lines.find((l) => l.startsWith(`${loop} `));
      return line === undefined ? null : Number(line.split(' ')[1]);
    };
    for (let attempt = 0; attempt < 12; attempt++) {
      const starts = await Promise.all(['lm', 'vae'].map(async (loop) => (await latestCheckpoint(join(dir, loop)))?.step ?? 0));
      const { killed, lines } = await runChild(dir, 'cpu', plans[kills]);
      seen.push(lines);
      const actual = [firstStep(lines, 'lm'), firstStep(lines, 'vae')];
      // A loop the run did not reach, or one already finished, prints no line.
      const expected = [starts[0]! < LM_STEPS ? starts[0]! : null, starts[1]! < VAE_STEPS ? starts[1]! : null].map((e, i) => (actual[i] === null ? null : e));
      firstSteps.push({ expected, actual });
      if (!killed) break;
      kills++;
    }
    const context = `CHECKPOINT_KILL_SEED=${killSeed} ${JSON.stringify(plans)}: ${JSON.stringify(seen)}`;
    expect(kills, context).toBe(3);
    expect(readFileSync(join(dir, 'final-lm.bin')).equals(baseline['cpu']!.lm), context).toBe(true);
    expect(readFileSync(join(dir, 'final-vae.bin')).equals(baseline['cpu']!.vae), context).toBe(true);
    for (const { expected, actual } of firstSteps) expect(actual, context).toEqual(expected);
    // Every checkpoint folder left is complete, and no temp folder survives a completed save.
    for (const loop of ['lm', 'vae']) {
      const names = readdirSync(join(dir, loop));
      expect(names.filter((n) => n.startsWith('.tmp-'))).toEqual([]);
      for (const name of names) expect(existsSync(join(dir, loop, name, 'checkpoint.json'))).toBe(true);
    }
  }, 240_000);
});

describe('checkpoints on wasm', () => {
  useBackend('wasm');

  it('trainVAE and trainLanguageModel resume bit-exactly', async () => {
    const runs = checkpointRuns();
    const lm = await runs.lm(undefined);
    const vae = await runs.vae(undefined);
    const to = fresh();
    const tokens = Array.from({ length: 200 }, (_, i) => (i * 7 + (i >> 3)) % 11);
    const first = buildTransformerLM({ vocabSize: 11, contextLength: 8, modelDim: 8, numHeads: 2, numLayers: 1, seed: 3 });
    await trainLanguageModel(first, tokens, { steps: 5, batchSize: 4, seed: 5, checkpoint: { to: join(to, 'lm'), every: 2 } });
    const v = buildVAE({ inputShape: [6], latentDim: 2, hiddenUnits: [8], seed: 7 });
    const x = tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([24, 6], 0, 1, 'float32', 9), 0.5), 'float32'));
    await trainVAE(v, x, { steps: 5, batchSize: 8, seed: 6, checkpoint: { to: join(to, 'vae'), every: 3 } });
    const lm2 = await runs.lm({ to: join(to, 'lm'), every: 2 });
    const vae2 = await runs.vae({ to: join(to, 'vae'), every: 3 });
    expect(weightBytes([lm2]).equals(weightBytes([lm]))).toBe(true);
    expect(weightBytes([vae2.encoder, vae2.decoder]).equals(weightBytes([vae.encoder, vae.decoder]))).toBe(true);
    x.dispose();
    for (const m of [lm, lm2, first]) m.dispose();
    for (const m of [vae, vae2, v]) m.vae.dispose();
  });
});

describe('checkpoints in one process', () => {
  const runs = checkpointRuns();
  let plain: { lm: Buffer; vae: Buffer };
  beforeAll(async () => {
    const lm = await runs.lm(undefined);
    const vae = await runs.vae(undefined);
    plain = { lm: weightBytes([lm]), vae: weightBytes([vae.encoder, vae.decoder]) };
    lm.dispose();
    vae.vae.dispose();
  });

  it('trainVAE resumes mid-epoch bit-exactly (shuffle order, z draws, Adam state)', async () => {
    const to = fresh();
    const v = buildVAE({ inputShape: [6], latentDim: 2, hiddenUnits: [8], seed: 7 });
    const x = tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([24, 6], 0, 1, 'float32', 9), 0.5), 'float32'));
    // Stopped at step 4: epoch 1, one batch in.
    const first = await trainVAE(v, x, { steps: 4, batchSize: 8, seed: 6, checkpoint: { to, every: 3 } });
    expect(first.steps).toBe(4);
    const info = await latestCheckpoint(to);
    expect(info).toMatchObject({ loop: 'trainVAE', step: 4, epoch: 1, batch: 1, seed: 6, models: ['encoder', 'decoder'] });
    x.dispose();
    const resumed = await runs.vae({ to, every: 3 });
    expect(weightBytes([resumed.encoder, resumed.decoder]).equals(plain.vae)).toBe(true);
    expect(weightBytes([resumed.encoder, resumed.decoder]).equals(weightBytes([v.encoder, v.decoder]))).toBe(false);
  });

  it('trainLanguageModel resumes bit-exactly; `steps` counts from the start, `history` holds this call', async () => {
    const to = fresh();
    const model = buildTransformerLM({ vocabSize: 11, contextLength: 8, modelDim: 8, numHeads: 2, numLayers: 1, seed: 3 });
    const tokens = Array.from({ length: 200 }, (_, i) => (i * 7 + (i >> 3)) % 11);
    await trainLanguageModel(model, tokens, { steps: 5, batchSize: 4, seed: 5, checkpoint: { to, every: 2 } });
    expect(stepNames(to)).toEqual(['step-000002', 'step-000004', 'step-000005']);
    const again = buildTransformerLM({ vocabSize: 11, contextLength: 8, modelDim: 8, numHeads: 2, numLayers: 1, seed: 3 });
    const seen: number[] = [];
    const result = await trainLanguageModel(again, tokens, {
      steps: LM_STEPS,
      batchSize: 4,
      seed: 5,
      checkpoint: { to: pathToFileURL(to).href, every: 2 },
      onStep: ({ step }) => void seen.push(step),
    });
    expect(seen).toEqual([5, 6, 7, 8, 9, 10, 11]);
    expect(result.steps).toBe(LM_STEPS);
    expect(result.history.loss).toHaveLength(LM_STEPS - 5);
    expect(weightBytes([again]).equals(plain.lm)).toBe(true);
    // A finished run called again does nothing.
    const done = await trainLanguageModel(again, tokens, { steps: LM_STEPS, batchSize: 4, seed: 5, checkpoint: { to, every: 2 } });
    expect(done).toMatchObject({ steps: LM_STEPS, stopReason: 'completed', history: { loss: [] } });
    expect(weightBytes([again]).equals(plain.lm)).toBe(true);
  });

  it('an unseeded run stores its seed and a resumed call without a seed reuses it', async () => {
    const to = fresh();
    const make = () => buildTransformerLM({ vocabSize: 11, contextLength: 8, modelDim: 8, numHeads: 2, numLayers: 1, seed: 3 });
    const tokens = Array.from({ length: 200 }, (_, i) => (i * 5) % 11);
    const a = make();
    await trainLanguageModel(a, tokens, { steps: 3, batchSize: 4, checkpoint: { to, every: 3 } });
    const { seed } = (await latestCheckpoint(to))!;
    await trainLanguageModel(a, tokens, { steps: 6, batchSize: 4, checkpoint: { to, every: 3 } });
    const b = make();
    await trainLanguageModel(b, tokens, { steps: 6, batchSize: 4, seed });
    expect(weightBytes([a]).equals(weightBytes([b]))).toBe(true);
  });

  it('trainWaveNet resumes bit-exactly', async () => {
    const to = fresh();
    const audio = Float32Array.from({ length: 300 }, (_, i) => Math.sin(i / 5) * 0.5);
    const make = () => buildWaveNet({ residualChannels: 4, skipChannels: 4, dilations: [1, 2], quantizationLevels: 16, seed: 2 });
    const options = { steps: 6, batchSize: 2, contextLength: 16, seed: 4 };
    const a = make();
    await trainWaveNet(a, audio, options);
    const b = make();
    await trainWaveNet(b, audio, { ...options, steps: 2, checkpoint: { to, every: 2 } });
    const c = make();
    await trainWaveNet(c, audio, { ...options, checkpoint: { to, every: 2 } });
    expect(weightBytes([c]).equals(weightBytes([a]))).toBe(true);
  });

  it('trainGAN resumes bit-exactly, with 2 discriminator steps per step and steps that straddle epochs (batch norm statistics included)', async () => {
    const to = fresh();
    const make = () => buildDCGAN({ imageSize: 8, channels: 1, latentDim: 4, generatorFilters: 4, discriminatorFilters: 4, seed: 8 });
    const data = tf.tidy(() => tf.randomUniform([20, 8, 8, 1], -1, 1, 'float32', 3)); // [N, 8, 8, 1]: 5 batches an epoch
    const options = { steps: 6, batchSize: 4, discriminatorSteps: 2, seed: 2 };
    const a = make();
    await trainGAN(a, data, options);
    const b = make();
    await trainGAN(b, data, { ...options, steps: 3, checkpoint: { to, every: 2 } });
    expect(await latestCheckpoint(to)).toMatchObject({ loop: 'trainGAN', step: 3, epoch: 1, batch: 1, models: ['generator', 'discriminator'] });
    const c = make();
    const before = tf.memory().numTensors;
    const steps: number[] = [];
    const result = await trainGAN(c, data, { ...options, checkpoint: { to, every: 2 }, onStep: ({ step }) => void steps.push(step) });
    expect(tf.memory().numTensors).toBe(before);
    expect(steps).toEqual([3, 4, 5]);
    expect(result).toMatchObject({ steps: 6, epochs: 2 });
    const all = (m: typeof a) => weightBytes([m.generator, m.discriminator]);
    expect(all(c).equals(all(a))).toBe(true);
    expect(all(b).equals(all(a))).toBe(false);
    data.dispose();
    for (const m of [a, b, c]) m.generator.dispose(), m.discriminator.dispose();
  });

  it('an abort saves the position reached, and an already-aborted call reports the restored one', async () => {
    const model = buildTransformerLM({ vocabSize: 11, contextLength: 8, modelDim: 8, numHeads: 2, numLayers: 1, seed: 3 });
    const tokens = Array.from({ length: 200 }, (_, i) => (i * 7 + (i >> 3)) % 11);
    const aborting = new AbortController();
    const to2 = fresh();
    const r = await trainLanguageModel(model, tokens, {
      steps: LM_STEPS,
      batchSize: 4,
      seed: 5,
      signal: aborting.signal,
      checkpoint: { to: to2, every: 10 },
      onStep: ({ step }) => void (step === 3 && aborting.abort()),
    });
    expect(r).toMatchObject({ steps: 4, stopReason: 'aborted' });
    expect(stepNames(to2)).toEqual(['step-000004']);
    const again = await trainLanguageModel(model, tokens, { steps: LM_STEPS, seed: 5, batchSize: 4, signal: aborting.signal, checkpoint: { to: to2, every: 10 } });
    expect(again).toMatchObject({ steps: 4, stopReason: 'aborted', history: { loss: [] } });
    const resumed = await runs.lm({ to: to2, every: 10 });
    expect(weightBytes([resumed]).equals(plain.lm)).toBe(true);
    model.dispose();
    resumed.dispose();
  });

  it('skips into an iterable that replays (a generator called again), disposing the skipped batches', async () => {
    const x = tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([24, 6], 0, 1, 'float32', 9), 0.5), 'float32'));
    function* batches(): Generator<tf.Tensor> {
      for (let b = 0; b < 6; b++) yield tf.slice(x, [b * 4, 0], [4, 6]); // [4, 6]
    }
    const make = () => buildVAE({ inputShape: [6], latentDim: 2, hiddenUnits: [8], seed: 7 });
    const a = make();
    await trainVAE(a, batches(), { seed: 6 });
    const to = fresh();
    const b = make();
    await trainVAE(b, batches(), { steps: 4, seed: 6, checkpoint: { to, every: 2 } });
    const c = make();
    const before = tf.memory().numTensors;
    const steps: number[] = [];
    const result = await trainVAE(c, batches(), { seed: 6, checkpoint: { to, every: 2 }, onStep: ({ step }) => void steps.push(step) });
    expect(tf.memory().numTensors).toBe(before);
    expect(steps).toEqual([4, 5]);
    expect(result).toMatchObject({ steps: 6, epochs: 1, stopReason: 'completed' });
    expect(weightBytes([c.encoder, c.decoder]).equals(weightBytes([a.encoder, a.decoder]))).toBe(true);
    x.dispose();
    for (const m of [a, b, c]) m.vae.dispose();
  });

  it('a checkpoint folder that is a file is refused before any step, naming the loop and the folder', async () => {
    const file = fresh();
    writeFileSync(file, 'not a folder');
    const model = buildTransformerLM({ vocabSize: 6, contextLength: 4, modelDim: 8, numHeads: 2, numLayers: 1, seed: 3 });
    const weights = weightBytes([model]);
    const before = tf.memory().numTensors;
    await expect(trainLanguageModel(model, [0, 1, 2, 3, 4, 5, 0, 1], { steps: 2, batchSize: 2, checkpoint: { to: file, every: 1 } })).rejects.toThrow(
      /trainLanguageModel: cannot read the checkpoint folder .*run-\d+: .*ENOTDIR/,
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(weightBytes([model]).equals(weights)).toBe(true);
    model.dispose();
  });

  it('`keep` leaves only the newest checkpoints, each complete', async () => {
    const to = fresh();
    await runs.lm({ to, every: 1, keep: 2 });
    expect(readdirSync(to).sort()).toEqual(['step-000011', 'step-000012']);
    const json = JSON.parse(readFileSync(join(to, 'step-000012', 'checkpoint.json'), 'utf8')) as Record<string, unknown>;
    expect(json).toMatchObject({ format: 'tfjs-generative-checkpoint', version: 1, loop: 'trainLanguageModel', step: 12, epoch: 0, seed: 5 });
    expect(json['optimizers']).toMatchObject({ optimizer: { className: 'Adam', file: 'optimizer-optimizer.safetensors' } });
    expect(readdirSync(join(to, 'step-000012')).sort()).toEqual(['checkpoint.json', 'model', 'optimizer-optimizer.safetensors']);
  });

  it('passes over unreadable checkpoints (truncated weights, bad checkpoint.json, no checkpoint.json) and the next save removes them and temp leftovers', async () => {
    const to = fresh();
    const v = buildVAE({ inputShape: [6], latentDim: 2, hiddenUnits: [8], seed: 7 });
    const x = tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([24, 6], 0, 1, 'float32', 9), 0.5), 'float32'));
    await trainVAE(v, x, { steps: 9, batchSize: 8, seed: 6, checkpoint: { to, every: 3, keep: 5 } });
    x.dispose();
    expect(stepNames(to)).toEqual(['step-000003', 'step-000006', 'step-000009']);
    // step 9: a weights file cut short; step 6: checkpoint.json cut short; a step 10 without checkpoint.json; a temp leftover.
    const weights = readdirSync(join(to, 'step-000009', 'decoder')).find((n) => n.endsWith('.bin'))!;
    truncateSync(join(to, 'step-000009', 'decoder', weights), 8);
    truncateSync(join(to, 'step-000006', 'checkpoint.json'), 20);
    mkdirSync(join(to, 'step-000010', 'encoder'), { recursive: true });
    mkdirSync(join(to, '.tmp-step-000011-1-2'));
    writeFileSync(join(to, '.tmp-step-000011-1-2', 'junk'), 'x');
    expect((await latestCheckpoint(to))!.step).toBe(9); // checkpoint.json is fine there; its weights are not
    const before = tf.memory().numTensors;
    const steps: number[] = [];
    const resumed = await runs.vae({ to, every: 3, keep: 5 }, (s) => steps.push(s));
    expect(steps[0]).toBe(3); // from step 3, the only readable one
    expect(weightBytes([resumed.encoder, resumed.decoder]).equals(plain.vae)).toBe(true);
    expect(readdirSync(to).sort()).toEqual(['step-000003', 'step-000006', 'step-000009', 'step-000012']);
    resumed.vae.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('`resume: false` starts from the current weights and replaces the folder’s checkpoints', async () => {
    const to = fresh();
    await runs.lm({ to, every: 4 });
    expect(stepNames(to)).toEqual(['step-000004', 'step-000008', 'step-000012']);
    const model = buildTransformerLM({ vocabSize: 11, contextLength: 8, modelDim: 8, numHeads: 2, numLayers: 1, seed: 3 });
    const tokens = Array.from({ length: 200 }, (_, i) => (i * 7 + (i >> 3)) % 11);
    const r = await trainLanguageModel(model, tokens, { steps: 2, batchSize: 4, seed: 5, checkpoint: { to, every: 1, resume: false } });
    expect(r.history.loss).toHaveLength(2);
    expect(stepNames(to)).toEqual(['step-000001', 'step-000002']);
  });

  it('refuses a checkpoint made with another setup, naming each difference, and leaks nothing', async () => {
    const to = fresh();
    const v = buildVAE({ inputShape: [6], latentDim: 2, hiddenUnits: [8], seed: 7 });
    const x = tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([24, 6], 0, 1, 'float32', 9), 0.5), 'float32'));
    await trainVAE(v, x, { steps: 3, batchSize: 8, seed: 6, checkpoint: { to, every: 3 } });
    const sgd = tf.train.sgd(0.1);
    const other = buildVAE({ inputShape: [6], latentDim: 2, hiddenUnits: [5], seed: 7 });
    const lm = buildTransformerLM({ vocabSize: 6, contextLength: 4, modelDim: 8, numHeads: 2, numLayers: 1, seed: 3 });
    const before = tf.memory().numTensors;
    await expect(trainVAE(v, x, { steps: 6, batchSize: 4, seed: 6, checkpoint: { to, every: 3 } })).rejects.toThrow(
      /trainVAE: cannot resume from the checkpoint .*step-000003: it was made with another setup \(batchSize: 8 in the checkpoint, 4 now\)/,
    );
    await expect(trainVAE(v, x, { steps: 6, batchSize: 8, seed: 9, optimizer: sgd, checkpoint: { to, every: 3 } })).rejects.toThrow(
      /optimizer optimizer: "Adam" in the checkpoint, "SGD" now; seed: 6 in the checkpoint, 9 now/,
    );
    await expect(trainVAE(other, x, { steps: 6, batchSize: 8, seed: 6, checkpoint: { to, every: 3 } })).rejects.toThrow(
      /trainVAE: cannot resume from the checkpoint .*: model `encoder` has weights \[6, 5\]/,
    );
    await expect(trainLanguageModel(lm, [0, 1, 2, 3, 4, 5, 0, 1], { steps: 2, batchSize: 2, checkpoint: { to, every: 1 } })).rejects.toThrow(
      /loop: "trainVAE" in the checkpoint, "trainLanguageModel" now/,
    );
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    sgd.dispose();
    other.vae.dispose();
    lm.dispose();
    expect(stepNames(to)).toEqual(['step-000003']);
  });

  it('validates the option before touching any file', async () => {
    const model = buildTransformerLM({ vocabSize: 6, contextLength: 4, modelDim: 8, numHeads: 2, numLayers: 1, seed: 3 });
    const tokens = [0, 1, 2, 3, 4, 5, 0, 1];
    const to = fresh();
    const cases: [unknown, RegExp][] = [
      [{ to: 'indexeddb://x', every: 1 }, /trainLanguageModel: invalid `checkpoint.to`: expected a folder path or a file:\/\/ URL \(.*indexeddb:\/\/ is not supported\)/],
      [{ to, every: 0 }, /invalid `checkpoint.every`: expected a positive integer, received 0/],
      [{ to, every: 2, keep: 1.5 }, /invalid `checkpoint.keep`/],
      [{ to, every: 2, resume: 'yes' }, /invalid `checkpoint.resume`: expected a boolean/],
      [{ to, every: 2, keepLast: 2 }, /unknown checkpoint field `keepLast`/],
      [{ every: 2 }, /invalid `checkpoint.to`/],
      ['out', /invalid `checkpoint`: expected an object/],
    ];
    const before = tf.memory().numTensors;
    for (const [checkpoint, message] of cases) {
      await expect(trainLanguageModel(model, tokens, { steps: 1, checkpoint: checkpoint as never })).rejects.toThrow(ValueError);
      await expect(trainLanguageModel(model, tokens, { steps: 1, checkpoint: checkpoint as never })).rejects.toThrow(message);
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(existsSync(to)).toBe(false);
    expect(await latestCheckpoint(to)).toBeNull();
    await expect(latestCheckpoint('indexeddb://x' as string)).rejects.toThrow(/latestCheckpoint: invalid `to`/);
  });

  it('leaves tf.memory().numTensors as it found it, saving and resuming', async () => {
    const to = fresh();
    const v = buildVAE({ inputShape: [6], latentDim: 2, hiddenUnits: [8], seed: 7 });
    const x = tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([24, 6], 0, 1, 'float32', 9), 0.5), 'float32'));
    const before = tf.memory().numTensors;
    await trainVAE(v, x, { steps: 4, batchSize: 8, seed: 6, checkpoint: { to, every: 2 } });
    expect(tf.memory().numTensors).toBe(before);
    await trainVAE(v, x, { steps: 7, batchSize: 8, seed: 6, checkpoint: { to, every: 2 } });
    expect(tf.memory().numTensors).toBe(before);
    // A caller's optimizer keeps its state; restoring replaces (and frees) its accumulators.
    const adam = tf.train.adam(1e-3);
    await trainVAE(v, x, { steps: 1, batchSize: 8, seed: 6, optimizer: adam });
    const withState = tf.memory().numTensors;
    await trainVAE(v, x, { steps: 9, batchSize: 8, seed: 6, optimizer: adam, checkpoint: { to, every: 2 } });
    expect(tf.memory().numTensors).toBe(withState);
    adam.dispose();
    x.dispose();
  });
});
