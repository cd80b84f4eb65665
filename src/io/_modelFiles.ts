// Reading a model folder without trusting its model.json.
//
// A model.json comes from wherever the user downloaded it, so every path in its
// weights manifest is hostile until proven otherwise:
// - it must be relative, without `..` segments, backslashes or NUL bytes;
// - it is resolved one component at a time with lstat/readlink, and a symbolic
//   link whose target leaves the folder is refused without the target ever being
//   looked at (no stat, no open), so the error cannot reveal whether the outside
//   file exists or how big it is;
// - it must end at a regular file (a FIFO, a device such as /dev/zero, a folder
//   or a socket is refused from its lstat, without opening it);
// - each file may be listed once, and the manifest's byte count (shape × the
//   stored dtype's size, the quantized dtype's size for quantized weights) must
//   equal the files' sizes from lstat before any byte is read.
// Then one buffer of exactly that size is allocated and each file is read into
// its place, so a load allocates what the files hold and nothing more.
import { ValueError } from '../_internal/errors.js';
import type { NodeFileModules } from './_nodeModules.js';

/**
 * The largest `model.json` read. A layers model's JSON holds its topology and
 * weights manifest, not its weights: a few kilobytes for most models and a few
 * megabytes for the largest graphs tfjs-converter writes. JSON.parse needs
 * several times the text's size, so the limit keeps a hostile file to a bounded
 * amount of memory while leaving ample room for real models.
 * @hidden
 */
export const MAX_MODEL_JSON_BYTES = 64 * 1024 * 1024;

/** Symbolic links followed while resolving one path before it counts as a loop (Linux's own limit). */
const MAX_LINK_HOPS = 40;

/** Bytes per stored element of each weight dtype whose size is known from the shape. */
const DTYPE_BYTES: Readonly<Record<string, number>> = { float32: 4, int32: 4, bool: 1, complex64: 8 };

/** Bytes per stored element of each quantization tfjs-core's `decodeWeights` reads. */
const QUANTIZED_BYTES: Readonly<Record<string, number>> = { uint8: 1, uint16: 2, float16: 2 };

/** A weights file, resolved inside the folder, with its size from lstat. */
interface ResolvedFile {
  /** The path as model.json lists it. */
  listed: string;
  /** The resolved path, inside the folder, with no symbolic link left in it. */
  real: string;
  size: number;
}

const ENOENT = (error: unknown): boolean => {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
};

/** Whether `child` is `root` or lies under it (both absolute and normalized). */
function isInside(m: NodeFileModules, root: string, child: string): boolean {
  const relative = m.path.relative(root, child);
  return relative === '' || (!relative.startsWith('..') && !m.path.isAbsolute(relative));
}

/**
 * Checks a path as model.json lists it, without touching the disk: a relative
 * path of `/`-separated names, none of them `..`.
 * @returns The path's components, `.` and empty ones dropped.
 */
function pathComponents(fn: string, listed: unknown, what: string): string[] {
  if (typeof listed !== 'string' || listed.length === 0) {
    throw new ValueError(`${fn}: ${what} ${(JSON.stringify(listed) ?? String(listed)).slice(0, 200)} is not a non-empty path string.`);
  }
  const shown = JSON.stringify(listed.slice(0, 200));
  if (listed.includes('\0')) throw new ValueError(`${fn}: ${what} ${shown} contains a NUL byte.`);
  if (listed.includes('\\')) {
    throw new ValueError(`${fn}: ${what} ${shown} contains a backslash; paths in model.json are relative and use "/" (a backslash is a separator on Windows).`);
  }
  if (listed.startsWith('/') || /^[a-z]:/i.test(listed)) {
    throw new ValueError(`${fn}: ${what} ${shown} is absolute; paths in model.json must be relative to the model's folder.`);
  }
  const parts = listed.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.includes('..')) {
    throw new ValueError(`${fn}: ${what} ${shown} has a ".." segment; paths in model.json must stay inside the model's folder.`);
  }
  if (parts.length === 0) throw new ValueError(`${fn}: ${what} ${shown} names the model's folder itself, not a file.`);
  return parts;
}

