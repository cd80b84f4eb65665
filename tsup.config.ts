import { defineConfig } from 'tsup';

// Plain options only, so that a move to tsdown stays a one-file change.
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'attention/index': 'src/attention/index.ts',
    'text/index': 'src/text/index.ts',
    'audio/index': 'src/audio/index.ts',
    'vae/index': 'src/vae/index.ts',
    'gan/index': 'src/gan/index.ts',
    'layers/index': 'src/layers/index.ts',
    'losses/index': 'src/losses/index.ts',
    'training/index': 'src/training/index.ts',
    'sampling/index': 'src/sampling/index.ts',
    'io/index': 'src/io/index.ts',
    'wasm/index': 'src/wasm/index.ts',
    register: 'src/register.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  splitting: true,
  treeshake: true,
  target: 'es2022',
  platform: 'neutral',
  external: [/^@tensorflow\//, /^node:/],
});
