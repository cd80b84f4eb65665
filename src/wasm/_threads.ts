// Threads for @tensorflow/tfjs-backend-wasm 4.22, reached without importing it.
//
// The backend decides at start-up, in its factory (registered with tfjs-core),
// between its single-threaded SIMD build and its threaded SIMD build:
// - its flag WASM_HAS_MULTITHREAD_SUPPORT is false under Node whatever the
//   platform can do (tfjs#3830), and true in a browser page only when it is
//   cross-origin isolated (SharedArrayBuffer can be posted);
// - the threaded build sizes XNNPACK's pool once, when the module starts, to
//   min(requested, 8, logical cores / 2), the cores read from
//   `os.cpus().length` (Node) or `navigator.hardwareConcurrency` (browsers);
// - in Node its workers cannot start: Emscripten gives `worker_threads` a
//   Blob URL for the worker script, and the worker then receives the module's
//   factory as a Blob too, whose text (the Node bundle's copy) refers to names
//   of that bundle's scope (`require$$0`, …);
// - a thread of the pool holds a reference on its worker, so the Node process
//   would never exit.
//
// So the kit wraps the registered factory (tfjs-core's registry, where
// tfjs-backend-wasm put it). During that one call, and only then, it sets the
// flag, makes the core count read 2 × the threads wanted, and in Node lends
// Emscripten a Worker class that starts the package's own worker script
// (wasm-out/tfjs-backend-wasm-threaded-simd.worker.js) and loads the
// package's own module factory (wasm-out/tfjs-backend-wasm-threaded-simd.js,
// the same Emscripten build as the bundle's copy) from its file, with its
// threads unreferenced. Everything is put back when the factory returns.
import * as tf from '@tensorflow/tfjs-core';

/** The most threads the threaded build can use (it starts 8 workers and caps its pool at 8). */
export const MAX_THREADS = 8;
const TESTED_WASM = /^4\.22\./;
const MULTITHREAD_FLAG = 'WASM_HAS_MULTITHREAD_SUPPORT';
const WORKER_FILE = 'wasm-out/tfjs-backend-wasm-threaded-simd.worker.js';
const MODULE_FILE = 'wasm-out/tfjs-backend-wasm-threaded-simd.js';

type NodeOs = typeof import('node:os');
type NodeFs = typeof import('node:fs');
type NodePath = typeof import('node:path');
type NodeModule = typeof import('node:module');
type NodeWorkerThreads = typeof import('node:worker_threads');

/** A Node built-in module, synchronously, where this runs in Node ≥ 20.16; `undefined` elsewhere. */
function builtin<T>(name: string): T | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  try {
    return proc?.getBuiltinModule?.(name) as T | undefined;
  } catch {
    return undefined;
  }
}

function isNode(): boolean {
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof proc?.versions?.node === 'string';
}

/** Where the loaded @tensorflow/tfjs-backend-wasm lives, and its version. */
export interface WasmPackage {
  dir: string;
  version: string;
}

let packageCache: WasmPackage | null | undefined;

/**
 * The @tensorflow/tfjs-backend-wasm package in use, in Node: the copy in the
 * module cache (the one that registered the backend), else the one that
 * resolves from the working directory. `null` where it cannot be found
 * (browsers, bundled programs).
 * @hidden
 */
export function findWasmPackage(): WasmPackage | null {
  if (packageCache !== undefined) return packageCache;
  packageCache = null;
  const mod = builtin<NodeModule>('module');
  const fs = builtin<NodeFs>('fs');
  const path = builtin<NodePath>('path');
  if (mod === undefined || fs === undefined || path === undefined) return packageCache;
  try {
    const req = mod.createRequire(path.join(process.cwd(), 'noop.js'));
    const loaded = Object.keys(req.cache).find((file) => /[\\/]@tensorflow[\\/]tfjs-backend-wasm[\\/]dist[\\/][^\\/]+\.js$/.test(file));
    const dir = loaded !== undefined ? path.resolve(path.dirname(loaded), '..') : path.dirname(req.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
    const version = (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version?: unknown }).version;
    if (typeof version === 'string') packageCache = { dir, version };
  } catch {
    // Not resolvable from here: the version stays unknown.
  }
  return packageCache;
}

/**
 * Why the kit leaves a tfjs-backend-wasm of this version alone (the warning),
 * or `null` for 4.22.x or an unknown version.
 * @hidden
 */
export function wasmVersionProblem(versionWasm: string | null): string | null {
  if (versionWasm === null || TESTED_WASM.test(versionWasm)) return null;
  return `tfjs-generative/wasm: registerWasmKernels: expected @tensorflow/tfjs-backend-wasm 4.22.x, found ${versionWasm}; the wasm backend is left as it is.`;
}

