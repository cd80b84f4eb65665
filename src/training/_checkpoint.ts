/**
 * Checkpoints of a training run: the models (through `saveModel`), the
 * optimizers' state, the position (step, epoch, batch of the epoch) and the
 * seed, saved atomically to `to/step-000120/` and restored on resume.
 *
 * A save writes everything into `to/.tmp-…/`, `checkpoint.json` last, then
 * renames the folder to `step-…` (a rename is atomic on one file system), so a
 * `step-…` folder is complete or absent whatever moment the process dies;
 * leftovers of interrupted saves are removed by the next save, and older
 * checkpoints beyond `keep` only once the new one is in place.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { checkConfigObject, checkKnownKeys } from '../_internal/config.js';
import { describeValue, invalidField, ValueError } from '../_internal/errors.js';
import { checkBoolean, checkPositiveInt, formatShape } from '../_internal/validate.js';
import { loadModel, readSafetensors, saveModel, writeSafetensors } from '../io/index.js';
import type { KeyedSeedSource } from './_checkpointRandom.js';
import type { CheckpointInfo } from './checkpoint.js';

/** Node's modules the checkpoints use. */
interface NodeModules {
  fs: typeof import('node:fs/promises');
  path: typeof import('node:path');
  url: typeof import('node:url');
}

/** Node's modules through `process.getBuiltinModule` (no import a bundler would resolve), or a ValueError. */
function nodeModules(fn: string): NodeModules {
  const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  const m = get === undefined ? undefined : { fs: get('node:fs/promises'), path: get('node:path'), url: get('node:url') };
  if (m === undefined || m.fs === undefined || m.path === undefined || m.url === undefined) {
    throw new ValueError(`${fn}: checkpoints need Node's file system (Node ≥ 20.16, through process.getBuiltinModule), which this environment does not have.`);
  }
  return m as NodeModules;
}

const FORMAT = 'tfjs-generative-checkpoint';
const VERSION = 1;
const STEP_DIR = /^step-(\d+)$/;
const TMP_PREFIX = '.tmp-';
const KEYS = ['to', 'every', 'keep', 'resume'] as const;

/** The checked `checkpoint` option. @hidden */
export interface CheckpointSettings {
  /** Absolute folder path. */
  readonly folder: string;
  readonly every: number;
  readonly keep: number;
  readonly resume: boolean;
}

