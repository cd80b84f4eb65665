import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, describe, expect, it } from 'vitest';
import { buildWaveNet } from '../audio/buildWaveNet.js';
import { trainWaveNet, type WaveNetHistory } from './trainWaveNet.js';

const audio = Float32Array.from({ length: 400 }, (_, i) => 0.5 * Math.sin(i / 5));
const config = { residualChannels: 4, skipChannels: 8, dilations: [1, 2], seed: 1 };

describe('trainWaveNet', () => {
  const nets: tfl.LayersModel[] = [];
  afterAll(() => {
    for (const net of nets) net.dispose();
  });
  const fresh = () => {
    const net = buildWaveNet(config);
    nets.push(net);
    return net;
  };

  it('takes the window as contextLength, or as its deprecated alias windowLength, with the same run for the same seed', async () => {
    const current = await trainWaveNet(fresh(), audio, { steps: 3, batchSize: 2, contextLength: 32, seed: 4, optimizer: tf.train.adam(1e-2) });
    const deprecated = await trainWaveNet(fresh(), audio, { steps: 3, batchSize: 2, windowLength: 32, seed: 4, optimizer: tf.train.adam(1e-2) });
    const history: WaveNetHistory = current.history;
    expect(history.loss).toHaveLength(3);
    expect(deprecated.history.loss).toEqual(history.loss);
    expect(current.stopReason).toBe('completed');
    // Both names with one value are accepted; a different window gives a different run.
    const both = await trainWaveNet(fresh(), audio, { steps: 3, batchSize: 2, contextLength: 32, windowLength: 32, seed: 4, optimizer: tf.train.adam(1e-2) });
    expect(both.history.loss).toEqual(history.loss);
    const other = await trainWaveNet(fresh(), audio, { steps: 3, batchSize: 2, contextLength: 16, seed: 4, optimizer: tf.train.adam(1e-2) });
    expect(other.history.loss).not.toEqual(history.loss);
  });

  it('counts steps and stops on abort with the shared step runner, reporting each step to onStep', async () => {
    const controller = new AbortController();
    const steps: number[] = [];
    const r = await trainWaveNet(fresh(), audio, {
      steps: 10,
      batchSize: 2,
      contextLength: 16,
      signal: controller.signal,
      onStep: ({ step, loss }) => {
        expect(Number.isFinite(loss)).toBe(true);
        steps.push(step);
        if (step === 2) controller.abort();
      },
    });
    expect(r).toMatchObject({ steps: 3, stopReason: 'aborted' });
    expect(steps).toEqual([0, 1, 2]);
    expect(r.history.loss).toHaveLength(3);
  });

  it('rejects conflicting window names, a window longer than the audio (naming the field used), and bad callbacks or optimizers', async () => {
    const net = fresh();
    await expect(trainWaveNet(net, audio, { steps: 1, contextLength: 32, windowLength: 64 })).rejects.toThrow(
      /trainWaveNet: `contextLength` and its former name `windowLength` differ: received contextLength 32 and windowLength 64; give `contextLength` only\./,
    );
    await expect(trainWaveNet(net, audio.subarray(0, 10), { steps: 1, contextLength: 32 })).rejects.toThrow(
      /trainWaveNet: invalid `audio`: expected at least 33 samples \(contextLength \+ 1\), received "10 samples"/,
    );
    await expect(trainWaveNet(net, audio.subarray(0, 10), { steps: 1, windowLength: 32 })).rejects.toThrow(/\(windowLength \+ 1\)/);
    await expect(trainWaveNet(net, audio, { steps: 1, contextLength: 0 })).rejects.toThrow(/trainWaveNet: invalid `contextLength`: expected a positive integer, received 0/);
    await expect(trainWaveNet(net, audio, { steps: 1, windowLength: -1 })).rejects.toThrow(/trainWaveNet: invalid `windowLength`: expected a positive integer, received -1/);
    await expect(trainWaveNet(net, audio, { steps: 1, onStep: 'log' as never })).rejects.toThrow(/trainWaveNet: invalid `onStep`: expected a function, received "log"/);
    await expect(trainWaveNet(net, audio, { steps: 1, optimizer: 5 as never })).rejects.toThrow(/trainWaveNet: invalid `optimizer`: expected a tf\.Optimizer/);
  });
});
