// Runs the README's TypeScript snippets, so the first code a user copies works
// (x-transformers' test_readme is the model). A snippet is a ```ts block right
// after a `<!-- snippet: NAME -->` marker.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(`${root}/README.md`, 'utf8');
const snippets = [...readme.matchAll(/<!-- snippet: ([\w-]+) -->\s*```ts\n([\s\S]*?)```/g)].map((m) => ({
  name: m[1]!,
  code: m[2]!,
}));

describe('README snippets', () => {
  it('has at least the quick-start snippet', () => {
    expect(snippets.map((s) => s.name)).toContain('quickstart');
  });

  it.each(snippets)('$name runs', async ({ name, code }) => {
    mkdirSync(`${root}/.tmp`, { recursive: true });
    const file = `${root}/.tmp/readme-${name}.ts`;
    writeFileSync(file, code);
    const lines: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      lines.push(args.map(String).join(' '));
    });
    try {
      await import(/* @vite-ignore */ file);
    } finally {
      spy.mockRestore();
    }
    // Each snippet prints what it promises; a snippet that prints nothing is broken.
    expect(lines.length).toBeGreaterThan(0);
  });
});
