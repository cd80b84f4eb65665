// examples/vae-mnist.ts runs, as a user would run it (`npx tsx examples/…`), with tiny settings.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'tfjs-generative-vae-example-'));

afterAll(() => rmSync(out, { recursive: true, force: true }));

async function example(args: string[]): Promise<string> {
  const { stdout } = await run(join(root, 'node_modules/.bin/tsx'), [join(root, 'examples', 'vae-mnist.ts'), ...args], {
    cwd: root,
    timeout: 240_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

const FINAL = /test ELBO (-[\d.]+) nats, IWAE \(k=(\d+)\) log p\(x\) >= (-[\d.]+) nats\n$/;

function expectPng(path: string): void {
  expect(readFileSync(path).subarray(1, 4).toString('latin1')).toBe('PNG');
}

describe('examples/vae-mnist.ts', () => {
  it.each(['cpu', 'wasm'])('trains a dense VAE with a 2-D latent space, writes PNGs and prints the bounds on %s', async (backend) => {
    const dir = join(out, `dense-${backend}`);
    const stdout = await example([
      '--backend', backend, '--steps', '3', '--batch-size', '16', '--hidden', '16', '--latent-dim', '2',
      '--iwae-samples', '4', '--test-size', '40', '--out', dir,
    ]);
    expect(stdout).toContain(`backend: ${backend}`);
    expect(stdout).toMatch(/trained 3 steps/);
    const [, elbo, k, iwae] = FINAL.exec(stdout) ?? [];
    expect(Number(k)).toBe(4);
    // Nats per 784-pixel binary image: finite, negative, and above the 784·ln 2 ≈ 543 of a coin flip minus slack.
    expect(Number(elbo)).toBeLessThan(0);
    expect(Number(elbo)).toBeGreaterThan(-2000);
    expect(Number(iwae)).toBeLessThan(0);
    for (const png of ['vae-mnist-reconstructions.png', 'vae-mnist-samples.png', 'vae-mnist-manifold.png']) expectPng(join(dir, png));
  });

  it.each(['cpu', 'wasm'])('trains a conditional convolutional VAE on %s', async (backend) => {
    const dir = join(out, `conv-${backend}`);
    const stdout = await example([
      '--backend', backend, '--conv', '--conditional', '--filters', '2,4', '--steps', '2', '--batch-size', '8',
      '--latent-dim', '3', '--iwae-samples', '2', '--test-size', '20', '--classifier', 'none', '--out', dir,
    ]);
    expect(stdout).toContain('convolutional conditional VAE, latent size 3');
    expect(stdout).toMatch(FINAL);
    for (const png of ['vae-mnist-conv-conditional-reconstructions.png', 'vae-mnist-conv-conditional-samples.png']) {
      expectPng(join(dir, png));
    }
  });
});
