// Checks the built package: every file named in package.json's exports map
// exists and the import/require halves of each subpath mirror each other; the
// entry list (scripts/entries.mjs, which tsup and typedoc read) covers every
// capability folder of src/; dist/ holds no TensorFlow.js code (the tfjs
// packages are peers and must stay external) and imports no Node built-in
// module (the package is browser-clean; Node's file system is reached through
// process.getBuiltinModule).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { packageEntries } from './entries.mjs';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const failures = [];

const targets = [];
const walk = (value) => {
  if (typeof value === 'string') targets.push(value);
  else if (value && typeof value === 'object') Object.values(value).forEach(walk);
};
walk(pkg.exports);
for (const target of targets) {
  if (!existsSync(target)) failures.push(`exports target missing: ${target}`);
}

// Each subpath: import {types: X.d.ts, default: X.js}, require {types: X.d.cts, default: X.cjs}.
for (const [subpath, target] of Object.entries(pkg.exports)) {
  if (typeof target === 'string') continue;
  const base = target.import?.default?.replace(/\.js$/, '');
  const expected = { import: { types: `${base}.d.ts`, default: `${base}.js` }, require: { types: `${base}.d.cts`, default: `${base}.cjs` } };
  if (JSON.stringify(target) !== JSON.stringify(expected)) {
    failures.push(`exports["${subpath}"] should be ${JSON.stringify(expected)}, is ${JSON.stringify(target)}`);
  }
}

// The one entry list: every source it names exists, and every public folder of src/ is in it.
const entries = packageEntries();
for (const source of Object.values(entries)) {
  if (!existsSync(source)) failures.push(`entry source missing: ${source}`);
}
for (const folder of readdirSync('src')) {
  if (folder.startsWith('_') || !statSync(join('src', folder)).isDirectory()) continue;
  if (entries[`${folder}/index`] === undefined) failures.push(`src/${folder}/ has no subpath in package.json's exports ("./${folder}")`);
}

const files = [];
const list = (dir) => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) list(path);
    else files.push(path);
  }
};
list('dist');
const code = files.filter((f) => /\.(c?js)$/.test(f));
// Markers of bundled tfjs code: its engine and kernel registry live in these names.
const tfjsMarkers = ['Google LLC', 'class Engine', 'function registerKernel(', 'function registerBackend(', 'class LayersModel'];
const builtins = builtinModules.filter((m) => !m.startsWith('_')).map((m) => m.replace(/[/]/g, '\\/')).join('|');
const nodeImport = new RegExp(`(?:\\bfrom|\\bimport|\\brequire)\\s*\\(?\\s*["'](?:node:)?(?:${builtins})["']`);
for (const file of code) {
  const text = readFileSync(file, 'utf8');
  for (const marker of tfjsMarkers) {
    if (text.includes(marker)) failures.push(`${file} contains tfjs code (${marker})`);
  }
  const match = nodeImport.exec(text);
  if (match !== null) failures.push(`${file} imports a Node built-in module: ${match[0]}`);
}
const total = code.reduce((n, f) => n + statSync(f).size, 0);
if (failures.length > 0) {
  console.error(failures.join('\n'));
  process.exit(1);
}
console.log(
  `dist: ${files.length} files, ${(total / 1024).toFixed(1)} KiB of JavaScript, ${targets.length} export targets present, ${Object.keys(entries).length} entries covering src/, no tfjs code, no Node built-in import`,
);