/**
 * Resolves `parts` under `root` (a real path), following symbolic links one
 * component at a time and refusing any whose target leaves `root`, before the
 * target is looked at.
 * @returns The real path and its lstat, which is not a symbolic link.
 */
async function resolveInside(
  m: NodeFileModules,
  fn: string,
  root: string,
  parts: readonly string[],
  listed: string,
  what: string,
): Promise<{ real: string; stat: import('node:fs').Stats }> {
  const shown = JSON.stringify(listed.slice(0, 200));
  const queue = [...parts];
  let current = root;
  let hops = 0;
  let stat: import('node:fs').Stats | undefined;
  for (let part = queue.shift(); part !== undefined; part = queue.shift()) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      // Only a link's target inside the folder brings `..` here, and `current` has no link in it.
      if (current === root) throw new ValueError(`${fn}: ${what} ${shown} leads outside the model's folder through a symbolic link; it must stay inside.`);
      current = m.path.dirname(current);
      stat = undefined;
      continue;
    }
    const next = m.path.join(current, part);
    try {
      stat = await m.fs.lstat(next);
    } catch (error) {
      if (ENOENT(error)) throw new ValueError(`${fn}: ${what} ${shown} does not exist in the model's folder ${root}.`);
      throw new ValueError(`${fn}: cannot read ${what} ${shown} in ${root}: ${String(error)}.`);
    }
    if (!stat.isSymbolicLink()) {
      current = next;
      continue;
    }
    hops += 1;
    if (hops > MAX_LINK_HOPS) throw new ValueError(`${fn}: ${what} ${shown} passes through more than ${MAX_LINK_HOPS} symbolic links (a loop?).`);
    let target: string;
    try {
      target = await m.fs.readlink(next);
    } catch (error) {
      throw new ValueError(`${fn}: cannot read ${what} ${shown} in ${root}: ${String(error)}.`);
    }
    // The target, taken as written: `..` in it is resolved against `current`, which holds no link.
    const absolute = m.path.resolve(current, target);
    if (!isInside(m, root, absolute)) {
      throw new ValueError(`${fn}: ${what} ${shown} leads outside the model's folder through a symbolic link; it must stay inside.`);
    }
    queue.unshift(...m.path.relative(root, absolute).split(m.path.sep));
    current = root;
    stat = undefined;
  }
  if (stat === undefined) {
    try {
      stat = await m.fs.lstat(current);
    } catch (error) {
      throw new ValueError(`${fn}: cannot read ${what} ${shown} in ${root}: ${String(error)}.`);
    }
  }
  return { real: current, stat };
}

