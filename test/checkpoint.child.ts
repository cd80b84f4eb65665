// A training run for test/checkpoint.test.ts: trains a tiny language model,
// then a tiny VAE, both with checkpoints, printing one line per step; the test
// has it killed with SIGKILL at random moments and runs it again until it
// exits 0. The final weights are written to `<dir>/final-lm.bin` and
// `final-vae.bin`.
//
// Usage: node --import tsx test/checkpoint.child.ts <dir> <backend> [<plan>]
// With a plan, the process sends itself SIGKILL (a parent that kills on
// reading a step line cannot aim well: the lines may reach a busy parent in
// one late chunk):
// - `line:<n>:<ms>`: `ms` milliseconds after its `n`-th step line, at whatever
//   await the run is in then (a step's read-back, a file write of a save…);
// - `open:<n>` / `rename:<n>` / `rm:<n>`: at its `n`-th call of that
//   `fs/promises` function (the library reaches the same module object through
//   `process.getBuiltinModule`): reading a checkpoint's weights on resume or
//   writing a model file of a save (open), a file or a checkpoint folder being
//   renamed into place (rename), a save's lock, a temp folder or an old
//   checkpoint being removed (rm).
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkpointRuns, weightBytes } from './checkpointRuns.js';

const [dir, backend, plan = 'none'] = process.argv.slice(2) as [string, string, string | undefined];
const [kind, a = '0', b = '0'] = plan.split(':');
const die = (): void => void process.kill(process.pid, 'SIGKILL');
const killAfter = kind === 'line' ? Number(a) : Infinity;
const delayMs = Number(b);
if (kind === 'open' || kind === 'rename' || kind === 'rm') {
  const fs = (process as unknown as { getBuiltinModule(id: string): Record<string, (...args: unknown[]) => Promise<unknown>> }).getBuiltinModule('node:fs/promises');
  const original = fs[kind]!;
  let calls = 0;
  fs[kind] = (...args: unknown[]) => {
    if (++calls === Number(a)) die();
    return original(...args);
  };
}
let lines = 0;
const report = (line: string): void => {
  console.log(line);
  if (++lines === killAfter) setTimeout(die, delayMs);
};
await tf.setBackend(backend);
const runs = checkpointRuns();
const lm = await runs.lm({ to: join(dir, 'lm'), every: 2 }, (step) => report(`lm ${step}`));
writeFileSync(join(dir, 'final-lm.bin'), weightBytes([lm]));
const vae = await runs.vae({ to: join(dir, 'vae'), every: 3 }, (step) => report(`vae ${step}`));
writeFileSync(join(dir, 'final-vae.bin'), weightBytes([vae.encoder, vae.decoder]));
console.log('done');
