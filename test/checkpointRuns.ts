// The tiny runs test/checkpoint.test.ts and its child process share, so that
// the child's resumed runs and the test's uninterrupted ones are the same call.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { buildTransformerLM } from '../src/attention/index.js';
import type { CheckpointOptions } from '../src/training/index.js';
import { trainLanguageModel, trainVAE } from '../src/training/index.js';
import { buildVAE } from '../src/vae/index.js';

export const LM_STEPS = 12;
export const VAE_STEPS = 12;

/** The concatenated float32 bytes of every weight of `models`. */
export function weightBytes(models: readonly tfl.LayersModel[]): Buffer {
  return Buffer.concat(models.flatMap((m) => m.getWeights().map((w) => Buffer.from((w.dataSync() as Float32Array).slice().buffer))));
}

export type VAE = ReturnType<typeof buildVAE>;

export interface CheckpointRuns {
  lm(checkpoint: CheckpointOptions | undefined, onStep?: (step: number) => void): Promise<tfl.LayersModel>;
  /** The VAE after training (dispose its `vae` model: it holds the encoder and decoder). */
  vae(checkpoint: CheckpointOptions | undefined, onStep?: (step: number) => void): Promise<VAE>;
}

/** The `checkpoint` and `onStep` options, when given. */
function extras(
  checkpoint: CheckpointOptions | undefined,
  onStep: ((step: number) => void) | undefined,
): { checkpoint?: CheckpointOptions; onStep?: (info: { step: number }) => void } {
  return { ...(checkpoint === undefined ? {} : { checkpoint }), ...(onStep === undefined ? {} : { onStep: ({ step }: { step: number }) => onStep(step) }) };
}

/**
 * The language model: 12 steps of Adam on a periodic stream. The VAE: 24
 * examples in batches of 8 (3 per epoch, shuffled), 12 steps, so checkpoints
 * fall inside epochs.
 */
export function checkpointRuns(): CheckpointRuns {
  const tokens = Array.from({ length: 200 }, (_, i) => (i * 7 + (i >> 3)) % 11);
  return {
    async lm(checkpoint, onStep) {
      const model = buildTransformerLM({ vocabSize: 11, contextLength: 8, modelDim: 8, numHeads: 2, numLayers: 1, seed: 3 });
      await trainLanguageModel(model, tokens, {
        steps: LM_STEPS,
        batchSize: 4,
        seed: 5,
        ...extras(checkpoint, onStep),
      });
      return model;
    },
    async vae(checkpoint, onStep) {
      const v = buildVAE({ inputShape: [6], latentDim: 2, hiddenUnits: [8], seed: 7 });
      const x = tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([24, 6], 0, 1, 'float32', 9), 0.5), 'float32'));
      try {
        await trainVAE(v, x, {
          steps: VAE_STEPS,
          batchSize: 8,
          seed: 6,
          ...extras(checkpoint, onStep),
        });
      } finally {
        x.dispose();
      }
      return v;
    },
  };
}
