// Checks the package as a user gets it. From a clean copy of the working tree
// (the files git tracks or would track: no dist/, no node_modules/), `npm pack`
// (whose `prepare` builds dist/); then, in a throwaway consumer project under
// the system's temp folder, installs the tarball with the tfjs peers and:
//   - lints the tarball (publint --strict, attw --profile node16);
//   - type-checks an ESM TypeScript file importing every entry, under
//     moduleResolution node16 and bundler, with skipLibCheck false;
//   - `require`s the root and every subpath in CommonJS, and imports them in
//     ESM, checking that each name is one instance across entries;
//   - runs the README's quickstart snippet with node.
// Usage: node scripts/checkPackage.mjs [--keep]   (--keep leaves the temp folder)
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const keep = process.argv.includes('--keep');
const work = mkdtempSync(join(tmpdir(), 'tfjs-generative-package-'));
const started = Date.now();
const step = (what) => console.log(`\n--- ${what} (${((Date.now() - started) / 1000).toFixed(0)}s)`);
const run = (cmd, args, cwd, options = {}) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', ...options });
const bin = (pkg, file) => join(root, 'node_modules', pkg, file);

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const subpaths = Object.keys(pkg.exports).filter((s) => typeof pkg.exports[s] === 'object').map((s) => `${pkg.name}${s.slice(1)}`);

