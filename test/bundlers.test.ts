// Every entry of the built package bundles for a browser, resolved by name
// through package.json's exports as an app does, with esbuild, Vite and webpack,
// without an error or a warning: no Node built-in is reachable from any entry.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build as esbuild } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumerDir, ensureDist, packageSubpaths, root } from './_dist.js';

const subpaths = packageSubpaths();
let dir = '';
beforeAll(async () => {
  await ensureDist();
  dir = consumerDir('bundlers');
  // One module that imports every entry, for the app bundlers.
  writeFileSync(join(dir, 'all.js'), subpaths.map((s, i) => `import * as m${i} from 'tfjs-generative${s}';\nconsole.log(m${i});\n`).join(''));
}, 600_000); // building dist/ may take minutes on a busy machine
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TFJS = /^@tensorflow\//;

describe('bundling the built package for a browser', () => {
  it('lists the root entry and every subpath of package.json', () => {
    expect(subpaths[0]).toBe('');
    expect(subpaths).toEqual(expect.arrayContaining(['/gan', '/io', '/wasm', '/register', '/layers']));
  });

  it.each(subpaths.map((s) => `tfjs-generative${s}`))('esbuild --platform=browser bundles %s with no error or warning', async (specifier) => {
    const entry = join(dir, `${specifier.replace(/\W/g, '_')}.js`);
    writeFileSync(entry, `import * as m from '${specifier}';\nconsole.log(m);\n`);
    const result = await esbuild({
      entryPoints: [entry],
      absWorkingDir: dir,
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      external: ['@tensorflow/*'],
      logLevel: 'silent',
    });
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.outputFiles[0]!.text.length).toBeGreaterThan(500);
  });

  it('Vite builds an app importing every entry with no warning', () => {
    // In a child process: inside vitest (NODE_ENV=test) Vite resolves Node
    // built-ins for a browser without its warning, so the test could not fail.
    const script = join(dir, 'vite-build.mjs');
    writeFileSync(
      script,
      `import { build, createLogger } from ${JSON.stringify(pathToFileURL(join(root, 'node_modules/vite/dist/node/index.js')).href)};
const messages = [];
const logger = createLogger('silent');
logger.warn = logger.warnOnce = (msg) => void messages.push('warn: ' + msg);
logger.error = (msg) => void messages.push('error: ' + msg);
const output = await build({
  root: ${JSON.stringify(dir)},
  configFile: false,
  logLevel: 'warn',
  customLogger: logger,
  build: {
    write: false,
    minify: false,
    lib: { entry: './all.js', formats: ['es'], fileName: 'app' },
    rolldownOptions: {
      external: (id) => /^@tensorflow\\//.test(id),
      onwarn: (warning) => void messages.push('rolldown: ' + warning.message),
    },
  },
});
const code = output.flatMap((o) => o.output).map((c) => c.code ?? '').join('\\n');
console.log(JSON.stringify({ messages, code }));
`,
    );
    // The app bundles gpt-tokenizer's GPT-2 vocabulary (megabytes): room for it on stdout.
    const stdout = execFileSync(process.execPath, [script], { cwd: dir, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, NODE_ENV: 'production' } });
    const { messages, code } = JSON.parse(stdout.trim().split('\n').pop()!) as { messages: string[]; code: string };
    expect(messages).toEqual([]);
    expect(code).toContain('function buildDCGAN');
    expect(code).toContain('getBuiltinModule');
  });

  it('webpack builds an app importing every entry with no warning', async () => {
    const { default: webpack } = await import('webpack');
    const outDir = join(dir, 'webpack-out');
    const compiler = webpack({
      mode: 'production',
      context: dir,
      entry: './all.js',
      target: 'web',
      output: { path: outDir, filename: 'app.js' },
      externals: [TFJS],
      externalsType: 'commonjs',
      // Unminified, to keep the test quick; tfjs is external, so the size hints
      // would only describe this test's settings.
      optimization: { minimize: false },
      performance: { hints: false },
    });
    const stats = await new Promise<import('webpack').Stats>((resolve, reject) =>
      compiler.run((error, result) => (error || !result ? reject(error ?? new Error('webpack: no stats')) : resolve(result))),
    );
    await new Promise<void>((resolve) => compiler.close(() => resolve()));
    const info = stats.toJson({ all: false, errors: true, warnings: true });
    expect(info.errors?.map((e) => e.message) ?? []).toEqual([]);
    expect(info.warnings?.map((w) => w.message) ?? []).toEqual([]);
    const code = readFileSync(join(outDir, 'app.js'), 'utf8');
    expect(code).toContain('buildDCGAN');
  });
});
