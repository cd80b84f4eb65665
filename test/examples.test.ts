// Every example runs, as a user would run it (`npx tsx examples/…`), with tiny settings.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'tfjs-generative-examples-'));

afterAll(() => rmSync(out, { recursive: true, force: true }));

async function example(file: string, args: string[]): Promise<string> {
  const { stdout } = await run(join(root, 'node_modules/.bin/tsx'), [join(root, 'examples', file), ...args], {
    cwd: root,
    timeout: 240_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

describe('examples', () => {
  it.each(['cpu', 'wasm'])('dcgan-mnist.ts trains, saves, reloads and writes PNGs on %s', async (backend) => {
    const dir = join(out, backend);
    const stdout = await example('dcgan-mnist.ts', [
      '--backend', backend, '--steps', '2', '--batch-size', '8', '--filters', '4', '--latent-dim', '8',
      '--sample-every', '1', '--classifier', 'none', '--out', dir,
    ]);
    expect(stdout).toContain(`backend: ${backend}`);
    expect(stdout).toMatch(/step 2\/2 {2}D \d+\.\d+ {2}G \d+\.\d+/);
    expect(stdout).toMatch(/reloaded samples differ by at most 0\n/);
    for (const png of ['dcgan-mnist-step-1.png', 'dcgan-mnist-step-2.png', 'dcgan-mnist-reloaded.png']) {
      const bytes = readFileSync(join(dir, png));
      expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    }
    expect(existsSync(join(dir, 'dcgan-mnist-generator', 'model.json'))).toBe(true);
  });

  it('dcgan-mnist.ts --conditional and --auxiliary-classifier train conditional pairs into files of their own', async () => {
    // Both modes share one --out: neither may overwrite the other's grids or saved generator.
    const dir = join(out, 'conditional');
    const tiny = ['--steps', '2', '--batch-size', '8', '--filters', '4', '--latent-dim', '8', '--sample-every', '2', '--classifier', 'none', '--out', dir];
    for (const [mode, prefix] of [['--conditional', 'dcgan-mnist-conditional'], ['--auxiliary-classifier', 'dcgan-mnist-acgan']] as const) {
      const stdout = await example('dcgan-mnist.ts', [mode, ...tiny]);
      expect(stdout).toMatch(/step 2\/2 {2}D \d+\.\d+ {2}G \d+\.\d+/);
      expect(stdout).toMatch(/reloaded samples differ by at most 0\n/);
      expect(stdout).toContain(`wrote ${dir}/${prefix}-step-2.png`);
      expect(stdout).toContain(`saved the generator to ${dir}/${prefix}-generator;`);
    }
    expect(readdirSync(dir).sort()).toEqual([
      'dcgan-mnist-acgan-generator',
      'dcgan-mnist-acgan-reloaded.png',
      'dcgan-mnist-acgan-step-2.png',
      'dcgan-mnist-conditional-generator',
      'dcgan-mnist-conditional-reloaded.png',
      'dcgan-mnist-conditional-step-2.png',
    ]);
    for (const png of ['dcgan-mnist-conditional-step-2.png', 'dcgan-mnist-acgan-step-2.png']) {
      const bytes = readFileSync(join(dir, png));
      expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    }
    // Different models, so different pictures: the files are not copies of one another.
    expect(readFileSync(join(dir, 'dcgan-mnist-conditional-step-2.png')).equals(readFileSync(join(dir, 'dcgan-mnist-acgan-step-2.png')))).toBe(false);
    for (const prefix of ['dcgan-mnist-conditional', 'dcgan-mnist-acgan']) expect(existsSync(join(dir, `${prefix}-generator`, 'model.json'))).toBe(true);
  });

  it.each(['cpu', 'wasm'])('char-transformer.ts trains, evaluates, streams text, and reloads on %s', async (backend) => {
    const dir = join(out, `char-${backend}`);
    const stdout = await example('char-transformer.ts', [
      '--backend', backend, '--steps', '3', '--batch-size', '2', '--context', '16', '--model-dim', '16', '--heads', '2',
      '--layers', '1', '--generate', '20', '--out', dir,
    ]);
    expect(stdout).toContain(`backend: ${backend}`);
    const before = Number(/held-out before training: ([\d.]+) bits per character/.exec(stdout)?.[1]);
    const after = Number(/held-out after training: ([\d.]+) bits per character/.exec(stdout)?.[1]);
    expect(before).toBeGreaterThan(after);
    expect(stdout).toMatch(/generation: cached [\d.]+ tokens\/s, uncached [\d.]+ tokens\/s \([\d.]+x\); same text: yes/);
    expect(stdout).toContain('the reloaded model generates the same text: yes');
    expect(existsSync(join(dir, 'char-transformer', 'vocabulary.json'))).toBe(true);
  });

  it('custom-attention.ts trains a cross-attention model that beats chance', async () => {
    const stdout = await example('custom-attention.ts', ['--backend', 'wasm', '--epochs', '10', '--train', '2000']);
    const acc = Number(/cross-attention model: .* held-out accuracy ([\d.]+)%/.exec(stdout)?.[1]);
    expect(acc).toBeGreaterThan(60); // chance is 12.5%; 92.8% when written
    expect(stdout).toMatch(/MLP baseline: .* held-out accuracy [\d.]+%/);
    expect(stdout).toMatch(/mean attention weight on the best-matching memory: [\d.]+/);
  });

  it.each(['cpu', 'wasm'])('wavenet.ts trains, generates, writes WAV files and reports frequencies on %s', async (backend) => {
    const dir = join(out, `wavenet-${backend}`);
    const stdout = await example('wavenet.ts', [
      '--backend', backend, '--steps', '2', '--batch-size', '2', '--window', '64', '--residual', '4', '--skip', '8',
      '--layers', '3', '--seconds', '0.3', '--out', dir,
    ]);
    expect(stdout).toContain(`backend: ${backend}`);
    expect(stdout).toMatch(/trained 2 steps in [\d.]+ s; loss [\d.]+ → [\d.]+ nats/);
    expect(stdout).toMatch(/dominant frequencies: training [\d, ]+ Hz; generated [\d, ]+ Hz; \d of \d generated peaks/);
    for (const wav of ['wavenet.wav', 'wavenet-training.wav']) expect(readFileSync(join(dir, wav)).subarray(0, 4).toString('latin1')).toBe('RIFF');
  });
});
