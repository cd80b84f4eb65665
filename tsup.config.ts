import { defineConfig, type Options } from 'tsup';
import { packageEntries } from './scripts/entries.mjs';

// Plain options only, so that a move to tsdown stays a one-file change. The
// public entries come from package.json's exports (scripts/entries.mjs), the one list.
const entries = packageEntries();
const common: Options = { sourcemap: true, target: 'es2022', platform: 'neutral' };

export default defineConfig([
  {
    // ESM: one file per source module (tsdown's `unbundle`), as src/ has them.
    // Consumers' bundlers drop unused modules whole (package.json's
    // `sideEffects`); inside a merged chunk they would have to keep every
    // class that extends a tfjs layer, since `extends` may run code.
    ...common,
    entry: ['src/**/*.ts', '!src/**/*.test.ts'],
    format: ['esm'],
    bundle: false,
    dts: { entry: entries },
    clean: ['**/*.js', '**/*.js.map', '**/*.d.ts'],
  },
  {
    // CommonJS: one file per entry, shared code in chunks, so that every
    // subpath `require`s the same instance of each function and class.
    ...common,
    entry: entries,
    format: ['cjs'],
    dts: true,
    clean: ['**/*.cjs', '**/*.cjs.map', '**/*.d.cts'],
    splitting: true,
    // Rollup's tree shaking over esbuild's output. esbuild's splitting imports
    // every chunk an entry reaches (`require('./chunk-X.cjs')`) although the
    // chunks only declare; without those imports an entry loads less.
    treeshake: { moduleSideEffects: 'no-external' },
    external: [/^@tensorflow\//],
  },
]);
