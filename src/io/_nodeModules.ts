// Node's built-in modules, reached without an import statement.
//
// A bundler resolves every literal `import('node:fs/promises')` it sees, even in
// code that never runs, and esbuild fails on Node built-ins for a browser build.
// `process.getBuiltinModule` (Node ≥ 20.16, and other runtimes that offer it)
// is an ordinary function call, so no bundler sees a module to resolve, and browsers simply
// have no such function.
import { ValueError } from '../_internal/errors.js';

/** The Node modules the file-system handler uses. */
export interface NodeFileModules {
  fs: typeof import('node:fs/promises');
  path: typeof import('node:path');
  crypto: typeof import('node:crypto');
  url: typeof import('node:url');
}

type GetBuiltinModule = (id: string) => unknown;

/** A Node built-in module, or `undefined` where the runtime has none (browsers, Node < 20.16). */
function builtin<T>(id: string): T | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: GetBuiltinModule } }).process;
  try {
    return proc?.getBuiltinModule?.(id) as T | undefined;
  } catch {
    return undefined;
  }
}

/** Node's file modules, or `undefined` where `process.getBuiltinModule` is missing (browsers, Node < 20.16). */
export function nodeFileModules(): NodeFileModules | undefined {
  const fs = builtin<NodeFileModules['fs']>('node:fs/promises');
  const path = builtin<NodeFileModules['path']>('node:path');
  const crypto = builtin<NodeFileModules['crypto']>('node:crypto');
  const url = builtin<NodeFileModules['url']>('node:url');
  return fs && path && crypto && url ? { fs, path, crypto, url } : undefined;
}

/** What to use instead of a folder path where there is no file system, for error messages. */
export const BROWSER_ALTERNATIVES =
  "'indexeddb://name', 'localstorage://name', 'downloads://name' (saving), an http(s):// URL of a model.json (loading) or a tf.io.IOHandler";

/** Node's file modules, or a {@link ValueError} naming the function and what it was given. */
export function requireNodeFileModules(fn: string, what: string): NodeFileModules {
  const modules = nodeFileModules();
  if (modules === undefined) {
    throw new ValueError(
      `${fn}: ${what} needs Node's file system (Node ≥ 20.16, through process.getBuiltinModule), which this environment does not have; use ${BROWSER_ALTERNATIVES} instead.`,
    );
  }
  return modules;
}
