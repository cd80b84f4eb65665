// examples/gpt2.ts as a user runs it, on a GPT-2-shaped checkpoint made here
// (GPT-2's vocabulary, one small block, random weights): no download.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTransformerLM, exportGPT2, writeSafetensors } from 'tfjs-generative';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tfjs-generative-gpt2-'));
const weights = join(dir, 'model.safetensors');

beforeAll(() => {
  const lm = buildTransformerLM({ vocabSize: 50257, contextLength: 32, modelDim: 64, numHeads: 1, numLayers: 1, activation: 'geluTanh', seed: 5 });
  writeFileSync(weights, writeSafetensors(exportGPT2(lm), { format: 'pt' }));
  lm.dispose();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const example = (args: string[]) =>
  run(join(root, 'node_modules/.bin/tsx'), [join(root, 'examples/gpt2.ts'), ...args], { cwd: root, timeout: 240_000 });

describe('examples/gpt2.ts', () => {
  it('loads a checkpoint in Hugging Face layout, tokenizes the prompt and streams the continuation', async () => {
    const { stdout } = await example(['--weights', weights, '--prompt', 'Hello world', '--tokens', '5', '--temperature', '0', '--backend', 'cpu']);
    expect(stdout).toMatch(/^backend: cpu, GPT-2 with 3,\d{3},\d{3} parameters, loaded in \d+\.\d s$/m);
    expect(stdout).toContain('Hello world');
    expect(stdout).toMatch(/^[1-5] tokens in \d+\.\d s \(\d+\.\d tokens\/s\), stop: (max-tokens|stop-token)$/m);
  });

  it('says --weights is required, without a stack trace', async () => {
    const error = await example(['--backend', 'cpu']).catch((e: { code: number; stderr: string }) => e);
    expect((error as { code: number }).code).toBe(1);
    expect((error as { stderr: string }).stderr).toMatch(/--weights is required/);
    expect((error as { stderr: string }).stderr).not.toMatch(/\n\s+at /);
  });
});