/**
 * The real core count: `os.availableParallelism()` in Node,
 * `navigator.hardwareConcurrency` in browsers, 1 where neither is known; at
 * most {@link MAX_THREADS}.
 * @hidden
 */
export function defaultThreads(): number {
  const os = builtin<NodeOs>('os');
  const cores = os !== undefined
    ? (os.availableParallelism?.() ?? os.cpus().length)
    : ((globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1);
  return clampThreads(cores);
}

/** @hidden */
export function clampThreads(n: number): number {
  return Number.isFinite(n) ? Math.min(MAX_THREADS, Math.max(1, Math.floor(n))) : 1;
}

interface Engine {
  registry: Record<string, unknown>;
  registryFactory: Record<string, { factory: () => tf.KernelBackend | Promise<tf.KernelBackend>; priority: number }>;
  backendName: string | null;
  pendingBackendInit: unknown;
}

/**
 * Whether the wasm backend has started (or is starting): too late to choose
 * its build or its threads.
 * @hidden
 */
export function wasmBackendStarted(): boolean {
  const engine = tf.engine() as unknown as Engine;
  return 'wasm' in engine.registry || (engine.backendName === 'wasm' && engine.pendingBackendInit != null);
}

/**
 * The wasm backend's thread count (XNNPACK's pool, the calling thread
 * included) once it has started, else `null`.
 * @hidden
 */
export function wasmThreadsCount(): number | null {
  const backend = (tf.engine() as unknown as Engine).registry['wasm'] as { wasm?: { tfjs?: { getThreadsCount?: () => number } } } | undefined;
  return backend?.wasm?.tfjs?.getThreadsCount?.() ?? null;
}

const WRAPPED = Symbol.for('tfjs-generative/wasm threads');
let threadsWanted = 1;
/** Whether the caller named the thread count (then a platform without threads is worth a warning). */
let threadsExplicit = false;

/**
 * Makes the wasm backend start with `threads` threads where the platform
 * allows (Node; browser pages that are cross-origin isolated), by wrapping its
 * registered factory. Call before the backend starts; a later call before it
 * starts changes the count.
 * @hidden
 */
export function requestThreads(threads: number, explicit: boolean): void {
  threadsWanted = clampThreads(threads);
  threadsExplicit = explicit;
  const entry = (tf.engine() as unknown as Engine).registryFactory['wasm'];
  if (entry === undefined) return;
  const factory = entry.factory as (() => Promise<tf.KernelBackend>) & { [WRAPPED]?: true };
  if (factory[WRAPPED] === true) return;
  const wrapped = Object.assign(() => startBackend(factory), { [WRAPPED]: true as const });
  entry.factory = wrapped;
}

async function startBackend(factory: () => Promise<tf.KernelBackend>): Promise<tf.KernelBackend> {
  const threads = threadsWanted;
  if (threads <= 1) {
    tf.env().set(MULTITHREAD_FLAG, false); // the single-threaded SIMD build, in browsers too
    return factory();
  }
  if (isNode()) return startInNode(factory, threads);
  // Browsers: the backend's own check (cross-origin isolation) decides, so a page
  // that is not isolated silently gets the single-threaded build; only the pool
  // is sized, through the core count it reads once at start-up.
  return withCores(threads, factory);
}

/** Runs `start` while `navigator.hardwareConcurrency` reads 2 × `threads`. */
async function withCores<T>(threads: number, start: () => Promise<T>): Promise<T> {
  const nav = (globalThis as { navigator?: object }).navigator;
  if (nav === undefined) return start();
  const own = Object.getOwnPropertyDescriptor(nav, 'hardwareConcurrency');
  try {
    Object.defineProperty(nav, 'hardwareConcurrency', { value: 2 * threads, configurable: true });
  } catch {
    return start();
  }
  try {
    return await start();
  } finally {
    if (own !== undefined) Object.defineProperty(nav, 'hardwareConcurrency', own);
    else delete (nav as { hardwareConcurrency?: number }).hardwareConcurrency;
  }
}

interface NodeThreadFiles {
  workerSource: string;
  moduleFile: string;
}

/** The worker script and module factory of the threaded build, from the package's files; or why not. */
function threadFiles(): NodeThreadFiles | string {
  const fs = builtin<NodeFs>('fs');
  const path = builtin<NodePath>('path');
  if (fs === undefined || path === undefined || builtin<NodeWorkerThreads>('worker_threads') === undefined || builtin<NodeOs>('os') === undefined) {
    return 'this Node has no process.getBuiltinModule (Node ≥ 20.16 has)';
  }
  const pkg = findWasmPackage();
  if (pkg === null) return "@tensorflow/tfjs-backend-wasm's files were not found from the working directory";
  if (!TESTED_WASM.test(pkg.version)) return `@tensorflow/tfjs-backend-wasm is ${pkg.version}, not 4.22.x`;
  try {
    const moduleFile = path.join(pkg.dir, MODULE_FILE);
    const moduleText = fs.readFileSync(moduleFile, 'utf8');
    // The worker script ships as a CommonJS module exporting its text in a template
    // literal, whose "\n" escapes inside string literals became newlines: the backend
    // escapes them back before making its Blob, and so does this.
    const exportsOf = { exports: {} as { wasmWorkerContents?: unknown } };
    new Function('module', fs.readFileSync(path.join(pkg.dir, WORKER_FILE), 'utf8'))(exportsOf);
    const contents = exportsOf.exports.wasmWorkerContents;
    if (typeof contents !== 'string' || !contents.includes('WasmBackendModuleThreadedSimd(Module)') || !moduleText.includes('var WasmBackendModuleThreadedSimd')) {
      return "the threaded build's files are not the expected ones";
    }
    return { workerSource: contents.replace(/\n/g, '\\n'), moduleFile };
  } catch (error) {
    return `the threaded build's files could not be read (${error instanceof Error ? error.message : String(error)})`;
  }
}

async function startInNode(factory: () => Promise<tf.KernelBackend>, threads: number): Promise<tf.KernelBackend> {
  const files = threadFiles();
  if (typeof files === 'string') {
    if (threadsExplicit) console.warn(`tfjs-generative/wasm: the wasm backend runs single-threaded: ${files}.`);
    tf.env().set(MULTITHREAD_FLAG, false);
    return factory();
  }
  const { workerSource, moduleFile } = files;
  const os = builtin<NodeOs>('os')!;
  const workerThreads = builtin<NodeWorkerThreads>('worker_threads')!;
  const RealWorker = workerThreads.Worker;
  const realCpus = os.cpus;
  const hadGlobalWorker = Object.getOwnPropertyDescriptor(globalThis, 'Worker');

  // The worker Emscripten starts for each thread of its pool: the package's worker
  // script (Emscripten asks for a Blob URL), loading the package's module factory
  // from its file (Emscripten sends a Blob), and never holding the process open.
  class PoolWorker extends RealWorker {
    constructor(url: string | URL, options?: import('node:worker_threads').WorkerOptions) {
      const blob = typeof url === 'string' && url.startsWith('blob:');
      // Its own script, as CommonJS whatever flags the process has (`--input-type=module`
      // would make it a module; a loader such as tsx would slow each of the 8 workers).
      super(blob ? workerSource : url, blob ? { ...options, eval: true, execArgv: [] } : options);
      this.unref();
    }
    override ref(): void {
      // A pool thread waits for work for the life of the backend: it must not keep
      // Node running (Emscripten references a worker while its thread runs).
    }
    override postMessage(message: unknown, transfer?: readonly import('node:worker_threads').TransferListItem[]): void {
      const m = message as { cmd?: unknown; urlOrBlob?: unknown } | null;
      const patched = m !== null && typeof m === 'object' && m.cmd === 'load' && typeof m.urlOrBlob !== 'string' ? { ...m, urlOrBlob: moduleFile } : message;
      super.postMessage(patched, transfer);
    }
  }

  tf.env().set(MULTITHREAD_FLAG, true);
  const fakeCpus = realCpus();
  const cpus = () => Array.from({ length: 2 * threads }, (_, i) => fakeCpus[i % Math.max(1, fakeCpus.length)]!);
  try {
    (workerThreads as { Worker: unknown }).Worker = PoolWorker;
    (os as { cpus: unknown }).cpus = cpus;
    return await factory();
  } catch (error) {
    restore();
    console.warn(`tfjs-generative/wasm: the threaded wasm build did not start (${error instanceof Error ? error.message : JSON.stringify(error)}); starting the single-threaded one.`);
    tf.env().set(MULTITHREAD_FLAG, false);
    return factory();
  } finally {
    restore();
  }

  function restore(): void {
    (workerThreads as { Worker: unknown }).Worker = RealWorker;
    (os as { cpus: unknown }).cpus = realCpus;
    // Emscripten sets a global Worker (to the class it was lent): put back what it
    // would have set itself, or what was there.
    if (hadGlobalWorker !== undefined) Object.defineProperty(globalThis, 'Worker', hadGlobalWorker);
    else if ((globalThis as { Worker?: unknown }).Worker === PoolWorker) (globalThis as { Worker?: unknown }).Worker = RealWorker;
  }
}
