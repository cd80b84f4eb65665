// examples/cyclegan-mnist.ts runs, as a user would run it (`npx tsx examples/…`), with tiny settings.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'tfjs-generative-cyclegan-example-'));

afterAll(() => rmSync(out, { recursive: true, force: true }));

async function example(args: string[]): Promise<string> {
  const { stdout } = await run(join(root, 'node_modules/.bin/tsx'), [join(root, 'examples', 'cyclegan-mnist.ts'), ...args], {
    cwd: root,
    timeout: 240_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

const L1 = /held-out cycle L1: A (\d+\.\d+), B (\d+\.\d+)\n$/;

describe('examples/cyclegan-mnist.ts', () => {
  // One backend only (the example's own default): the library's cpu path is covered by the unit tests.
  it.each([['wasm', 'thicken']])('trains a CycleGAN, reports the held-out errors, saves and reloads the generators and writes the grid on %s (%s)', async (backend, task) => {
    const dir = join(out, backend);
    const stdout = await example([
      '--backend', backend, '--task', task, '--steps', '2', '--batch-size', '2', '--filters', '2', '--residual-blocks', '1',
      '--test-size', '16', '--out', dir,
    ]);
    expect(stdout).toContain(`backend: ${backend}`);
    expect(stdout).toMatch(/step 2\/2 {2}G \d+\.\d+ {2}cycle A \d+\.\d+ B \d+\.\d+/);
    expect(stdout).toMatch(/trained 2 steps/);
    expect(stdout).toMatch(/held-out translation L1: \|G_AB\(a\) - T\(a\)\| \d+\.\d+, \|G_BA\(T\(a\)\) - a\| \d+\.\d+ \(doing nothing: \|a - T\(a\)\| \d+\.\d+\)/);
    expect(stdout).toMatch(/reloaded outputs differ by at most 0\n/);
    const [, a, b] = L1.exec(stdout) ?? [];
    // Mean absolute errors of pixels in [-1, 1]: finite, between 0 and 2.
    for (const v of [a, b]) {
      expect(Number(v)).toBeGreaterThan(0);
      expect(Number(v)).toBeLessThan(2);
    }
    expect(readFileSync(join(dir, `cyclegan-mnist-${task}.png`)).subarray(1, 4).toString('latin1')).toBe('PNG');
    for (const g of ['ab', 'ba']) expect(existsSync(join(dir, `cyclegan-mnist-${task}-generator-${g}`, 'model.json'))).toBe(true);
  });
});
