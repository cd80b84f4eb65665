// A training run for test/checkpoint.test.ts: trains a tiny language model,
// then a tiny VAE, both with checkpoints, printing one line per step; the test
// kills it with SIGKILL at random moments and runs it again until it exits 0.
// The final weights are written to `<dir>/final-lm.bin` and `final-vae.bin`.
//
// Usage: tsx test/checkpoint.child.ts <dir> <backend>
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkpointRuns, weightBytes } from './checkpointRuns.js';

const [dir, backend] = process.argv.slice(2) as [string, string];
await tf.setBackend(backend);
const runs = checkpointRuns();
const lm = await runs.lm({ to: join(dir, 'lm'), every: 2 }, (step) => console.log(`lm ${step}`));
writeFileSync(join(dir, 'final-lm.bin'), weightBytes([lm]));
const vae = await runs.vae({ to: join(dir, 'vae'), every: 3 }, (step) => console.log(`vae ${step}`));
writeFileSync(join(dir, 'final-vae.bin'), weightBytes([vae.encoder, vae.decoder]));
console.log('done');