/** Resolves `to` (a path or a `file://` URL) to an absolute folder path. */
function resolveFolder(fn: string, field: string, to: unknown): string {
  if (typeof to !== 'string' || to.length === 0 || to.includes('\0')) {
    throw invalidField(fn, field, 'a folder path or a file:// URL', to);
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(to)?.[1]?.toLowerCase();
  if (scheme !== undefined && scheme !== 'file') {
    throw invalidField(fn, field, `a folder path or a file:// URL (checkpoints are written to a file system; ${scheme}:// is not supported)`, to);
  }
  const m = nodeModules(fn);
  if (scheme === undefined) return m.path.resolve(to);
  try {
    return m.url.fileURLToPath(to);
  } catch (error) {
    throw invalidField(fn, field, `a valid file:// URL (${String(error)})`, to);
  }
}

/**
 * Checks a loop's `checkpoint` option; `undefined` when absent. Touches no file.
 * @hidden
 */
export function checkCheckpointOption(fn: string, value: unknown): CheckpointSettings | undefined {
  if (value === undefined) return undefined;
  checkConfigObject(fn, value, 'checkpoint');
  checkKnownKeys(fn, value as object, KEYS, 'checkpoint');
  const v = value as Record<string, unknown>;
  const every = checkPositiveInt(fn, 'checkpoint.every', v['every']);
  const keep = checkPositiveInt(fn, 'checkpoint.keep', v['keep'] ?? 3);
  const resume = checkBoolean(fn, 'checkpoint.resume', v['resume'] ?? true);
  return { folder: resolveFolder(fn, 'checkpoint.to', v['to']), every, keep, resume };
}

/** Where a loop stands: steps completed, the epoch, and batches of that epoch drawn. @hidden */
export interface LoopPosition {
  readonly step: number;
  readonly epoch: number;
  readonly batch: number;
}

/** What a loop's driver calls: where to start, what to do with skipped batches, when to save. @hidden */
export interface LoopCheckpoint<B> {
  /** Where the run starts (`{0, 0, 0}` unless resumed). */
  readonly start: LoopPosition;
  /** Disposes a batch drawn again only to reach the resumed position. */
  discard(batch: B): void;
  /** After each completed step: saves when `position.step` is a multiple of `every`. */
  afterStep(position: LoopPosition): Promise<void>;
  /** When the driver returns (not when it throws): saves the last position if it is not saved yet. */
  end(): Promise<void>;
}

/** What a loop checkpoints. @hidden */
export interface CheckpointSpec {
  /** The loop's name (`'trainVAE'`), stored and compared on resume. */
  readonly loop: string;
  /** The models, by the name of their subfolder. */
  readonly models: Readonly<Record<string, tfl.LayersModel>>;
  /** The optimizers, by name. */
  readonly optimizers: Readonly<Record<string, tf.Optimizer>>;
  /** The loop's random source; a resumed run takes the checkpoint's seed. */
  readonly rng: KeyedSeedSource;
  /** Whether the caller gave the seed (then it must match the checkpoint's). */
  readonly seedGiven: boolean;
  /** The settings a resumed run must share with the checkpoint (batch size, data size…). */
  readonly setup: Readonly<Record<string, number | string | boolean | null>>;
}

/** checkpoint.json: what {@link CheckpointInfo} reports (but the path), and how to restore the optimizers. */
interface Manifest extends Omit<CheckpointInfo, 'path'> {
  format: typeof FORMAT;
  version: number;
  optimizers: Record<string, { className: string; config: unknown; file: string; weights: string[]; extras: string[] }>;
  setup: Record<string, number | string | boolean | null>;
}

const START: LoopPosition = { step: 0, epoch: 0, batch: 0 };

/** A checkpoint that does nothing: the run starts at 0 and saves nothing. @hidden */
export function noCheckpoint<B>(): LoopCheckpoint<B> {
  return { start: START, discard: () => {}, afterStep: async () => {}, end: async () => {} };
}

const pad = (step: number): string => `step-${String(step).padStart(6, '0')}`;

/** The `step-…` folders of `folder`, newest first; `[]` when the folder is missing. */
async function stepFolders(fn: string, m: NodeModules, folder: string): Promise<{ step: number; path: string }[]> {
  let names: string[];
  try {
    names = await m.fs.readdir(folder);
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return [];
    throw new ValueError(`${fn}: cannot read the checkpoint folder ${folder}: ${String(error)}`);
  }
  return names
    .flatMap((name) => {
      const match = STEP_DIR.exec(name);
      return match === null ? [] : [{ step: Number(match[1]), path: m.path.join(folder, name) }];
    })
    .sort((a, b) => b.step - a.step);
}

/** Reads and shape-checks a checkpoint.json; `null` when it is missing or malformed. */
async function readManifest(m: NodeModules, dir: string, step: number): Promise<Manifest | null> {
  let json: unknown;
  try {
    json = JSON.parse(await m.fs.readFile(m.path.join(dir, 'checkpoint.json'), 'utf8'));
  } catch {
    return null;
  }
  const j = json as Partial<Manifest> | null;
  const nat = (x: unknown): boolean => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
  const ok =
    j !== null &&
    typeof j === 'object' &&
    j.format === FORMAT &&
    j.version === VERSION &&
    typeof j.loop === 'string' &&
    j.step === step &&
    nat(j.epoch) &&
    nat(j.batch) &&
    nat(j.seed) &&
    Array.isArray(j.models) &&
    j.models.every((x) => typeof x === 'string') &&
    j.optimizers !== null &&
    typeof j.optimizers === 'object' &&
    Object.values(j.optimizers).every(
      (o) =>
        o !== null &&
        typeof o === 'object' &&
        typeof o.className === 'string' &&
        typeof o.file === 'string' &&
        /^[\w.-]+$/.test(o.file) &&
        Array.isArray(o.weights) &&
        Array.isArray(o.extras),
    ) &&
    j.setup !== null &&
    typeof j.setup === 'object';
  return ok ? (j as Manifest) : null;
}

/** @hidden */
export async function readCheckpointInfo(fn: string, to: unknown): Promise<CheckpointInfo | null> {
  const folder = resolveFolder(fn, 'to', to);
  const m = nodeModules(fn);
  for (const { step, path } of await stepFolders(fn, m, folder)) {
    const manifest = await readManifest(m, path, step);
    if (manifest !== null) {
      const { loop, epoch, batch, seed, models } = manifest;
      return { path, loop, step, epoch, batch, seed, models: [...models] };
    }
  }
  return null;
}

/** The class name tfjs serializes an optimizer under (`'Adam'`), else its constructor's name. */
function optimizerClass(optimizer: tf.Optimizer): string {
  const ctor = optimizer.constructor as { className?: unknown; name?: string };
  return typeof ctor.className === 'string' ? ctor.className : (ctor.name ?? 'Optimizer');
}

function optimizerConfig(optimizer: tf.Optimizer): unknown {
  try {
    return JSON.parse(JSON.stringify(optimizer.getConfig())) as unknown;
  } catch {
    return null;
  }
}

/**
 * An optimizer's state that `getWeights` leaves out: its own scalar
 * variables (Adam's `accBeta1`/`accBeta2`, the running powers of β that
 * `setWeights` would recompute with `pow`, which is not bit-identical to the
 * products an uninterrupted run accumulates).
 */
function extraVariables(optimizer: tf.Optimizer): [string, tf.Variable][] {
  return Object.entries(optimizer)
    .filter((entry): entry is [string, tf.Variable] => entry[1] instanceof tf.Variable)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The setup differences between a checkpoint and this call, as "field: a in the checkpoint, b now". */
function differences(manifest: Manifest, spec: CheckpointSpec, classes: Record<string, { className: string; config: unknown }>): string[] {
  const out: string[] = [];
  const show = (x: unknown): string => describeValue(x);
  const compare = (what: string, saved: unknown, now: unknown): void => {
    if (JSON.stringify(saved) !== JSON.stringify(now)) out.push(`${what}: ${show(saved)} in the checkpoint, ${show(now)} now`);
  };
  compare('loop', manifest.loop, spec.loop);
  compare('models', manifest.models, Object.keys(spec.models));
  compare('optimizers', Object.keys(manifest.optimizers), Object.keys(classes));
  for (const [name, now] of Object.entries(classes)) {
    const saved = manifest.optimizers[name];
    if (saved === undefined) continue;
    compare(`optimizer ${name}`, saved.className, now.className);
    if (saved.className === now.className) compare(`optimizer ${name} config`, saved.config, now.config);
  }
  if (spec.seedGiven) compare('seed', manifest.seed, spec.rng.seed);
  const keys = new Set([...Object.keys(manifest.setup), ...Object.keys(spec.setup)]);
  for (const key of keys) compare(key, manifest.setup[key] ?? null, spec.setup[key] ?? null);
  return out;
}

/** One optimizer weight, as `getWeights` returns it and `setWeights` takes it. */
type NamedTensor = Awaited<ReturnType<tf.Optimizer['getWeights']>>[number];

/** Everything read from a checkpoint folder, before any of it is applied. */
interface Restored {
  weights: Record<string, tf.Tensor[]>;
  optimizers: Record<string, { weights: NamedTensor[]; extras: Record<string, tf.Tensor> }>;
  all: tf.Tensor[];
}

/** Thrown inside {@link readRestored} for a checkpoint that cannot be read: it is passed over. */
class Unreadable extends Error {}

async function readRestored(fn: string, m: NodeModules, dir: string, manifest: Manifest, spec: CheckpointSpec): Promise<Restored> {
  const restored: Restored = { weights: {}, optimizers: {}, all: [] };
  try {
    for (const [name, model] of Object.entries(spec.models)) {
      let loaded: tfl.LayersModel;
      try {
        loaded = await loadModel(m.path.join(dir, name));
      } catch (error) {
        throw new Unreadable(String(error));
      }
      const values = loaded.getWeights().map((w) => tf.clone(w));
      restored.all.push(...values);
      loaded.dispose();
      const live = model.getWeights();
      const same = live.length === values.length && live.every((w, i) => tf.util.arraysEqual(w.shape, values[i]!.shape));
      if (!same) {
        throw new ValueError(
          `${fn}: cannot resume from the checkpoint ${dir}: model \`${name}\` has weights ${live.map((w) => formatShape(w.shape)).join(' ')} now, ` +
            `${values.map((w) => formatShape(w.shape)).join(' ')} in the checkpoint; build the same model, or pass checkpoint.resume: false or another checkpoint.to.`,
        );
      }
      restored.weights[name] = values;
    }
    for (const [name, entry] of Object.entries(manifest.optimizers)) {
      let tensors: Record<string, tf.Tensor>;
      try {
        tensors = readSafetensors(await m.fs.readFile(m.path.join(dir, entry.file))).tensors;
      } catch (error) {
        throw new Unreadable(String(error));
      }
      restored.all.push(...Object.values(tensors));
      const weights = entry.weights.map((weightName, i) => ({ name: weightName, tensor: tensors[`w${i}`] }));
      const extras = Object.fromEntries(entry.extras.map((key) => [key, tensors[`extra.${key}`]]));
      if (weights.some((w) => w.tensor === undefined) || Object.values(extras).some((t) => t === undefined)) {
        throw new Unreadable(`${entry.file} lacks tensors its checkpoint.json lists`);
      }
      restored.optimizers[name] = { weights: weights as NamedTensor[], extras: extras as Record<string, tf.Tensor> };
    }
    return restored;
  } catch (error) {
    tf.dispose(restored.all);
    throw error;
  }
}

/** Puts restored weights and optimizer state in place, then frees what was read. */
async function apply(spec: CheckpointSpec, restored: Restored): Promise<void> {
  try {
    for (const [name, model] of Object.entries(spec.models)) model.setWeights(restored.weights[name]!);
    for (const [name, optimizer] of Object.entries(spec.optimizers)) {
      const state = restored.optimizers[name]!;
      // setWeights replaces the accumulators; the ones it replaces (a caller's optimizer that already stepped) are freed.
      const before = await optimizer.getWeights();
      await optimizer.setWeights(state.weights);
      tf.dispose(before.map((w) => w.tensor));
      for (const [key, variable] of extraVariables(optimizer)) {
        const saved = state.extras[key];
        if (saved !== undefined && tf.util.arraysEqual(saved.shape, variable.shape)) variable.assign(saved);
      }
    }
  } finally {
    tf.dispose(restored.all);
  }
}

/** Removes a file or folder by renaming it out of the `step-…` namespace first, so a crash never leaves half a checkpoint under a step name. */
async function remove(m: NodeModules, folder: string, path: string): Promise<void> {
  const aside = m.path.join(folder, `${TMP_PREFIX}del-${m.path.basename(path)}-${Date.now()}-${Math.floor(Math.random() * 1e9)}`);
  try {
    await m.fs.rename(path, aside);
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return;
    throw error;
  }
  await m.fs.rm(aside, { recursive: true, force: true });
}

/**
 * Opens the checkpoints of a run: with `settings` and `resume`, restores the
 * newest complete checkpoint (weights, optimizer state, seed) and starts at
 * its position; saves at every `every` steps and when the run returns.
 * Folders that cannot be read (missing or malformed `checkpoint.json`,
 * missing or truncated files) are passed over and removed by the next save;
 * a readable checkpoint made with another setup is an error naming every
 * difference.
 * @hidden
 */
export async function openCheckpoints<B>(
  fn: string,
  settings: CheckpointSettings | undefined,
  spec: CheckpointSpec,
  discard: (batch: B) => void,
): Promise<LoopCheckpoint<B>> {
  if (settings === undefined) return noCheckpoint();
  const m = nodeModules(fn);
  const { folder, every, keep } = settings;
  const classes = Object.fromEntries(
    Object.entries(spec.optimizers).map(([name, o]) => [name, { className: optimizerClass(o), config: optimizerConfig(o) }]),
  );
  // Folders the next save removes: unreadable ones, and with `resume: false` every earlier checkpoint (a new run owns the folder).
  const unreadable: string[] = settings.resume ? [] : (await stepFolders(fn, m, folder)).map((f) => f.path);
  let start = START;
  if (settings.resume) {
    for (const { step, path } of await stepFolders(fn, m, folder)) {
      const manifest = await readManifest(m, path, step);
      if (manifest === null) {
        unreadable.push(path);
        continue;
      }
      const diff = differences(manifest, spec, classes);
      if (diff.length > 0) {
        throw new ValueError(
          `${fn}: cannot resume from the checkpoint ${path}: it was made with another setup (${diff.join('; ')}). ` +
            'Call with the same setup, or pass checkpoint.resume: false or another checkpoint.to.',
        );
      }
      let restored: Restored;
      try {
        restored = await readRestored(fn, m, path, manifest, spec);
      } catch (error) {
        if (!(error instanceof Unreadable)) throw error;
        unreadable.push(path);
        continue;
      }
      await apply(spec, restored);
      if (!spec.seedGiven) spec.rng.reseed(manifest.seed);
      start = { step: manifest.step, epoch: manifest.epoch, batch: manifest.batch };
      break;
    }
  }

  let last: LoopPosition = start;
  let saved = start.step;

  const save = async (position: LoopPosition): Promise<void> => {
    try {
      await write(position);
    } catch (error) {
      if (error instanceof ValueError) throw error;
      throw new ValueError(`${fn}: cannot save the checkpoint of step ${position.step} in ${folder}: ${String(error)}`);
    }
  };

  const write = async (position: LoopPosition): Promise<void> => {
    await m.fs.mkdir(folder, { recursive: true });
    // Leftovers of interrupted saves and removals, and checkpoints found unreadable.
    for (const name of await m.fs.readdir(folder)) {
      if (name.startsWith(TMP_PREFIX)) await m.fs.rm(m.path.join(folder, name), { recursive: true, force: true });
    }
    for (const path of unreadable.splice(0)) await remove(m, folder, path);

    const tmp = m.path.join(folder, `${TMP_PREFIX}${pad(position.step)}-${Date.now()}-${Math.floor(Math.random() * 1e9)}`);
    await m.fs.mkdir(tmp);
    for (const [name, model] of Object.entries(spec.models)) await saveModel(model, m.path.join(tmp, name));
    const optimizers: Manifest['optimizers'] = {};
    for (const [name, optimizer] of Object.entries(spec.optimizers)) {
      const weights = await optimizer.getWeights();
      const extras = extraVariables(optimizer);
      try {
        const tensors: Record<string, tf.Tensor> = {};
        weights.forEach((w, i) => (tensors[`w${i}`] = w.tensor));
        for (const [key, variable] of extras) tensors[`extra.${key}`] = variable;
        const file = `optimizer-${name}.safetensors`;
        await m.fs.writeFile(m.path.join(tmp, file), writeSafetensors(tensors, { format: FORMAT }));
        optimizers[name] = { ...classes[name]!, file, weights: weights.map((w) => w.name), extras: extras.map(([key]) => key) };
      } finally {
        // getWeights returns the live accumulators and a fresh scalar of the iteration count: free only what it made.
        tf.dispose(weights.map((w) => w.tensor).filter((t) => !(t instanceof tf.Variable)));
      }
    }
    const manifest: Manifest = {
      format: FORMAT,
      version: VERSION,
      loop: spec.loop,
      ...position,
      seed: spec.rng.seed,
      models: Object.keys(spec.models),
      optimizers,
      setup: { ...spec.setup },
    };
    await m.fs.writeFile(m.path.join(tmp, 'checkpoint.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    const final = m.path.join(folder, pad(position.step));
    await remove(m, folder, final); // resume: false, or a step redone after an unreadable checkpoint
    await m.fs.rename(tmp, final);
    saved = position.step;
    // Only now that the new checkpoint is complete, the ones beyond `keep`.
    const folders = await stepFolders(fn, m, folder);
    for (const { path } of folders.slice(keep)) await remove(m, folder, path);
  };

  return {
    start,
    discard,
    async afterStep(position) {
      last = position;
      if (position.step % every === 0) await save(position);
    },
    async end() {
      if (last.step !== saved) await save(last);
    },
  };
}
