// TypeDoc's options. The entry points come from package.json's exports
// (scripts/entries.mjs), the same list tsup builds.
import { packageEntries } from './scripts/entries.mjs';

/** @type {Partial<import('typedoc').TypeDocOptions>} */
const config = {
  entryPoints: Object.values(packageEntries()),
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
