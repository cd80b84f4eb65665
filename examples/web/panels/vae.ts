// Panel (d): a VAE with a 2-D latent space learns digits in the page. The pad
// shows where the encoder puts 500 digits (coloured by class); drag the ring
// and the decoder draws the digit at that point of the latent plane.
import * as tf from '@tensorflow/tfjs-core';
import { imageGrid } from 'tfjs-generative/io';
import { trainVAE } from 'tfjs-generative/training';
import { buildVAE, decodeLatents, encodeMean } from 'tfjs-generative/vae';
import { DIGIT_COUNT, digits } from '../data.js';
import { byId, drawPicture, plotLines, Runner, showError, smooth } from '../ui.js';

const EPOCHS = 40;
const BATCH = 50;
/** The pad spans [-RANGE, RANGE] on both latent axes. */
const RANGE = 3;
const SHOWN = 500;
const REDRAW_MS = 1000;
const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

export function mountVAEPanel(): void {
  const status = byId('vae-stats');
  const chart = byId<HTMLCanvasElement>('vae-chart');
  const pad = byId<HTMLCanvasElement>('vae-pad');
  const decoded = byId<HTMLCanvasElement>('vae-decoded');
  const progress = byId<HTMLProgressElement>('vae-progress');
  const coordinates = byId('vae-z');
  const vae = buildVAE({ inputShape: [28, 28, 1], latentDim: 2, hiddenUnits: [256, 64], seed: 1 });
  let point: [number, number] = [0.5, -0.5];
  let codes: { z: Float32Array; labels: number[] } | undefined;

  const toPad = (v: number) => ((v + RANGE) / (2 * RANGE)) * pad.width;
  const drawPad = (): void => {
    const context = pad.getContext('2d')!;
    context.fillStyle = '#fff';
    context.fillRect(0, 0, pad.width, pad.height);
    context.strokeStyle = '#eee';
    for (let v = -RANGE; v <= RANGE; v++) {
      context.beginPath();
      context.moveTo(toPad(v), 0);
      context.lineTo(toPad(v), pad.height);
      context.moveTo(0, toPad(v));
      context.lineTo(pad.width, toPad(v));
      context.stroke();
    }
    if (codes !== undefined) {
      codes.labels.forEach((label, i) => {
        context.fillStyle = COLORS[label]!;
        context.fillRect(toPad(codes!.z[2 * i]!) - 1.5, toPad(-codes!.z[2 * i + 1]!) - 1.5, 3, 3);
      });
    }
    context.strokeStyle = '#000';
    context.lineWidth = 2;
    context.beginPath();
    context.arc(toPad(point[0]), toPad(-point[1]), 7, 0, 2 * Math.PI);
    context.stroke();
    context.lineWidth = 1;
  };

  // Decoding runs one at a time; a drag that moves faster only asks for the latest point.
  let decoding = false;
  let again = false;
  const decode = async (): Promise<void> => {
    if (decoding) {
      again = true;
      return;
    }
    decoding = true;
    try {
      do {
        again = false;
        const [x, y] = point;
        const picture = tf.tidy(() => {
          const mean = decodeLatents(vae, tf.tensor2d([[x, y]])); // [1, 28, 28, 1], pixel probabilities
          return tf.sub(tf.mul(mean, 2), 1); // imageGrid's [-1, 1]
        });
        try {
          drawPicture(decoded, await imageGrid(picture, { padding: 0 }));
        } finally {
          picture.dispose();
        }
        coordinates.textContent = `z = (${x.toFixed(2)}, ${y.toFixed(2)})`;
      } while (again);
    } finally {
      decoding = false;
    }
  };

  const moveTo = (event: PointerEvent): void => {
    const box = pad.getBoundingClientRect();
    const u = Math.min(1, Math.max(0, (event.clientX - box.left) / box.width));
    const v = Math.min(1, Math.max(0, (event.clientY - box.top) / box.height));
    point = [(2 * u - 1) * RANGE, (1 - 2 * v) * RANGE];
    drawPad();
    void decode().catch(showError(status));
  };
  pad.addEventListener('pointerdown', (event) => {
    pad.setPointerCapture(event.pointerId);
    moveTo(event);
  });
  pad.addEventListener('pointermove', (event) => {
    if (pad.hasPointerCapture(event.pointerId)) moveTo(event);
  });
  drawPad();
  void decode().catch(showError(status));

  new Runner(byId<HTMLButtonElement>('vae-start'), async (runner) => {
    const { images, labels } = digits(DIGIT_COUNT, 0, 1); // [N, 28, 28, 1], Bernoulli means in [0, 1]
    const shown = tf.slice(images, 0, SHOWN);
    const optimizer = tf.train.adam(2e-3);
    const steps = EPOCHS * Math.ceil(DIGIT_COUNT / BATCH);
    const losses: number[] = [];
    let drawn = performance.now();
    const refresh = async (): Promise<void> => {
      const z = encodeMean(vae, shown); // [500, 2]
      try {
        codes = { z: (await z.data()) as Float32Array, labels: labels.slice(0, SHOWN) };
      } finally {
        z.dispose();
      }
      drawPad();
      await decode();
    };
    try {
      await trainVAE(vae, images, {
        epochs: EPOCHS,
        batchSize: BATCH,
        optimizer,
        seed: 1,
        onStep: async (info) => {
          losses.push(info.loss);
          const done = losses.length;
          progress.value = done / steps;
          status.textContent =
            `step ${done}/${steps} (epoch ${info.epoch + 1}) · loss ${info.loss.toFixed(1)} nats · ` +
            `reconstruction ${info.reconstruction.toFixed(1)} · KL ${info.kl.toFixed(2)}`;
          plotLines(chart, [{ label: 'negative ELBO', color: '#8c564b', values: smooth(losses) }]);
          if (performance.now() - drawn > REDRAW_MS || done === steps) {
            await refresh();
            drawn = performance.now();
          }
          await runner.checkpoint();
        },
      });
    } finally {
      tf.dispose([images, shown]);
      optimizer.dispose();
    }
  }, showError(status));
}