/** What a non-regular file is, for the error message. */
function kindOf(stat: import('node:fs').Stats): string {
  if (stat.isDirectory()) return 'a folder';
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * Reads exactly `size` bytes of the regular file at `real` into `into` at
 * `offset`, opened without following a link (the path was resolved) and
 * without blocking (a file swapped for a FIFO fails instead of waiting).
 */
async function readExactly(m: NodeFileModules, fn: string, file: ResolvedFile, into: Uint8Array, offset: number): Promise<void> {
  const { O_RDONLY, O_NOFOLLOW = 0, O_NONBLOCK = 0 } = m.fs.constants as { O_RDONLY: number; O_NOFOLLOW?: number; O_NONBLOCK?: number };
  const shown = JSON.stringify(file.listed);
  let handle: import('node:fs/promises').FileHandle;
  try {
    handle = await m.fs.open(file.real, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  } catch (error) {
    throw new ValueError(`${fn}: cannot open the weights file ${shown}: ${String(error)}.`);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile() || stat.size !== file.size) {
      throw new ValueError(`${fn}: the weights file ${shown} changed while it was being loaded.`);
    }
    let done = 0;
    while (done < file.size) {
      const { bytesRead } = await handle.read(into, offset + done, file.size - done, done);
      if (bytesRead === 0) throw new ValueError(`${fn}: the weights file ${shown} changed while it was being loaded.`);
      done += bytesRead;
    }
  } finally {
    await handle.close();
  }
}

/**
 * Reads the folder's `model.json`, at most {@link MAX_MODEL_JSON_BYTES}, after
 * checking (by lstat) that it is a regular file inside the folder.
 * @hidden
 */
export async function readModelJSON(m: NodeFileModules, fn: string, dir: string): Promise<{ root: string; text: string }> {
  const jsonPath = m.path.join(dir, 'model.json');
  let root: string;
  try {
    root = await m.fs.realpath(dir);
  } catch (error) {
    throw new ValueError(`${fn}: cannot read ${jsonPath}: ${ENOENT(error) ? 'no such file (is this the folder saveModel wrote?)' : String(error)}.`);
  }
  const { real, stat } = await resolveInside(m, fn, root, ['model.json'], 'model.json', 'the file').catch((error: unknown) => {
    if (error instanceof ValueError && / does not exist /.test(error.message)) {
      throw new ValueError(`${fn}: cannot read ${jsonPath}: no such file (is this the folder saveModel wrote?).`);
    }
    throw error;
  });
  if (!stat.isFile()) throw new ValueError(`${fn}: ${jsonPath} is ${kindOf(stat)}, not a model.json file.`);
  if (stat.size > MAX_MODEL_JSON_BYTES) {
    throw new ValueError(
      `${fn}: ${jsonPath} has ${stat.size} bytes, over the ${MAX_MODEL_JSON_BYTES}-byte limit for a model.json (which holds the topology and manifest, not the weights).`,
    );
  }
  const bytes = new Uint8Array(stat.size);
  await readExactly(m, fn, { listed: 'model.json', real, size: stat.size }, bytes, 0);
  return { root, text: new TextDecoder().decode(bytes) };
}

/** The bytes one manifest entry occupies in the weights files, or a {@link ValueError} naming it. */
function entryBytes(fn: string, entry: unknown, index: number): number {
  const where = `weights manifest entry ${index}`;
  if (entry === null || typeof entry !== 'object') throw new ValueError(`${fn}: model.json's ${where} is not an object.`);
  const { name, shape, dtype, quantization } = entry as Record<string, unknown>;
  const named = typeof name === 'string' ? `${where} (${JSON.stringify(name.slice(0, 200))})` : where;
  if (typeof name !== 'string') throw new ValueError(`${fn}: model.json's ${where} has no string \`name\`.`);
  if (!Array.isArray(shape) || shape.length > 32 || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
    throw new ValueError(`${fn}: model.json's ${named} has a \`shape\` that is not a list of at most 32 non-negative integers.`);
  }
  const size = (shape as number[]).reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(size)) throw new ValueError(`${fn}: model.json's ${named} has a \`shape\` with more elements than can be counted exactly.`);
  let perElement: number | undefined;
  if (quantization !== undefined) {
    const q = quantization as Record<string, unknown> | null;
    perElement = q !== null && typeof q === 'object' && typeof q.dtype === 'string' ? QUANTIZED_BYTES[q.dtype] : undefined;
    if (perElement === undefined) {
      throw new ValueError(`${fn}: model.json's ${named} has a \`quantization\` whose dtype is not "uint8", "uint16" or "float16".`);
    }
    const q8or16 = q!.dtype === 'uint8' || q!.dtype === 'uint16';
    if (dtype !== 'float32' && !(dtype === 'int32' && q8or16)) {
      throw new ValueError(
        `${fn}: model.json's ${named} is quantized as ${String(q!.dtype)} but its dtype is ${JSON.stringify(dtype)}; expected "float32"${q8or16 ? ' or "int32"' : ''}.`,
      );
    }
    if (q8or16 && !(Number.isFinite(q!.scale) && Number.isFinite(q!.min))) {
      throw new ValueError(`${fn}: model.json's ${named} is quantized as ${String(q!.dtype)} without a finite \`scale\` and \`min\`.`);
    }
  } else {
    perElement = typeof dtype === 'string' ? DTYPE_BYTES[dtype] : undefined;
    if (perElement === undefined) {
      throw new ValueError(`${fn}: model.json's ${named} has dtype ${JSON.stringify(dtype)}; expected "float32", "int32", "bool" or "complex64".`);
    }
  }
  return size * perElement;
}

