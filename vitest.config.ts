import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (p: string) => fileURLToPath(new URL(`./src/${p}`, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests, README snippets and examples import the package by its name; in the
    // repository that name resolves to the sources, so `npm test` needs no build.
    alias: [
      { find: /^tfjs-generative$/, replacement: src('index.ts') },
      { find: /^tfjs-generative\/register$/, replacement: src('register.ts') },
      { find: /^tfjs-generative\/(.+)$/, replacement: src('$1/index.ts') },
    ],
  },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
  },
});
