// saveModel when saves overlap, were interrupted, or cannot create their folder.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, describe, expect, it } from 'vitest';
import { ValueError } from '../errors.js';
import { LOCK_FILE } from './_saveFolder.js';
import { loadModel } from './loadModel.js';
import { saveModel } from './saveModel.js';

const root = mkdtempSync(join(tmpdir(), 'tfjs-generative-concurrent-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A one-layer model whose kernel is filled with `value`, so each saved model is recognisable. */
function filled(value: number): tfl.LayersModel {
  return tfl.sequential({ layers: [tfl.layers.dense({ units: 3, inputShape: [2], kernelInitializer: tfl.initializers.constant({ value }) })] });
}

const kernelOf = (model: tfl.LayersModel): number[] => Array.from(model.getWeights()[0]!.dataSync());

/** A pid that belongs to no process: a child's, after it exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('saveModel: overlapping saves', () => {
  it('20 un-awaited saves of different models to one folder leave the last one, complete', async () => {
    const dir = join(root, 'twenty');
    const models = Array.from({ length: 20 }, (_, i) => filled(i + 1));
    const before = tf.memory().numTensors;
    const saves = models.map((model) => saveModel(model, dir));
    const results = await Promise.allSettled(saves);
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    // Serialized in call order: the last call wins, and its weights file is the only one.
    const files = readdirSync(dir).sort();
    expect(files).toHaveLength(2);
    expect(files[0]).toBe('model.json');
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as tf.io.ModelJSON;
    expect(json.weightsManifest[0]!.paths).toEqual([`./${files[1]}`]);
    expect(existsSync(join(dir, files[1]!))).toBe(true);
    const loaded = await loadModel(dir);
    expect(kernelOf(loaded)).toEqual(new Array(6).fill(20));
    loaded.dispose();
    models.forEach((m) => m.dispose());
  });

  it('saves to one folder through different spellings of its path are serialized too', async () => {
    const dir = join(root, 'spellings');
    const a = filled(1);
    const b = filled(2);
    await Promise.all([saveModel(a, dir), saveModel(b, `${dir}/./`), saveModel(a, `file://${dir}`)]);
    const loaded = await loadModel(dir);
    expect(kernelOf(loaded)).toEqual(new Array(6).fill(1));
    expect(readdirSync(dir).filter((f) => f.endsWith('.bin'))).toHaveLength(1);
    loaded.dispose();
    a.dispose();
    b.dispose();
  });

  it('a failed save releases the folder for the next one', async () => {
    const dir = join(root, 'after-failure');
    const model = filled(3);
    const failing = saveModel(model, tf.io.withSaveHandler(async () => Promise.reject(new Error('boom'))));
    await expect(failing).rejects.toThrow(/boom/);
    mkdirSync(dir);
    writeFileSync(join(dir, 'model.json'), 'not a folder');
    await expect(saveModel(model, join(dir, 'model.json'))).rejects.toThrow(/^saveModel: cannot save to ".*model\.json": .*model\.json exists and is not a folder\.$/);
    await saveModel(model, dir);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    const loaded = await loadModel(dir);
    expect(kernelOf(loaded)).toEqual(new Array(6).fill(3));
    loaded.dispose();
    model.dispose();
  });
});

describe('saveModel: another process\'s lock', () => {
  it('takes over the lock of a process that is gone, and leaves no lock behind', async () => {
    const dir = join(root, 'stale');
    mkdirSync(dir);
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: deadPid(), started: 0 }));
    const model = filled(4);
    await saveModel(model, dir);
    expect(readdirSync(dir).filter((f) => f.startsWith('.'))).toEqual([]);
    const loaded = await loadModel(dir);
    expect(kernelOf(loaded)).toEqual(new Array(6).fill(4));
    loaded.dispose();
    model.dispose();
  });

  it('waits while a live process holds the lock, then saves', async () => {
    const dir = join(root, 'live');
    mkdirSync(dir);
    // The parent of this test process is alive for the whole test.
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: process.ppid, started: 0 }));
    const model = filled(5);
    let done = false;
    const save = saveModel(model, dir).then(() => {
      done = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(done).toBe(false);
    expect(existsSync(join(dir, 'model.json'))).toBe(false);
    rmSync(join(dir, LOCK_FILE));
    await save;
    const loaded = await loadModel(dir);
    expect(kernelOf(loaded)).toEqual(new Array(6).fill(5));
    loaded.dispose();
    model.dispose();
  });
});

describe('saveModel: interrupted saves and impossible folders', () => {
  it('removes the temporary files an interrupted save left, and only those', async () => {
    const dir = join(root, 'leftovers');
    mkdirSync(dir);
    const ours = [
      '.model.json.tmp-0123456789abcdef',
      '.weights.0123456789abcdef.bin.tmp-fedcba9876543210',
      `${LOCK_FILE}.stale-00112233445566ff`,
    ];
    const theirs = ['.model.json.tmp-notours', 'notes.txt', '.weights.bin.tmp-0123456789abcdef', 'model.json.tmp-0123456789abcdef'];
    for (const name of [...ours, ...theirs]) writeFileSync(join(dir, name), 'x'.repeat(1000));
    const model = filled(6);
    await saveModel(model, dir);
    const left = readdirSync(dir);
    for (const name of ours) expect(left).not.toContain(name);
    for (const name of theirs) expect(left).toContain(name);
    expect(left.filter((f) => f.endsWith('.bin'))).toHaveLength(1);
    model.dispose();
  });

  it('a folder that cannot be created (/proc/x, a path under a file) is a clear error, quickly', async () => {
    const model = filled(7);
    const file = join(root, 'a-file');
    writeFileSync(file, '');
    const cases: [string, RegExp][] = [[join(file, 'sub'), /^saveModel: cannot create the folder ".*a-file[/\\]sub": Error: ENOTDIR/]];
    // Linux's procfs answers mkdir with ENOENT although /proc exists: Node's own recursive mkdir never settles there.
    if (process.platform !== 'win32') {
      // A dangling link as the parent: mkdir says EEXIST for it and ENOENT for its child; the error names the link.
      symlinkSync(join(root, 'nowhere'), join(root, 'dangling'));
      cases.push([join(root, 'dangling', 'out'), /^saveModel: cannot save to ".*dangling[/\\]out": .*dangling exists and is not a folder\.$/]);
    }
    if (existsSync('/proc/self')) {
      cases.push(['/proc/x', /^saveModel: cannot create the folder "\/proc\/x": Error: ENOENT/]);
      cases.push(['/proc/x/y/z', /^saveModel: cannot create the folder "\/proc\/x\/y\/z": Error: ENOENT/]);
    }
    for (const [destination, pattern] of cases) {
      const start = performance.now();
      const error = await saveModel(model, destination).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValueError);
      expect((error as Error).message).toMatch(pattern);
      expect(performance.now() - start).toBeLessThan(1000);
    }
    model.dispose();
  });
});
