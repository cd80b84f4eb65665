// Where saveModel writes and loadModel reads: a folder path or file:// URL
// (Node's file system, through fileSystemHandler), any URL a tf.io router
// serves here (indexeddb://, localstorage://, downloads://, http(s)://), or a
// tf.io.IOHandler passed as it is.
import * as tf from '@tensorflow/tfjs-core';
import { invalidField } from '../_internal/errors.js';
import { type NodeFileModules, requireNodeFileModules } from './_nodeModules.js';
import { fileSystemHandler } from './fileSystemHandler.js';

/** `scheme://…`; a Windows path such as `C:\models` has no `//` and stays a path. */
const URL_SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

/** What a tf.io scheme needs where tfjs registers no router for it, for the error message. */
const SCHEME_NEEDS: Readonly<Record<string, string>> = {
  indexeddb: "a browser's IndexedDB (tfjs serves it in a page or a web worker)",
  localstorage: "a browser's localStorage (tfjs serves it in a page)",
  downloads: 'a browser page (tfjs serves it there, saving only)',
  http: '`fetch`',
  https: '`fetch`',
};

/** Whether the model is written or read. */
export type Direction = 'save' | 'load';

/**
 * The IOHandler for a `saveModel` destination or a `loadModel` source, or a
 * {@link ValueError} naming the function, the field and the scheme.
 * @hidden
 */
export function modelHandler(
  fn: string,
  field: string,
  location: unknown,
  direction: Direction,
  loadOptions: tf.io.LoadOptions = {},
): tf.io.IOHandler {
  if (location !== null && typeof location === 'object' && typeof (location as Record<string, unknown>)[direction] === 'function') {
    return location as tf.io.IOHandler;
  }
  if (typeof location !== 'string' || location.length === 0) {
    throw invalidField(fn, field, `a folder path, a URL (file://, indexeddb://, localstorage://, ${direction === 'save' ? 'downloads://' : 'http(s)://'}) or a tf.io.IOHandler with a \`${direction}\` method`, location);
  }
  const scheme = URL_SCHEME.exec(location)?.[1]?.toLowerCase();
  if (scheme === undefined) {
    const m = requireNodeFileModules(fn, `the folder path ${JSON.stringify(location)}`);
    return fileSystemHandler(folderOf(m, location, direction));
  }
  if (scheme === 'file') {
    const m = requireNodeFileModules(fn, `the file:// URL ${JSON.stringify(location)}`);
    let path: string;
    try {
      path = m.url.fileURLToPath(location);
    } catch (error) {
      throw invalidField(fn, field, `a valid file:// URL (${String(error)})`, location);
    }
    return fileSystemHandler(folderOf(m, path, direction));
  }
  const handlers = direction === 'save' ? tf.io.getSaveHandlers(location) : tf.io.getLoadHandlers(location, loadOptions);
  if (handlers.length === 1) return handlers[0]!;
  const need = SCHEME_NEEDS[scheme];
  const why =
    handlers.length > 1
      ? `${handlers.length} tf.io handlers claim ${scheme}:// here; pass the one you mean as a tf.io.IOHandler`
      : need !== undefined
        ? `no tf.io handler ${direction === 'save' ? 'saves to' : 'loads from'} ${scheme}:// here: it needs ${need}, which this environment does not have`
        : `no tf.io handler ${direction === 'save' ? 'saves to' : 'loads from'} ${scheme}:// here (register one with tf.io.register${direction === 'save' ? 'Save' : 'Load'}Router, or pass a tf.io.IOHandler)`;
  throw invalidField(fn, field, `a location this environment can ${direction === 'save' ? 'save to' : 'load from'}; ${why}`, location);
}

/** The model's folder: a load may name the `model.json` inside it, as tfjs-node's `file://` URLs do. */
function folderOf(m: NodeFileModules, path: string, direction: Direction): string {
  return direction === 'load' && m.path.basename(path) === 'model.json' ? m.path.dirname(path) : path;
}
