/**
 * WaveNet on a melody, in Node, with no download.
 *
 *   npx tsx examples/wavenet.ts [--backend cpu|wasm] [--steps 300] [--batch-size 4] [--window 1024]
 *       [--residual 32] [--skip 64] [--layers 9] [--cycles 1] [--seconds 2] [--temperature 1]
 *       [--input file.wav] [--out out] [--seed 1]
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
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { buildWaveNet, decodeWav, encodeWav, generateAudio, receptiveField, trainWaveNet } from 'tfjs-generative';
import { setupBackend } from './_backend.js';

const { values: args } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    steps: { type: 'string', default: '300' },
    'batch-size': { type: 'string', default: '4' },
    window: { type: 'string', default: '1024' },
    residual: { type: 'string', default: '32' },
    skip: { type: 'string', default: '64' },
    layers: { type: 'string', default: '9' },
    cycles: { type: 'string', default: '1' },
    seconds: { type: 'string', default: '2' },
    temperature: { type: 'string', default: '1' },
    input: { type: 'string' },
    out: { type: 'string', default: 'out' },
    seed: { type: 'string', default: '1' },
  },
});
const log = (line: string) => process.stdout.write(`${line}\n`);
const NOTES = [440, 554.37, 659.25, 880]; // A4, C#5, E5, A5

/** The melody: each note 0.25 s, fundamental plus two weaker harmonics, short fades. */
function melody(sampleRate: number, seconds: number): Float32Array {
  const out = new Float32Array(Math.round(sampleRate * seconds));
  const noteLength = Math.round(sampleRate * 0.25);
  for (let i = 0; i < out.length; i++) {
    const f = NOTES[Math.floor(i / noteLength) % NOTES.length]!;
    const t = i / sampleRate;
    const k = i % noteLength;
    const fade = Math.min(1, k / 80, (noteLength - k) / 80);
    out[i] = fade * (0.5 * Math.sin(2 * Math.PI * f * t) + 0.2 * Math.sin(4 * Math.PI * f * t) + 0.1 * Math.sin(6 * Math.PI * f * t));
  }
  return out;
}

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
  const seed = Number(args.seed);
  let sampleRate = 8000;
  let audio: Float32Array;
  if (args.input !== undefined) {
    const wav = decodeWav(readFileSync(args.input));
    sampleRate = wav.sampleRate;
    audio = wav.samples;
    log(`input ${args.input}: ${audio.length.toLocaleString('en')} samples at ${sampleRate} Hz, ${wav.channels} channel(s), ${wav.bitDepth}-bit`);
  } else {
    audio = melody(sampleRate, 4);
    log(`training audio: a 4 s melody (${NOTES.join(', ')} Hz, 2 harmonics each) at ${sampleRate} Hz`);
  }
  writeFileSync(`${args.out}/wavenet-training.wav`, encodeWav(audio, { sampleRate }));

  const config = {
    residualChannels: Number(args.residual),
    skipChannels: Number(args.skip),
    dilations: { layersPerCycle: Number(args.layers), cycles: Number(args.cycles) },
    seed,
  };
  const model = buildWaveNet(config);
  log(`WaveNet: ${model.countParams().toLocaleString('en')} parameters, receptive field ${receptiveField(config)} samples (${((1000 * receptiveField(config)) / sampleRate).toFixed(0)} ms)`);

  const steps = Number(args.steps);
  const t0 = performance.now();
  let recent = 0;
  const every = Math.max(1, Math.floor(steps / 10));
  const { history } = await trainWaveNet(model, audio, {
    steps,
    batchSize: Number(args['batch-size']),
    windowLength: Number(args.window),
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

  const length = Math.round(Number(args.seconds) * sampleRate);
  const g0 = performance.now();
  const { samples } = await generateAudio(model, { length, seed: seed + 1, temperature: Number(args.temperature) });
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

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
