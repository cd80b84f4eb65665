/**
 * WaveNet on a melody, in Node, with no download.
 *
 *   npx tsx examples/wavenet.ts [--backend cpu|wasm] [--steps 300] [--batch-size 4] [--window 1024]
 *       [--residual 32] [--skip 64] [--layers 9] [--cycles 1] [--seconds 2] [--temperature 1]
 *       [--input file.wav] [--out out] [--seed 1]
 *   npx tsx examples/wavenet.ts --help
 *
 * The training audio is generated: a four-note melody (A4, C#5, E5, A5 at
 * 8 kHz), each note with two harmonics, 4 seconds in all; or `--input` takes
 * a WAV file (mixed to mono). The script trains `buildWaveNet` with
 * `trainWaveNet`, generates `--seconds` of audio with the fast (cached)
 * algorithm, writes `out/wavenet.wav` (and `out/wavenet-training.wav`), and
 * checks what the model learned: the strongest frequencies of the generated
 * audio against those of the training signal.
 */
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { buildWaveNet, decodeWav, encodeWav, generateAudio, receptiveField, trainWaveNet } from 'tfjs-generative';
import { backendNote, backendOption, setupBackend } from './_backend.js';
import { cli, run } from './_cli.js';
import { melody } from './_melody.js';

const args = cli({
  summary:
    'WaveNet on a melody, in Node, with no download. The training audio is generated: a four-note melody (A4, C#5, E5, ' +
    'A5 at 8 kHz), each note with two harmonics, 4 seconds in all; or --input takes a WAV file (mixed to mono). Trains ' +
    'buildWaveNet with trainWaveNet, generates --seconds of audio with the fast (cached) algorithm, writes both as WAV ' +
    'files, and checks what the model learned: the strongest frequencies of the generated audio against those of the ' +
    'training signal.',
  options: {
    backend: backendOption,
    steps: { kind: 'count', default: 300, help: 'training steps' },
    'batch-size': { kind: 'count', default: 4, help: 'windows per step' },
    window: { kind: 'count', default: 1024, help: 'samples per training window' },
    residual: { kind: 'count', default: 32, help: 'residual channels' },
    skip: { kind: 'count', default: 64, help: 'skip channels' },
    layers: { kind: 'count', default: 9, help: 'dilated layers per cycle (dilations 1, 2, 4, …)' },
    cycles: { kind: 'count', default: 1, help: 'cycles of dilated layers' },
    seconds: { kind: 'positive', default: 2, help: 'seconds of audio to generate' },
    temperature: { kind: 'positive', default: 1, help: 'sampling temperature' },
    input: { kind: 'text', placeholder: 'FILE.wav', help: 'train on this WAV file instead of the melody' },
    out: { kind: 'text', default: 'out', placeholder: 'DIR', help: 'folder for the files written' },
    seed: { kind: 'int', default: 1, help: 'seed of the weights, batches and sampling' },
  },
  writes: [
    ['DIR/wavenet-training.wav', 'the training audio (the melody, or --input mixed to mono)'],
    ['DIR/wavenet.wav', 'the generated audio'],
  ],
  time:
    'about 2.5 minutes with the defaults on wasm (measured on the project\'s 2-core machine: 300 steps, then 2 ' +
    'seconds of audio).',
  notes: [backendNote],
});
const log = (line: string) => process.stdout.write(`${line}\n`);
const NOTES = [440, 554.37, 659.25, 880]; // A4, C#5, E5, A5

/** Magnitude spectrum averaged over Hann-windowed frames of 2,048 samples (radix-2 FFT). */
function spectrum(x: Float32Array): Float64Array {
  const n = 2048;
  const mags = new Float64Array(n / 2);
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let start = 0; start + n <= x.length; start += n / 2) {
    for (let i = 0; i < n; i++) {
      re[i] = x[start + i]! * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1)));
      im[i] = 0;
    }
    for (let i = 1, j = 0; i < n; i++) {
      let bit = n >> 1;
      for (; j & bit; bit >>= 1) j ^= bit;
      j ^= bit;
      if (i < j) {
        [re[i], re[j]] = [re[j]!, re[i]!];
        [im[i], im[j]] = [im[j]!, im[i]!];
      }
    }
    for (let len = 2; len <= n; len <<= 1) {
      const angle = (-2 * Math.PI) / len;
      for (let i = 0; i < n; i += len) {
        for (let k = 0; k < len / 2; k++) {
          const wr = Math.cos(angle * k);
          const wi = Math.sin(angle * k);
          const ar = re[i + k + len / 2]! * wr - im[i + k + len / 2]! * wi;
          const ai = re[i + k + len / 2]! * wi + im[i + k + len / 2]! * wr;
          re[i + k + len / 2] = re[i + k]! - ar;
          im[i + k + len / 2] = im[i + k]! - ai;
          re[i + k] = re[i + k]! + ar;
          im[i + k] = im[i + k]! + ai;
        }
      }
    }
    for (let k = 0; k < n / 2; k++) mags[k]! += Math.hypot(re[k]!, im[k]!);
  }
  return mags;
}

