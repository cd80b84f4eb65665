// The underscore means "private to this folder": no file under src/ imports
// another folder's `_`-prefixed module (src/_internal/ is the shared foundation
// and is open to every folder).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(__dirname, '../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

function crossFolderPrivateImports(): string[] {
  const found: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const code = readFileSync(file, 'utf8');
    for (const match of code.matchAll(/(?:from\s+|import\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)) {
      const target = resolve(dirname(file), match[1]!);
      const name = target.split('/').pop()!;
      const sameFolder = dirname(target) === dirname(file);
      const shared = relative(SRC, target).startsWith('_internal/');
      if (name.startsWith('_') && !sameFolder && !shared) found.push(`${relative(SRC, file)} imports ${match[1]}`);
    }
  }
  return found;
}

describe('module boundaries', () => {
  it('no src/ file imports another folder’s underscore-private module', () => {
    expect(crossFolderPrivateImports()).toEqual([]);
  });

  it('the check sees a cross-folder private import when there is one', () => {
    // Guards the guard: the pattern must match the import style the sources use.
    const sample = "import { x } from '../training/_loop.js';";
    expect([...sample.matchAll(/(?:from\s+|import\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)].length).toBe(1);
  });
});
