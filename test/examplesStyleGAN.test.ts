// examples/stylegan-mnist.ts runs, as a user would run it (`npx tsx examples/…`), with tiny settings.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'tfjs-generative-stylegan-example-'));

afterAll(() => rmSync(out, { recursive: true, force: true }));

function expectPng(path: string): void {
  expect(readFileSync(path).subarray(1, 4).toString('latin1')).toBe('PNG');
}

describe('examples/stylegan-mnist.ts', () => {
  it.each(['cpu', 'wasm'])('trains a tiny style generator, writes the mixing grid and reloads the generator on %s', async (backend) => {
    const dir = join(out, backend);
    const { stdout } = await run(
      join(root, 'node_modules/.bin/tsx'),
      [
        join(root, 'examples', 'stylegan-mnist.ts'),
        '--backend', backend, '--steps', '2', '--batch-size', '4', '--filters', '4', '--discriminator-filters', '4', '--latent-dim', '8',
        '--mapping-layers', '1', '--mix-size', '2', '--classifier', 'none', '--out', dir,
      ],
      { cwd: root, timeout: 240_000, maxBuffer: 16 * 1024 * 1024 },
    );
    expect(stdout).toContain(`backend: ${backend}`);
    expect(stdout).toMatch(/\(6 styles of size 8\)/);
    expect(stdout).toMatch(/trained 2 steps/);
    expect(stdout).toMatch(/reloaded samples differ by at most 0\n/);
    for (const png of ['stylegan-mnist-step-2.png', 'stylegan-mnist-mixing.png']) expectPng(join(dir, png));
  });
});