/** The `count` strongest spectral peaks (local maxima), in Hz, strongest first. */
function peaks(x: Float32Array, sampleRate: number, count: number): number[] {
  const m = spectrum(x);
  const found: [number, number][] = [];
  for (let k = 2; k < m.length - 1; k++) if (m[k]! > m[k - 1]! && m[k]! >= m[k + 1]!) found.push([k, m[k]!]);
  found.sort((a, b) => b[1] - a[1]);
  return found.slice(0, count).map(([k]) => Math.round((k * sampleRate) / 2048));
}

async function main(): Promise<void> {
  log(`backend: ${await setupBackend(args.backend)}`);
  mkdirSync(args.out, { recursive: true });
  const seed = args.seed;
  let sampleRate = 8000;
  let audio: Float32Array;
  if (args.input !== undefined) {
    const wav = decodeWav(readFileSync(args.input));
    sampleRate = wav.sampleRate;
    audio = wav.samples;
    log(`input ${args.input}: ${audio.length.toLocaleString('en')} samples at ${sampleRate} Hz, ${wav.channels} channel(s), ${wav.bitDepth}-bit`);
  } else {
    audio = melody({ sampleRate, seconds: 4, noteSeconds: 0.25, notes: NOTES });
    log(`training audio: a 4 s melody (${NOTES.join(', ')} Hz, 2 harmonics each) at ${sampleRate} Hz`);
  }
  writeFileSync(`${args.out}/wavenet-training.wav`, encodeWav(audio, { sampleRate }));

  const config = {
    residualChannels: args.residual,
    skipChannels: args.skip,
    dilations: { layersPerCycle: args.layers, cycles: args.cycles },
    seed,
  };
  const model = buildWaveNet(config);
  log(`WaveNet: ${model.countParams().toLocaleString('en')} parameters, receptive field ${receptiveField(config)} samples (${((1000 * receptiveField(config)) / sampleRate).toFixed(0)} ms)`);

  const steps = args.steps;
  const t0 = performance.now();
  let recent = 0;
  const every = Math.max(1, Math.floor(steps / 10));
  const { history } = await trainWaveNet(model, audio, {
    steps,
    batchSize: args['batch-size'],
    contextLength: args.window,
    seed,
    optimizer: tf.train.adam(2e-3),
    onStep: ({ step, loss }) => {
      recent += loss;
      if ((step + 1) % every === 0 || step + 1 === steps) {
        const n = (step + 1) % every === 0 ? every : (step + 1) % every;
        log(`step ${step + 1}/${steps}  loss ${(recent / n).toFixed(3)} nats  ${((step + 1) / ((performance.now() - t0) / 1000)).toFixed(2)} steps/s`);
        recent = 0;
      }
    },
  });
  log(`trained ${steps} steps in ${((performance.now() - t0) / 1000).toFixed(1)} s; loss ${history.loss[0]!.toFixed(3)} → ${history.loss.at(-1)!.toFixed(3)} nats (uniform over 256 classes: ${Math.log(256).toFixed(3)})`);

  const length = Math.round(args.seconds * sampleRate);
  const g0 = performance.now();
  const { samples } = await generateAudio(model, { length, seed: seed + 1, temperature: args.temperature });
  const seconds = (performance.now() - g0) / 1000;
  log(`generated ${length.toLocaleString('en')} samples in ${seconds.toFixed(1)} s (${(length / seconds).toFixed(0)} samples/s, fast generation)`);
  writeFileSync(`${args.out}/wavenet.wav`, encodeWav(samples, { sampleRate }));
  log(`wrote ${args.out}/wavenet.wav and ${args.out}/wavenet-training.wav`);

  const trained = peaks(audio, sampleRate, 4);
  const generated = peaks(samples, sampleRate, 4);
  const bin = sampleRate / 2048;
  const matched = generated.filter((f) => trained.some((g) => Math.abs(f - g) <= 2 * bin));
  const rms = Math.sqrt(samples.reduce((a, v) => a + v * v, 0) / samples.length);
  log(`dominant frequencies: training ${trained.join(', ')} Hz; generated ${generated.join(', ')} Hz; ${matched.length} of ${generated.length} generated peaks within ±${(2 * bin).toFixed(0)} Hz of a training peak; generated RMS ${rms.toFixed(3)}`);
  model.dispose();
}

run(main);
