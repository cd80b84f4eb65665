// The package's entry points, read from package.json's `exports`: the one list
// that tsup (tsup.config.ts), typedoc (typedoc.config.mjs) and
// scripts/checkDist.mjs use. Each export's `import.default` target
// `./dist/<name>.js` is built from `src/<name>.ts`.
import { readFileSync } from 'node:fs';

const PACKAGE_JSON = new URL('../package.json', import.meta.url);

/**
 * `{ '<name>': 'src/<name>.ts' }` for every subpath of package.json's exports
 * that points into dist/ (`./package.json` does not), in the map's order.
 *
 * @returns {Record<string, string>}
 */
export function packageEntries() {
  const pkg = JSON.parse(readFileSync(PACKAGE_JSON, 'utf8'));
  /** @type {Record<string, string>} */
  const entries = {};
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    if (typeof target === 'string') continue; // "./package.json": "./package.json"
    const file = target?.import?.default;
    const match = typeof file === 'string' ? /^\.\/dist\/(.+)\.js$/.exec(file) : null;
    if (match === null) {
      throw new Error(`package.json exports["${subpath}"].import.default: expected "./dist/<name>.js", found ${JSON.stringify(file)}`);
    }
    entries[match[1]] = `src/${match[1]}.ts`;
  }
  return entries;
}
