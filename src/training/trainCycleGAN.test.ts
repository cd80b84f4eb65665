import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, useBackend } from '../../test/backends.js';
import { NonFiniteLossError } from '../_internal/errors.js';
import { buildCycleGAN, type CycleGAN } from '../gan/buildCycleGAN.js';
import { registerWasmKernels } from '../wasm/registerWasmKernels.js';
import { trainCycleGAN, type CycleGANData, type CycleGANEpochInfo, type CycleGANStepInfo } from './trainCycleGAN.js';

const STEPS = 8;
const TINY = { imageSize: 8, channels: 1, residualBlocks: 1, generatorFilters: 4, discriminatorFilters: 4 } as const;

/** `n` 8×8 images in [-1, 1]: a background of -1 with a 3×3 square of +1 at a random place. */
function squares(n: number, seed: number): tf.Tensor4D {
  let state = seed;
  const rand = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const values = new Float32Array(n * 64).fill(-1);
  for (let i = 0; i < n; i++) {
    const top = Math.floor(rand() * 6);
    const left = Math.floor(rand() * 6);
    for (let y = top; y < top + 3; y++) for (let x = left; x < left + 3; x++) values[i * 64 + y * 8 + x] = 1;
  }
  return tf.tensor4d(values, [n, 8, 8, 1]);
}

/** Domain A: squares; domain B: negated squares (light background, dark square), drawn independently: unpaired. */
function domains(n: number, seed: number): { dataA: tf.Tensor4D; dataB: tf.Tensor4D } {
  const b = squares(n, seed + 1);
  const dataB = tf.neg(b);
  b.dispose();
  return { dataA: squares(n, seed), dataB };
}

function disposeAll(models: CycleGAN): void {
  for (const m of Object.values(models)) m.dispose();
}

describe.each(BACKENDS)('trainCycleGAN on %s', (backend) => {
  useBackend(backend);

  it('lowers the cycle L1 error in a few steps, reports every loss, and is deterministic with a seed', async () => {
    if (backend === 'wasm') expect(registerWasmKernels()).toBe(true);
    const { dataA, dataB } = domains(16, 1);
    const run = async (steps: number, form: 'current' | 'deprecated' = 'current') => {
      const models = buildCycleGAN({ ...TINY, seed: 2 });
      const infos: CycleGANStepInfo[] = [];
      const options = {
        batchSize: 4,
        steps,
        seed: 5,
        poolSize: 8,
        generatorOptimizer: tf.train.adam(1e-2, 0.5),
        discriminatorOptimizer: tf.train.adam(1e-2, 0.5),
        onStep: (info: CycleGANStepInfo) => {
          infos.push(info);
        },
      };
      const result =
        form === 'current' ? await trainCycleGAN(models, { a: dataA, b: dataB }, options) : await trainCycleGAN({ ...models, dataA, dataB, ...options });
      disposeAll(models);
      return { result, infos };
    };
    const first = await run(STEPS);
    const { result, infos } = first;
    expect(result).toMatchObject({ steps: STEPS, stopReason: 'completed' });
    expect(infos.map((i) => i.step)).toEqual(Array.from({ length: STEPS }, (_, i) => i));
    expect(infos[4]!.epoch).toBe(1);
    const cycle = result.history.cycleLossA.map((v, i) => v + result.history.cycleLossB[i]!);
    const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
    expect(mean(cycle.slice(-3))).toBeLessThan(0.6 * mean(cycle.slice(0, 3)));
    for (const info of infos) {
      for (const v of Object.values(info)) expect(Number.isFinite(v)).toBe(true);
      // The objective is the weighted sum the TSDoc states (λ = 10, identity 5).
      const expected = info.adversarialLossAB + info.adversarialLossBA + 10 * (info.cycleLossA + info.cycleLossB) + 5 * (info.identityLossA! + info.identityLossB!);
      expect(info.generatorLoss).toBeCloseTo(expected, 3);
    }
    // The same seeds give the same run (compared over its first steps), also in the deprecated one-bag form.
    const second = await run(2, 'deprecated');
    for (const [key, values] of Object.entries(second.result.history)) {
      expect(values).toEqual(first.result.history[key as keyof typeof first.result.history].slice(0, 2));
    }
    tf.dispose([dataA, dataB]);
  });

  it('leaks no tensors: the count is the same after 1 step and after 3, and after a call with default optimizers', async () => {
    const models = buildCycleGAN({ ...TINY, seed: 3 });
    const { dataA, dataB } = domains(8, 4);
    const generatorOptimizer = tf.train.adam(1e-3, 0.5);
    const discriminatorOptimizer = tf.train.adam(1e-3, 0.5);
    const data = { a: dataA, b: dataB };
    const common = { batchSize: 2, poolSize: 3, generatorOptimizer, discriminatorOptimizer };
    await trainCycleGAN(models, data, { ...common, steps: 1, seed: 1 });
    const after1 = tf.memory().numTensors;
    await trainCycleGAN(models, data, { ...common, steps: 3, seed: 2 });
    expect(tf.memory().numTensors).toBe(after1);
    const before = tf.memory().numTensors;
    const result = await trainCycleGAN(models, data, { batchSize: 2, steps: 2, identityWeight: 0 });
    expect(tf.memory().numTensors).toBe(before);
    expect(result.history.generatorLoss).toHaveLength(2);
    tf.dispose([dataA, dataB]);
    generatorOptimizer.dispose();
    discriminatorOptimizer.dispose();
    disposeAll(models);
  });
});

