// Every example runs, as a user would run it (`npx tsx examples/…`), with tiny settings.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
});
