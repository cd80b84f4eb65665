// The decode engine's WebAssembly is opt-in in bundles: generateAudio reaches it
// with `await import(...)`, so a bundler that splits code puts the embedded
// wasm in a chunk of its own, loaded on the first fast generation, and a
// consumer that never generates audio never loads it.
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumerDir, ensureDist } from './_dist.js';

let dir = '';
beforeAll(async () => {
  await ensureDist();
  dir = consumerDir('decode-bundle');
}, 600_000); // building dist/ may take minutes on a busy machine
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Bundles `contents` for the browser with code splitting; returns each output file's text by name. */
async function split(contents: string): Promise<Map<string, string>> {
  const entry = join(dir, 'entry.js');
  const outdir = join(dir, 'out');
  rmSync(outdir, { recursive: true, force: true });
  writeFileSync(entry, contents);
  const result = await build({ entryPoints: [entry], absWorkingDir: dir, bundle: true, splitting: true, format: 'esm', platform: 'browser', outdir, external: ['@tensorflow/*'], logLevel: 'silent' });
  expect(result.errors).toEqual([]);
  return new Map(readdirSync(outdir).map((name) => [name, readFileSync(join(outdir, name), 'utf8')]));
}

describe('the decode engine in bundles', () => {
  it('a consumer of generateAudio gets the engine\'s wasm in a separate chunk, not in its entry', async () => {
    const files = await split("import { generateAudio } from 'tfjs-generative/audio'; console.log(generateAudio);");
    const entry = files.get('entry.js')!;
    expect(entry).toContain('generateAudio');
    expect(entry).not.toContain('WASM_DECODE');
    const chunks = [...files].filter(([name, code]) => name !== 'entry.js' && code.includes('WASM_DECODE'));
    expect(chunks).toHaveLength(1);
    expect(chunks[0]![1]).toContain('wavenet_step');
  });

  it('a consumer of buildWaveNet alone never loads the engine', async () => {
    // esbuild still writes the chunk of a dynamic import it found, but nothing loads it.
    const files = await split("import { buildWaveNet } from 'tfjs-generative/audio'; console.log(buildWaveNet);");
    const entry = files.get('entry.js')!;
    expect(entry).toContain('buildWaveNet');
    expect(entry).not.toContain('generateAudio');
    expect(entry).not.toContain('WASM_DECODE');
    for (const [name] of files) if (name !== 'entry.js') expect(entry).not.toContain(name);
  });
});
