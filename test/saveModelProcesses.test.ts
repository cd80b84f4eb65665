// Saves to one folder from several processes at once: the lock file serializes
// them, so the folder always ends with one complete model, never a model.json
// pointing at a removed weights file.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel } from '../src/io/loadModel.js';

const root = resolve(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'tfjs-generative-processes-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A child that saves a model whose kernel is all `value`, `count` times, to `dir`. */
const CHILD = `
const [cpu, layers, src, dir, value, count] = process.argv.slice(2);
await import(cpu);
const tfl = await import(layers);
const { saveModel } = await import(src);
const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 3, inputShape: [2], kernelInitializer: tfl.initializers.constant({ value: Number(value) }) })] });
for (let i = 0; i < Number(count); i++) await saveModel(model, dir);
`;

function runChild(script: string, args: string[]): Promise<void> {
  return new Promise((done, fail) => {
    execFile(join(root, 'node_modules/.bin/tsx'), [script, ...args], { cwd: root, timeout: 120_000 }, (error, _stdout, stderr) =>
      error ? fail(new Error(`${String(error)}\n${stderr}`)) : done(),
    );
  });
}

describe('saveModel across processes', () => {
  it('3 processes saving 15 times each to one folder leave one complete model', async () => {
    const script = join(work, 'child.mts');
    writeFileSync(script, CHILD);
    const require = createRequire(join(root, 'package.json'));
    const dir = join(work, 'model');
    const common = [require.resolve('@tensorflow/tfjs-backend-cpu'), require.resolve('@tensorflow/tfjs-layers'), join(root, 'src/io/saveModel.ts'), dir];
    await Promise.all([1, 2, 3].map((value) => runChild(script, [...common, String(value), '15'])));
    const files = readdirSync(dir).sort();
    expect(files).toHaveLength(2);
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as tf.io.ModelJSON;
    expect(json.weightsManifest[0]!.paths).toEqual([`./${files[1]}`]);
    expect(existsSync(join(dir, files[1]!))).toBe(true);
    const loaded = await loadModel(dir);
    const kernel = Array.from(loaded.getWeights()[0]!.dataSync());
    expect([1, 2, 3].some((v) => kernel.every((k) => k === v))).toBe(true);
    loaded.dispose();
  }, 180_000);
});