describe('trainCycleGAN', () => {
  useBackend('wasm'); // the faster backend, for the tests that need not run on both
  beforeAll(() => {
    registerWasmKernels();
  });
  const models = () => buildCycleGAN({ ...TINY, seed: 1 });

  it('skips the identity losses with identityWeight 0, takes iterables of batches, restarts domain B and reports epochs', async () => {
    const m = models();
    const { dataA, dataB } = domains(8, 2);
    const batchesB = [tf.slice(dataB, 0, 2), tf.slice(dataB, 2, 2)]; // 2 batches for 4 steps: restarted
    const infos: CycleGANStepInfo[] = [];
    const epochs: CycleGANEpochInfo[] = [];
    const withDispose = { ...m, dispose: () => {} }; // extra fields of a builder's result are ignored
    const before = tf.memory().numTensors;
    const result = await trainCycleGAN(
      withDispose,
      { a: dataA, b: batchesB },
      { batchSize: 2, epochs: 2, identityWeight: 0, poolSize: 0, seed: 1, onStep: (i) => void infos.push(i), onEpochEnd: (e) => void epochs.push(e) },
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(result).toMatchObject({ steps: 8, epochs: 2, stopReason: 'completed' });
    // onEpochEnd gets each epoch's means of the steps' losses.
    expect(epochs.map((e) => [e.epoch, e.steps])).toEqual([[0, 4], [1, 4]]);
    const meanOf = (v: number[]) => v.reduce((sum, x) => sum + x, 0) / v.length;
    expect(epochs[1]!.generatorLoss).toBeCloseTo(meanOf(result.history.generatorLoss.slice(4)), 5);
    expect(epochs[0]!.discriminatorLossB).toBeCloseTo(meanOf(result.history.discriminatorLossB.slice(0, 4)), 5);
    expect(epochs[0]!.cycleLossA).toBeCloseTo(meanOf(result.history.cycleLossA.slice(0, 4)), 5);
    expect(infos.every((i) => i.identityLossA === null && i.identityLossB === null)).toBe(true);
    for (const i of infos) expect(i.generatorLoss).toBeCloseTo(i.adversarialLossAB + i.adversarialLossBA + 10 * (i.cycleLossA + i.cycleLossB), 3);
    tf.dispose([dataA, dataB, ...batchesB]);
    disposeAll(m);
  });

  it('stops after the current step when the signal is aborted', async () => {
    const m = models();
    const { dataA, dataB } = domains(8, 3);
    const controller = new AbortController();
    const result = await trainCycleGAN(m, { a: dataA, b: dataB }, { batchSize: 2, steps: 10, signal: controller.signal, onStep: (i) => { if (i.step === 1) controller.abort(); } });
    expect(result).toMatchObject({ steps: 2, stopReason: 'aborted' });
    tf.dispose([dataA, dataB]);
    disposeAll(m);
  });

  it('stops with a NonFiniteLossError naming the step when a loss becomes NaN', async () => {
    const m = models();
    const { dataA, dataB } = domains(4, 4);
    const bad = tf.tidy(() => tf.mul(dataA, NaN));
    await expect(trainCycleGAN(m, { a: bad, b: dataB }, { batchSize: 2, steps: 2 })).rejects.toThrow(NonFiniteLossError);
    await expect(trainCycleGAN(m, { a: bad, b: dataB }, { batchSize: 2, steps: 2 })).rejects.toThrow(/trainCycleGAN: the generator loss became NaN at step 0/);
    tf.dispose([dataA, dataB, bad]);
    disposeAll(m);
  });

  it('validates options, naming the field', async () => {
    const m = models();
    const { dataA, dataB } = domains(4, 5);
    const other = buildCycleGAN({ ...TINY, imageSize: 12, seed: 1 });
    const optionCases: [object, RegExp][] = [
      [{ cycleWeight: -1 }, /trainCycleGAN: invalid `cycleWeight`: expected a non-negative finite number, received -1\./],
      [{ identityWeight: NaN }, /invalid `identityWeight`: expected a non-negative finite number, received NaN\./],
      [{ poolSize: 2.5 }, /invalid `poolSize`: expected a non-negative integer, received 2\.5\./],
      [{ batchSize: 0 }, /invalid `batchSize`: expected a positive integer, received 0\./],
      [{ batchSize: 8 }, /trainCycleGAN: invalid `batchSize`: expected at most the number of examples \(4\), received 8\./],
      [{ steps: 2, epochs: 1 }, /trainCycleGAN: `epochs` and `steps` cannot be combined/],
      [{ lambda: 10 }, /trainCycleGAN: unknown options field `lambda`/],
      [{ dataA }, /trainCycleGAN: unknown options field `dataA`/],
      [{ generatorOptimizer: {} }, /invalid `generatorOptimizer`: expected a tf\.Optimizer/],
      [{ onEpochEnd: 1 }, /trainCycleGAN: invalid `onEpochEnd`: expected a function, received 1\./],
    ];
    for (const [override, message] of optionCases) {
      await expect(trainCycleGAN(m, { a: dataA, b: dataB }, { batchSize: 2, steps: 1, ...override })).rejects.toThrow(message);
      // The deprecated one-bag form validates the same options the same way.
      if (!('dataA' in override)) await expect(trainCycleGAN({ ...m, dataA, dataB, batchSize: 2, steps: 1, ...override })).rejects.toThrow(message);
    }
    // Errors name the data as the caller named it: `data.a` / `data.b`, or `dataA` / `dataB` in the deprecated form.
    const dataCases: [{ a?: unknown; b?: unknown }, RegExp, RegExp][] = [
      [{ b: tf.zeros([4, 8, 8]) }, /trainCycleGAN: invalid `data\.b`: expected a tensor of examples of rank 4/, /invalid `dataB`: expected a tensor of examples of rank 4/],
      [{ a: [] }, /trainCycleGAN: invalid `data\.a`: the array is empty\./, /trainCycleGAN: invalid `dataA`: the array is empty\./],
      [
        { b: [tf.zeros([2, 8, 8, 3])] },
        /trainCycleGAN: invalid `data\.b` batch shape at step 0: expected \[null, 8, 8, 1\] \(the models' images\), received \[2, 8, 8, 3\]\./,
        /invalid `dataB` batch shape at step 0/,
      ],
      [{ b: (function* () {})() }, /trainCycleGAN: invalid `data\.b`: it yielded no batches\./, /invalid `dataB`: it yielded no batches\./],
      [{ a: (function* () {})() }, /trainCycleGAN: invalid `data\.a`: it yielded no batches\./, /invalid `dataA`: it yielded no batches\./],
      [{ a: [1] }, /trainCycleGAN: invalid `data\.a`: expected an array of tf\.Tensors/, /invalid `dataA`: expected an array of tf\.Tensors/],
    ];
    for (const [override, current, deprecated] of dataCases) {
      const data = { a: dataA, b: dataB, ...override } as CycleGANData;
      await expect(trainCycleGAN(m, data, { batchSize: 2, steps: 1 })).rejects.toThrow(current);
      await expect(trainCycleGAN({ ...m, dataA: data.a, dataB: data.b, batchSize: 2, steps: 1 })).rejects.toThrow(deprecated);
    }
    await expect(trainCycleGAN({ ...m, generatorAB: null as never }, { a: dataA, b: dataB })).rejects.toThrow(
      /trainCycleGAN: invalid `generatorAB`: expected a tf\.LayersModel, received null\./,
    );
    await expect(trainCycleGAN({ ...m, generatorBA: other.generatorBA }, { a: dataA, b: dataB })).rejects.toThrow(
      /trainCycleGAN: the models do not chain: generatorAB's output \[null, 8, 8, 1\] differs from generatorBA's input \[null, 12, 12, 1\]\./,
    );
    await expect(trainCycleGAN(m, { a: dataA, b: dataB, c: dataA } as CycleGANData)).rejects.toThrow(/trainCycleGAN: unknown data field `c`/);
    tf.dispose([dataA, dataB]);
    disposeAll(m);
    disposeAll(other);
  });
});