/**
 * Checks every path and size in a weights manifest, then reads the files into
 * one buffer of exactly the size the manifest describes.
 * @returns The weight specs in manifest order and their bytes, concatenated as tf.io expects.
 * @hidden
 */
export async function readWeightsManifest(
  m: NodeFileModules,
  fn: string,
  root: string,
  manifest: unknown,
): Promise<{ specs: unknown[]; data: ArrayBuffer }> {
  if (!Array.isArray(manifest)) throw new ValueError(`${fn}: model.json's \`weightsManifest\` is not a list.`);
  // Everything that needs no disk first: structure, paths and the manifest's byte count.
  const specs: unknown[] = [];
  const groups: { parts: string[][]; listed: string[]; bytes: number }[] = [];
  manifest.forEach((group: unknown, g) => {
    const { paths, weights } = (group ?? {}) as Record<string, unknown>;
    if (!Array.isArray(paths) || !Array.isArray(weights)) {
      throw new ValueError(`${fn}: model.json's weights manifest group ${g} has no \`paths\` and \`weights\` lists.`);
    }
    let bytes = 0;
    for (const entry of weights) {
      bytes += entryBytes(fn, entry, specs.length);
      specs.push(entry);
    }
    const listed = paths as unknown[];
    groups.push({ parts: listed.map((p) => pathComponents(fn, p, 'the weights path')), listed: listed as string[], bytes });
  });
  const total = groups.reduce((n, group) => n + group.bytes, 0);
  if (!Number.isSafeInteger(total)) throw new ValueError(`${fn}: model.json describes more weight bytes than can be counted exactly.`);

  // Then the disk, by lstat only: where each path leads, what it is, how big.
  const seen = new Map<string, string>();
  const files: ResolvedFile[][] = [];
  for (const group of groups) {
    const resolved: ResolvedFile[] = [];
    for (const [i, parts] of group.parts.entries()) {
      const listed = group.listed[i]!;
      const { real, stat } = await resolveInside(m, fn, root, parts, listed, 'the weights path');
      const shown = JSON.stringify(listed.slice(0, 200));
      if (!stat.isFile()) throw new ValueError(`${fn}: the weights path ${shown} is ${kindOf(stat)}, not a weights file.`);
      const earlier = seen.get(real);
      if (earlier !== undefined) {
        throw new ValueError(`${fn}: the weights path ${shown} names the same file as ${JSON.stringify(earlier.slice(0, 200))}; each weights file may be listed once.`);
      }
      seen.set(real, listed);
      resolved.push({ listed, real, size: stat.size });
    }
    const size = resolved.reduce((n, f) => n + f.size, 0);
    if (size !== group.bytes) {
      throw new ValueError(
        `${fn}: the weights in ${root} have ${size} bytes, but model.json describes ${group.bytes}: the files are truncated or do not belong together.`,
      );
    }
    files.push(resolved);
  }

  // Only now allocate, exactly what the files hold, and read each file once into its place.
  const data = new Uint8Array(total);
  let offset = 0;
  for (const file of files.flat()) {
    await readExactly(m, fn, file, data, offset);
    offset += file.size;
  }
  return { specs, data: data.buffer };
}
