// Panel (c): a small WaveNet learns a generated melody (a rising arpeggio,
// each note with two harmonics) in the page; then `generateAudio` synthesizes
// new audio sample by sample, which is drawn and played with Web Audio.
import * as tf from '@tensorflow/tfjs-core';
import { buildWaveNet, generateAudio, receptiveField } from 'tfjs-generative/audio';
import { trainWaveNet } from 'tfjs-generative/training';
import type * as tfl from '@tensorflow/tfjs-layers';
import { byId, drawWave, plotLines, Runner, showError, smooth } from '../ui.js';
import { melody } from '../../_melody.js';

const SAMPLE_RATE = 8000;
const STEPS = 400;
const NOTES = [261.63, 329.63, 392.0, 523.25]; // C4, E4, G4, C5
const CONFIG = { residualChannels: 16, skipChannels: 32, dilations: { layersPerCycle: 7, cycles: 1 }, seed: 1 };

/** 1.6 s: each note 0.2 s with two weaker harmonics and short fades. */
const training = (): Float32Array => melody({ sampleRate: SAMPLE_RATE, seconds: 1.6, noteSeconds: 0.2, notes: NOTES });

function rms(x: Float32Array): number {
  let sum = 0;
  for (const v of x) sum += v * v;
  return Math.sqrt(sum / Math.max(1, x.length));
}

/** Plays `samples` through Web Audio; resolves when playback starts (or is not possible). */
async function play(samples: Float32Array, note: HTMLElement): Promise<void> {
  try {
    const context = new AudioContext();
    const buffer = context.createBuffer(1, samples.length, SAMPLE_RATE);
    buffer.copyToChannel(samples as Float32Array<ArrayBuffer>, 0);
    const source = context.createBufferSource();
    source.buffer = buffer;
    source.connect(context.destination);
    source.addEventListener('ended', () => void context.close());
    await context.resume();
    source.start();
    note.textContent = 'playing';
  } catch (error) {
    note.textContent = `could not play here (${error instanceof Error ? error.message : String(error)})`;
  }
}

export function mountAudioPanel(): void {
  const status = byId('audio-stats');
  const chart = byId<HTMLCanvasElement>('audio-chart');
  const trainingWave = byId<HTMLCanvasElement>('audio-training-wave');
  const generatedWave = byId<HTMLCanvasElement>('audio-generated-wave');
  const progress = byId<HTMLProgressElement>('audio-progress');
  const generateButton = byId<HTMLButtonElement>('audio-generate');
  const generatedStats = byId('audio-generated-stats');
  const audio = training();
  drawWave(trainingWave, audio.subarray(0, 1600), '#555');
  let model: tfl.LayersModel | undefined;
  const ensureModel = (): tfl.LayersModel => (model ??= buildWaveNet(CONFIG));
  const losses: number[] = [];
  let generating = false;

  const synthesize = async (): Promise<void> => {
    if (generating) return;
    generating = true;
    generateButton.disabled = true;
    try {
      const seconds = Number(byId<HTMLSelectElement>('audio-length').value);
      const length = Math.round(seconds * SAMPLE_RATE);
      generatedStats.textContent = `synthesizing ${length} samples…`;
      const { samples } = await generateAudio(ensureModel(), {
        length,
        seed: losses.length + 1,
        onProgress: async (done, total) => {
          generatedStats.textContent = `synthesizing: ${done}/${total} samples`;
          await tf.nextFrame();
        },
      });
      drawWave(generatedWave, samples.subarray(0, 1600), '#9467bd');
      const level = rms(samples);
      generatedStats.dataset.rms = String(level);
      generatedStats.textContent = `${samples.length} samples (${seconds} s at ${SAMPLE_RATE} Hz) after ${losses.length} training steps · RMS ${level.toFixed(3)} · `;
      const note = document.createElement('span');
      generatedStats.append(note);
      await play(samples, note);
    } catch (error) {
      showError(generatedStats)(error);
    } finally {
      generating = false;
      generateButton.disabled = false;
    }
  };
  generateButton.addEventListener('click', () => void synthesize());

  new Runner(
    byId<HTMLButtonElement>('audio-start'),
    async (runner) => {
      const net = ensureModel();
      const optimizer = tf.train.adam(2e-3);
      const started = performance.now();
      try {
        status.textContent = `receptive field ${receptiveField(CONFIG)} samples; training…`;
        await trainWaveNet(net, audio, {
          steps: STEPS,
          batchSize: 4,
          optimizer,
          seed: 1,
          onStep: async ({ step, loss }) => {
            losses.push(loss);
            progress.value = (step + 1) / STEPS;
            const rate = (step + 1) / ((performance.now() - started) / 1000);
            status.textContent = `step ${step + 1}/${STEPS} · loss ${loss.toFixed(3)} nats (uniform over 256 levels: ${Math.log(256).toFixed(2)}) · ${rate.toFixed(1)} steps/s`;
            plotLines(chart, [{ label: 'loss (nats)', color: '#ff7f0e', values: smooth(losses) }]);
            await runner.checkpoint();
          },
        });
      } finally {
        optimizer.dispose();
      }
      await synthesize();
    },
    showError(status),
  );
}
