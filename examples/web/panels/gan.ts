// Panel (a): a DCGAN learns to draw digits, in the page. The grid shows the
// same 36 latent vectors through the generator as it trains; the chart plots
// both losses (moving averages).
import * as tf from '@tensorflow/tfjs-core';
import { buildDCGAN, sampleGAN } from 'tfjs-generative/gan';
import { imageGrid } from 'tfjs-generative/io';
import { trainGAN } from 'tfjs-generative/training';
import { DIGIT_COUNT, digits } from '../data.js';
import { byId, drawPicture, plotLines, Runner, showError, smooth } from '../ui.js';

const STEPS = 3000;
const BATCH = 32;
const LATENT = 64;
const SHOWN = 36;
/** Redraw the samples at most this often (ms): a grid costs a generator pass and a read. */
const REDRAW_MS = 750;

export function mountGANPanel(): void {
  const status = byId('gan-stats');
  const grid = byId<HTMLCanvasElement>('gan-grid');
  const chart = byId<HTMLCanvasElement>('gan-chart');
  const progress = byId<HTMLProgressElement>('gan-progress');
  new Runner(byId<HTMLButtonElement>('gan-start'), async (runner) => {
    status.textContent = `building the models; ${DIGIT_COUNT.toLocaleString('en')} digits…`;
    await runner.checkpoint();
    const { images } = digits(DIGIT_COUNT, -1, 1); // [N, 28, 28, 1], the tanh range
    const { generator, discriminator } = buildDCGAN({
      imageSize: 28,
      channels: 1,
      latentDim: LATENT,
      // As examples/dcgan-mnist.ts: with 16 filters each, the generator's
      // output collapsed to one flat gray within 300 steps on these digits.
      generatorFilters: 32,
      discriminatorFilters: 32,
      seed: 1,
    });
    const latents = tf.randomNormal([SHOWN, LATENT], 0, 1, 'float32', 7) as tf.Tensor2D;
    const redraw = async (): Promise<void> => {
      const samples = sampleGAN(generator, SHOWN, { latents }); // [36, 28, 28, 1]
      try {
        drawPicture(grid, await imageGrid(samples, { columns: 6, padding: 1 }));
      } finally {
        samples.dispose();
      }
    };
    const dLoss: number[] = [];
    const gLoss: number[] = [];
    const started = performance.now();
    let drawn = 0;
    try {
      await redraw();
      status.textContent = `step 0/${STEPS}`;
      await trainGAN({ generator, discriminator }, images, {
        batchSize: BATCH,
        steps: STEPS,
        seed: 1,
        onStep: async (info) => {
          const done = info.step + 1;
          dLoss.push(info.discriminatorLoss);
          gLoss.push(info.generatorLoss);
          progress.value = done / STEPS;
          const rate = done / ((performance.now() - started) / 1000);
          status.textContent =
            `step ${done}/${STEPS} · D loss ${info.discriminatorLoss.toFixed(3)} · G loss ${info.generatorLoss.toFixed(3)} · ` +
            `D(x) ${info.realProbability.toFixed(2)} · D(G(z)) ${info.fakeProbability.toFixed(2)} · ${rate.toFixed(1)} steps/s`;
          plotLines(chart, [
            { label: 'discriminator', color: '#d62728', values: smooth(dLoss) },
            { label: 'generator', color: '#1f77b4', values: smooth(gLoss) },
          ]);
          if (performance.now() - drawn > REDRAW_MS || done === STEPS) {
            await redraw();
            drawn = performance.now();
          }
          await runner.checkpoint();
        },
      });
    } finally {
      tf.dispose([images, latents]);
      generator.dispose();
      discriminator.dispose();
    }
  }, showError(status));
}
