/** `{ '<name>': 'src/<name>.ts' }` for every subpath of package.json's exports that points into dist/. */
export function packageEntries(): Record<string, string>;
