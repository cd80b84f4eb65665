// TypeDoc's options. The entry points come from package.json's exports
// (scripts/entries.mjs), the same list tsup builds.
import { packageEntries } from './scripts/entries.mjs';

// Typedoc files each declaration under the first entry point that exports it:
// the foundations (layers, losses) first and the root last, so that a function's
// page names the subpath it lives in (`tfjs-generative/gan › buildDCGAN`).
const FIRST = ['layers/index', 'losses/index'];
const LAST = ['index'];
const rank = (name) => (FIRST.includes(name) ? 0 : LAST.includes(name) ? 2 : 1);
const entryPoints = Object.entries(packageEntries())
  .sort(([a], [b]) => rank(a) - rank(b))
  .map(([, file]) => file);

/** @type {Partial<import('typedoc').TypeDocOptions>} */
const config = {
  entryPoints,
  out: 'docs/api',
  name: 'tfjs-generative',
  readme: 'README.md',
  projectDocuments: ['docs/*.md'],
  tsconfig: 'tsconfig.build.json',
  treatWarningsAsErrors: true,
  excludePrivate: true,
  excludeInternal: true,
  categorizeByGroup: false,
  sort: ['kind', 'alphabetical'],
  validation: {
    notExported: true,
    invalidLink: true,
    notDocumented: true,
  },
  disableSources: true,
};

export default config;
