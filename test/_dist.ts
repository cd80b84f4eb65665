// The built package for the suites that bundle or install it as consumers do:
// `ensureDist()` builds dist/ with tsup unless it is newer than every input, so
// `npm test` works from a fresh clone and reuses a fresh build. Test files run
// in parallel processes, so one builds (holding a lock folder) and the others wait.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const root = fileURLToPath(new URL('..', import.meta.url));

/** package.json's subpaths that point into dist/: `''` for the root, then `'/gan'`, …, `'/register'`. */
export function packageSubpaths(): string[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
  return Object.keys(pkg.exports)
    .filter((subpath) => typeof pkg.exports[subpath] === 'object')
    .map((subpath) => subpath.slice(1));
}

function exportTargets(): string[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: unknown };
  const targets: string[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') targets.push(join(root, value));
    else if (value !== null && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(pkg.exports);
  return targets.filter((t) => t.includes(`${join(root, 'dist')}`));
}

function newestInput(): number {
  let newest = 0;
  const visit = (path: string): void => {
    const stat = statSync(path);
    if (stat.isDirectory()) readdirSync(path).forEach((name) => visit(join(path, name)));
    else if (!path.endsWith('.test.ts')) newest = Math.max(newest, stat.mtimeMs);
  };
  visit(join(root, 'src'));
  for (const file of ['package.json', 'tsup.config.ts', 'scripts/entries.mjs', 'tsconfig.json']) visit(join(root, file));
  return newest;
}

function isFresh(): boolean {
  const targets = exportTargets();
  if (!targets.every((t) => existsSync(t))) return false;
  return Math.min(...targets.map((t) => statSync(t).mtimeMs)) > newestInput();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Builds dist/ unless it is fresh; waits for another test process's build. */
export async function ensureDist(): Promise<void> {
  const lock = join(root, '.tmp', 'dist-build.lock');
  mkdirSync(join(root, '.tmp'), { recursive: true });
  for (let waited = 0; !isFresh(); waited += 1) {
    try {
      mkdirSync(lock);
    } catch {
      // Another process builds; a lock older than ten minutes is from a killed run.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 600_000) rmSync(lock, { recursive: true, force: true });
      await sleep(1000);
      continue;
    }
    try {
      if (!isFresh()) {
        execFileSync(process.execPath, [join(root, 'node_modules', 'tsup', 'dist', 'cli-default.js'), '--silent'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
      }
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

/**
 * A throwaway consumer folder under the system's temp folder whose
 * `node_modules/tfjs-generative` links to this repository, so bundlers resolve
 * the package by name through package.json's exports, to dist/.
 */
export function consumerDir(name: string): string {
  const dir = join(tmpdir(), `tfjs-generative-${name}-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  symlinkSync(root, join(dir, 'node_modules', 'tfjs-generative'), 'dir');
  return dir;
}

