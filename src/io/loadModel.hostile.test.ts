// loadModel on folders built to make it read elsewhere or allocate blindly:
// each gets a clear ValueError, fast, and the outside file's bytes never appear.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValueError } from '../errors.js';
import { MAX_MODEL_JSON_BYTES } from './_modelFiles.js';
import { loadModel } from './loadModel.js';
import { saveModel } from './saveModel.js';

const root = mkdtempSync(join(tmpdir(), 'tfjs-generative-hostile-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A recognisable secret outside every model folder: 777 float32 values (3,108 bytes, a size no message may show). */
const SECRET_VALUE = 1234.5;
const secretPath = join(root, 'secret.bin');

let template: tf.io.ModelJSON;
let weightsName = '';
let weightsBytes: Buffer;

beforeAll(async () => {
  const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 4, inputShape: [2], kernelInitializer: 'ones' })] });
  const dir = join(root, 'template');
  await saveModel(model, dir);
  model.dispose();
  template = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as tf.io.ModelJSON;
  weightsName = readdirSync(dir).find((f) => f.endsWith('.bin'))!;
  weightsBytes = readFileSync(join(dir, weightsName));
  writeFileSync(secretPath, Buffer.from(new Float32Array(777).fill(SECRET_VALUE).buffer));
});

let folders = 0;
/** A model folder (inside `root/a/b/`, so that `../` paths have somewhere to go) whose manifest lists `paths`. */
function hostileFolder(paths: string[], extra: (dir: string) => void = () => {}): string {
  const dir = join(root, 'a', 'b', `model-${folders++}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, weightsName), weightsBytes);
  const json = { ...template, weightsManifest: [{ ...template.weightsManifest[0]!, paths }] };
  writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
  extra(dir);
  return dir;
}

/** Loads `dir`, expecting a ValueError matching `pattern` within 1 s, with no tensor left and the secret unseen. */
async function expectRefused(dir: string, pattern: RegExp): Promise<void> {
  const before = tf.memory().numTensors;
  const buffersBefore = process.memoryUsage().arrayBuffers;
  const start = performance.now();
  const error = await loadModel(dir).then(
    (model) => {
      const values = model.getWeights().flatMap((w) => Array.from(w.dataSync()));
      model.dispose();
      return new Error(`loaded (secret read: ${values.includes(SECRET_VALUE)})`);
    },
    (e: unknown) => e,
  );
  const elapsed = performance.now() - start;
  expect(error).toBeInstanceOf(ValueError);
  expect((error as Error).message).toMatch(pattern);
  // Nothing about the outside file: not its value, not its size.
  expect((error as Error).message).not.toMatch(/1234/);
  expect((error as Error).message).not.toContain('3108');
  expect(elapsed).toBeLessThan(1000);
  // Refused before reading: no weights buffer was allocated (the largest case describes 4 GB).
  expect(process.memoryUsage().arrayBuffers - buffersBefore).toBeLessThan(16 * 1024 * 1024);
  expect(tf.memory().numTensors).toBe(before);
}

describe('loadModel: a manifest cannot point outside the model folder', () => {
  it('the template loads (the hostile cases below differ only in their paths)', async () => {
    const model = await loadModel(hostileFolder([`./${weightsName}`]));
    expect(Array.from(model.getWeights()[0]!.dataSync())).toEqual(new Array(8).fill(1));
    model.dispose();
  });

  it('refuses ../, deep ../../, ./a/../../x, an absolute path, NUL and backslashes without touching the disk', async () => {
    await expectRefused(hostileFolder(['../../secret.bin']), /loadModel: the weights path "\.\.\/\.\.\/secret\.bin" has a "\.\." segment/);
    await expectRefused(hostileFolder(['../secret.bin']), /has a "\.\." segment; paths in model\.json must stay inside/);
    await expectRefused(hostileFolder([`${'../'.repeat(40)}${secretPath.slice(1)}`]), /has a "\.\." segment/);
    await expectRefused(hostileFolder(['./a/../../x']), /"\.\/a\/\.\.\/\.\.\/x" has a "\.\." segment/);
    await expectRefused(hostileFolder([secretPath]), /loadModel: the weights path ".*" is absolute; paths in model\.json must be relative/);
    await expectRefused(hostileFolder(['/dev/zero']), /"\/dev\/zero" is absolute/);
    await expectRefused(hostileFolder([`${weightsName}\0.txt`]), /contains a NUL byte/);
    await expectRefused(hostileFolder(['..\\..\\secret.bin']), /contains a backslash/);
    await expectRefused(hostileFolder(['C:/secret.bin']), /is absolute/);
    await expectRefused(hostileFolder(['']), /is not a non-empty path string/);
    await expectRefused(hostileFolder(['./']), /names the model's folder itself/);
  });

  // Symbolic links and FIFOs as POSIX systems make them.
  const posixIt = it.skipIf(process.platform === 'win32');

  posixIt('refuses a symbolic link that leads outside, directly or through a linked folder, without stat-ing its target', async () => {
    await expectRefused(hostileFolder(['./w.bin'], (d) => symlinkSync(secretPath, join(d, 'w.bin'))), /"\.\/w\.bin" leads outside the model's folder through a symbolic link/);
    await expectRefused(hostileFolder(['./w.bin'], (d) => symlinkSync('../../../secret.bin', join(d, 'w.bin'))), /leads outside the model's folder through a symbolic link/);
    await expectRefused(hostileFolder(['./up/secret.bin'], (d) => symlinkSync(root, join(d, 'up'))), /"\.\/up\/secret\.bin" leads outside/);
    await expectRefused(hostileFolder(['./z.bin'], (d) => symlinkSync('/dev/zero', join(d, 'z.bin'))), /leads outside/);
    // A dangling link outside gets the same answer as one to an existing file: its existence is not revealed.
    await expectRefused(hostileFolder(['./w.bin'], (d) => symlinkSync(join(root, 'no-such-file'), join(d, 'w.bin'))), /leads outside the model's folder through a symbolic link/);
    // A link inside the folder (also through `..` that stays inside) is fine.
    const inside = hostileFolder(['./sub/w.bin'], (d) => {
      mkdirSync(join(d, 'sub'));
      symlinkSync(`../${weightsName}`, join(d, 'sub', 'w.bin'));
    });
    const model = await loadModel(inside);
    expect(Array.from(model.getWeights()[0]!.dataSync())).toEqual(new Array(8).fill(1));
    model.dispose();
    // A loop of links ends.
    await expectRefused(
      hostileFolder(['./l1'], (d) => {
        symlinkSync('l2', join(d, 'l1'));
        symlinkSync('l1', join(d, 'l2'));
      }),
      /passes through more than 40 symbolic links/,
    );
  });

  posixIt('refuses what is not a regular file without opening it: a FIFO, a folder', async () => {
    await expectRefused(hostileFolder(['./pipe'], (d) => execFileSync('mkfifo', [join(d, 'pipe')])), /the weights path "\.\/pipe" is a FIFO, not a weights file/);
    await expectRefused(hostileFolder(['./sub'], (d) => mkdirSync(join(d, 'sub'))), /"\.\/sub" is a folder, not a weights file/);
    await expectRefused(hostileFolder(['./missing.bin']), /"\.\/missing\.bin" does not exist in the model's folder/);
  });

  it('a 100 KB model.json listing its own weights file 3,000 times is refused before any read', async () => {
    const paths = new Array<string>(3000).fill(`./${weightsName}`);
    const dir = hostileFolder(paths);
    expect(readFileSync(join(dir, 'model.json')).byteLength).toBeGreaterThan(60_000);
    await expectRefused(dir, /the weights path "\.\/weights\.[0-9a-f]{16}\.bin" names the same file as "\.\/weights\.[0-9a-f]{16}\.bin"; each weights file may be listed once/);
    // Aliases of one file (another spelling, a link to it) count as the same file.
    await expectRefused(hostileFolder([`./${weightsName}`, `sub/../${weightsName}`]), /has a "\.\." segment/);
    await expectRefused(hostileFolder([`./${weightsName}`, `.//${weightsName}`]), /names the same file/);
    if (process.platform !== 'win32') {
      await expectRefused(hostileFolder([`./${weightsName}`, './alias'], (d) => symlinkSync(weightsName, join(d, 'alias'))), /names the same file/);
    }
  });

  it('checks the manifest against the files\' sizes before reading, and the manifest\'s own fields', async () => {
    const withWeights = (weights: unknown[]) => {
      const dir = hostileFolder([`./${weightsName}`]);
      writeFileSync(join(dir, 'model.json'), JSON.stringify({ ...template, weightsManifest: [{ paths: [`./${weightsName}`], weights }] }));
      return dir;
    };
    // A manifest describing 4 GB over a 48-byte file: refused from lstat sizes.
    await expectRefused(withWeights([{ name: 'w', shape: [1024, 1024, 1024], dtype: 'float32' }]), /have 48 bytes, but model\.json describes 4294967296: the files are truncated/);
    await expectRefused(withWeights([{ name: 'w', shape: [1e300], dtype: 'float32' }]), /`shape` that is not a list of at most 32 non-negative integers/);
    await expectRefused(withWeights([{ name: 'w', shape: [-1], dtype: 'float32' }]), /`shape` that is not a list/);
    await expectRefused(withWeights([{ name: 'w', shape: [2 ** 30, 2 ** 30, 2 ** 30], dtype: 'float32' }]), /more elements than can be counted exactly/);
    await expectRefused(withWeights([{ name: 'w', shape: [10], dtype: 'string' }]), /dtype "string"; expected "float32", "int32", "bool" or "complex64"/);
    await expectRefused(withWeights([{ name: 'w', shape: [10], dtype: 'float32', quantization: { dtype: 'int4' } }]), /`quantization` whose dtype is not "uint8", "uint16" or "float16"/);
    await expectRefused(withWeights([null]), /weights manifest entry 0 is not an object/);
    await expectRefused(withWeights([{ name: 'w', shape: [10], dtype: 'int32', quantization: { dtype: 'float16' } }]), /is quantized as float16 but its dtype is "int32"; expected "float32"\./);
    await expectRefused(withWeights([{ name: 'w', shape: [10], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.1 } }]), /is quantized as uint8 without a finite `scale` and `min`/);
    await expectRefused(withWeights([{ name: 'w', shape: [10], dtype: 'bool', quantization: { dtype: 'uint8', scale: 1, min: 0 } }]), /dtype is "bool"; expected "float32" or "int32"\./);
    const dir = hostileFolder([`./${weightsName}`]);
    writeFileSync(join(dir, 'model.json'), JSON.stringify({ ...template, weightsManifest: [{ paths: 'x' }] }));
    await expectRefused(dir, /weights manifest group 0 has no `paths` and `weights` lists/);
  });

  posixIt('model.json itself: inside the folder, a regular file, under the size limit', async () => {
    await expectRefused(
      hostileFolder([`./${weightsName}`], (d) => {
        rmSync(join(d, 'model.json'));
        symlinkSync(secretPath, join(d, 'model.json'));
      }),
      /the file "model\.json" leads outside the model's folder through a symbolic link/,
    );
    await expectRefused(
      hostileFolder([`./${weightsName}`], (d) => {
        rmSync(join(d, 'model.json'));
        execFileSync('mkfifo', [join(d, 'model.json')]);
      }),
      /model\.json is a FIFO, not a model\.json file/,
    );
    const big = hostileFolder([`./${weightsName}`], (d) => {
      // A sparse file: its size is what counts, and it is never read.
      execFileSync('truncate', ['-s', String(MAX_MODEL_JSON_BYTES + 1), join(d, 'model.json')]);
    });
    await expectRefused(big, new RegExp(`model\\.json has ${MAX_MODEL_JSON_BYTES + 1} bytes, over the ${MAX_MODEL_JSON_BYTES}-byte limit`));
  });
});