try {
  step('a clean copy of the working tree');
  const clean = join(work, 'clean');
  const listed = run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], root).split('\0').filter(Boolean);
  let copied = 0;
  for (const file of listed) {
    try {
      mkdirSync(dirname(join(clean, file)), { recursive: true });
      copyFileSync(join(root, file), join(clean, file));
      copied += 1;
    } catch (error) {
      if (error.code !== 'ENOENT') throw error; // deleted but not yet committed
    }
  }
  symlinkSync(realpathSync(join(root, 'node_modules')), join(clean, 'node_modules'), 'dir');
  console.log(`${copied} files, no dist/`);

  step('npm pack (prepare builds dist/)');
  const [packed] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], clean, { stdio: ['ignore', 'pipe', 'ignore'] }));
  const tarball = join(work, packed.filename);
  const files = packed.files.map((f) => f.path);
  for (const required of ['dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.d.cts', 'dist/register.js', 'package.json', 'README.md']) {
    if (!files.includes(required)) throw new Error(`the tarball lacks ${required} (${files.length} files: is dist/ built by prepare?)`);
  }
  console.log(`${packed.filename}: ${files.length} files, ${(packed.size / 1024).toFixed(0)} KiB`);

  step('publint --strict and attw --profile node16 on the tarball');
  run(process.execPath, [bin('publint', 'src/cli.js'), 'run', tarball, '--strict'], work, { stdio: 'inherit' });
  run(process.execPath, [bin('@arethetypeswrong/cli', 'dist/index.js'), tarball, '--profile', 'node16'], work, { stdio: 'inherit' });

  step('a consumer project installs the tarball with the tfjs peers');
  const consumer = join(work, 'consumer');
  mkdirSync(consumer);
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2));
  run(
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball, '@tensorflow/tfjs-core@4.22', '@tensorflow/tfjs-layers@4.22', '@tensorflow/tfjs-backend-cpu@4.22'],
    consumer,
    { stdio: 'inherit' },
  );

  step('tsc --noEmit under moduleResolution node16 and bundler, skipLibCheck false');
  const names = subpaths.map((s, i) => [s, `m${i}`]);
  writeFileSync(
    join(consumer, 'esm.ts'),
    [
      `import * as tf from '@tensorflow/tfjs-core';`,
      ...names.filter(([s]) => !s.endsWith('/register')).map(([s, m]) => `import * as ${m} from '${s}';`),
      `import '${pkg.name}/register';`,
      `import { buildDCGAN, loadModel, saveModel, ValueError, type DCGANConfig } from '${pkg.name}';`,
      `import { buildDCGAN as fromGan } from '${pkg.name}/gan';`,
      `const config: DCGANConfig = { imageSize: 8, channels: 1, latentDim: 4, generatorFilters: 2, discriminatorFilters: 2, seed: 1 };`,
      `const same: typeof buildDCGAN = fromGan;`,
      `const saved: Promise<tf.io.SaveResult> = saveModel(same(config).generator, tf.io.withSaveHandler(async () => ({ modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));`,
      `const loaded: ReturnType<typeof loadModel> = loadModel('indexeddb://x', { strict: false });`,
      `export const isValueError = (e: unknown): boolean => e instanceof ValueError && e instanceof m3.ValueError;`,
      `export const used = [${names.filter(([s]) => !s.endsWith('/register')).map(([, m]) => m).join(', ')}, saved, loaded];`,
      '',
    ].join('\n'),
  );
  const tsc = bin('typescript', 'bin/tsc');
  for (const [resolution, module] of [['node16', 'node16'], ['bundler', 'esnext']]) {
    const tsconfig = (skipLibCheck) => {
      const file = join(consumer, `tsconfig.${resolution}.json`);
      const compilerOptions = { noEmit: true, strict: true, skipLibCheck, target: 'es2022', lib: ['es2022', 'dom'], module, moduleResolution: resolution };
      writeFileSync(file, JSON.stringify({ compilerOptions, files: ['esm.ts'] }, null, 2));
      return file;
    };
    try {
      run(process.execPath, [tsc, '-p', tsconfig(false)], consumer);
      console.log(`moduleResolution ${resolution}: clean, every .d.ts checked`);
    } catch (error) {
      // tfjs's own declarations may not pass skipLibCheck: false; then ours must.
      const lines = String(error.stdout ?? '').split('\n').filter((line) => /\(\d+,\d+\): error/.test(line));
      const ours = lines.filter((line) => !line.startsWith('node_modules/') || line.startsWith(`node_modules/${pkg.name}/`));
      if (ours.length > 0 || lines.length === 0) throw new Error(`tsc (${resolution}) failed:\n${error.stdout}`);
      const where = [...new Set(lines.map((line) => line.split('/').slice(1, 3).join('/')))];
      run(process.execPath, [tsc, '-p', tsconfig(true)], consumer);
      console.log(
        `moduleResolution ${resolution}: no error in ${pkg.name}'s .d.ts or esm.ts with skipLibCheck false; ${lines.length} errors inside other packages' .d.ts (${where.join(', ')}); clean with skipLibCheck true`,
      );
    }
  }

  step('CommonJS require and ESM import of every entry: one instance of each name');
  const oneInstance = (load) => `
const root = ${load(pkg.name)};
let shared = 0;
for (const s of ${JSON.stringify(subpaths.slice(1))}) {
  const sub = ${load('s')};
  for (const [name, value] of Object.entries(sub)) {
    if (name in root) { if (root[name] !== value) throw new Error(s + '.' + name + ' is not the root entry\\'s ' + name); shared += 1; }
  }
}
if (root.buildDCGAN === undefined || root.buildDCGAN !== ${load(`'${pkg.name}/gan'`, true)}.buildDCGAN) throw new Error('buildDCGAN differs');
console.log(shared + ' names shared between the root entry and subpaths, each one instance');
`;
  writeFileSync(join(consumer, 'cjs.cjs'), oneInstance((s, literal) => (literal || s === 's' ? `require(${s})` : `require('${s}')`)));
  writeFileSync(join(consumer, 'esm-run.mjs'), oneInstance((s, literal) => (literal || s === 's' ? `(await import(${s}))` : `(await import('${s}'))`)));
  console.log(`require: ${run('node', ['cjs.cjs'], consumer).trim()}`);
  console.log(`import:  ${run('node', ['esm-run.mjs'], consumer).trim()}`);

  step("the README's quickstart, run with node");
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const snippet = /<!-- snippet: quickstart -->\s*```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  if (snippet === undefined) throw new Error('README.md has no `<!-- snippet: quickstart -->` ts block');
  const { code } = await transform(snippet, { loader: 'ts', format: 'esm', target: 'es2022' });
  writeFileSync(join(consumer, 'quickstart.mjs'), code);
  const printed = run('node', ['quickstart.mjs'], consumer).trim();
  if (printed.length === 0) throw new Error('the quickstart printed nothing');
  console.log(printed.split('\n').slice(-3).join('\n'));

  step(`package checks passed in ${((Date.now() - started) / 1000).toFixed(0)}s`);
} finally {
  if (keep) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
