// One save at a time per folder, a folder created without hanging, and the
// temporary files of interrupted saves removed.
//
// Why a lock: the atomic protocol (hash-named weights, then model.json renamed
// into place, then unreferenced weights removed) keeps one save crash-safe, but
// two interleaved saves each remove the other's weights file, so the winning
// model.json can point at a deleted file. Saves are therefore serialized:
// - in this process, by a promise queue per resolved folder path, kept on
//   globalThis so that the ESM and CommonJS builds (or two copies of the
//   library) share it;
// - across processes, by a lock file `.tfjs-generative.lock` created with
//   O_EXCL (`wx`) that holds the owner's pid. A lock whose pid is gone (the
//   owner was killed) is stale and is taken over; a live one is waited for, up
//   to LOCK_WAIT_MS, then the save is refused with the pid in the message.
//   Taking over renames the stale file to a unique name first and checks that it
//   is the one judged stale, so two processes cannot both take it over.
import { ValueError } from '../_internal/errors.js';
import type { NodeFileModules } from './_nodeModules.js';

/** The lock file's name in the model's folder. @hidden */
export const LOCK_FILE = '.tfjs-generative.lock';

/** How long a save waits for another process's save to the same folder. */
const LOCK_WAIT_MS = 60_000;

/** Temporary files a save of ours writes: `.model.json.tmp-<hex>`, `.weights.<hash>.bin.tmp-<hex>`, `.tfjs-generative.lock.stale-<hex>`. @hidden */
export const TEMP_PATTERN = /^\.(?:model\.json\.tmp|weights\.[0-9a-f]{16}\.bin\.tmp|tfjs-generative\.lock\.stale)-[0-9a-f]{16}$/;

const QUEUES_KEY = Symbol.for('tfjs-generative.saveQueues');

/** The tail of each folder's queue of saves in this process. */
function queues(): Map<string, Promise<void>> {
  const holder = globalThis as { [QUEUES_KEY]?: Map<string, Promise<void>> };
  holder[QUEUES_KEY] ??= new Map();
  return holder[QUEUES_KEY];
}

const codeOf = (error: unknown): unknown => (error as { code?: unknown } | null)?.code;

/**
 * Creates `dir` and its missing parents. Node's own `mkdir(dir, { recursive: true })`
 * never settles when mkdir fails with ENOENT although the parent exists
 * (`/proc/x`: procfs answers ENOENT): it creates the parent again and retries
 * forever. This walks up once and retries each level once.
 * @hidden
 */
export async function makeFolder(m: NodeFileModules, fn: string, dir: string): Promise<void> {
  const absolute = m.path.resolve(dir);
  const fail = (error: unknown): ValueError => new ValueError(`${fn}: cannot create the folder ${JSON.stringify(dir)}: ${String(error)}.`);
  const create = async (path: string, depth: number): Promise<void> => {
    try {
      await m.fs.mkdir(path);
      return;
    } catch (error) {
      const code = codeOf(error);
      if (code === 'EEXIST') {
        const stat = await m.fs.stat(path).catch(() => undefined);
        if (stat?.isDirectory() === true) return;
        throw new ValueError(`${fn}: cannot save to ${JSON.stringify(dir)}: ${path} exists and is not a folder.`);
      }
      const parent = m.path.dirname(path);
      if (code !== 'ENOENT' || parent === path || depth > 4096) throw fail(error);
      await create(parent, depth + 1);
    }
    // The parent exists now; a second ENOENT is the file system refusing (procfs), not a missing parent.
    await m.fs.mkdir(path).catch(async (error: unknown) => {
      if (codeOf(error) === 'EEXIST' && (await m.fs.stat(path).catch(() => undefined))?.isDirectory() === true) return;
      throw fail(error);
    });
  };
  await create(absolute, 0);
}

/** Whether a process with this pid exists on this machine. */
function processExists(pid: number): boolean {
  try {
    (globalThis as { process?: { kill(pid: number, signal: number): boolean } }).process?.kill(pid, 0);
    return true;
  } catch (error) {
    return codeOf(error) === 'EPERM';
  }
}

const proc = (): { pid?: number; uptime?: () => number } | undefined => (globalThis as { process?: { pid?: number; uptime?: () => number } }).process;

const ownPid = (): number => proc()?.pid ?? 0;

/** When this process started (ms since the epoch), the same in all its threads. */
const ownStart = (): number => Math.round(Date.now() - (proc()?.uptime?.() ?? 0) * 1000);

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Takes the folder's lock file, waiting for a live owner and taking over a dead one's. */
async function acquireLockFile(m: NodeFileModules, fn: string, dir: string): Promise<string> {
  const lockPath = m.path.join(dir, LOCK_FILE);
  const content = JSON.stringify({ pid: ownPid(), started: ownStart(), library: 'tfjs-generative' });
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (let wait = 10; ; wait = Math.min(wait * 2, 250)) {
    try {
      await m.fs.writeFile(lockPath, content, { flag: 'wx' });
      return lockPath;
    } catch (error) {
      if (codeOf(error) !== 'EEXIST') throw new ValueError(`${fn}: cannot create the lock file ${lockPath}: ${String(error)}.`);
    }
    const held = await m.fs.readFile(lockPath, 'utf8').catch(() => undefined);
    if (held === undefined) continue; // Released in between.
    let pid: unknown;
    let started: unknown;
    try {
      ({ pid, started } = JSON.parse(held) as { pid?: unknown; started?: unknown });
    } catch {
      // Empty or cut: its writer is between create and write, or died there; only an old one is stale.
      const age = await m.fs.stat(lockPath).then((s) => Date.now() - s.mtimeMs, () => 0);
      pid = age > 5000 ? undefined : 'being written';
    }
    // Our own pid from another start: a killed process whose pid this one got (as in a restarted container).
    // Our own pid and start is another thread of this process (a worker), which is alive.
    const stale =
      pid === undefined ||
      (typeof pid !== 'number' && pid !== 'being written') ||
      (typeof pid === 'number' && (pid === ownPid() ? typeof started !== 'number' || Math.abs(started - ownStart()) > 2000 : !processExists(pid)));
    if (stale) {
      const aside = m.path.join(dir, `${LOCK_FILE}.stale-${m.crypto.randomBytes(8).toString('hex')}`);
      const moved = await m.fs.rename(lockPath, aside).then(() => true, () => false);
      if (moved) {
        const taken = await m.fs.readFile(aside, 'utf8').catch(() => undefined);
        if (taken !== held && taken !== undefined) {
          // Another process took the stale lock over first and this is its fresh one: give it back.
          await m.fs.link(aside, lockPath).catch(() => undefined);
        }
        await m.fs.rm(aside, { force: true });
      }
      continue;
    }
    if (Date.now() > deadline) {
      throw new ValueError(
        `${fn}: another process (pid ${String(pid)}) has been saving to ${JSON.stringify(dir)} for over ${LOCK_WAIT_MS / 1000} s; if no save is running there, delete ${lockPath}.`,
      );
    }
    await sleep(wait);
  }
}

/** Removes the temporary files an interrupted save of ours left in `dir`, and nothing else. */
async function removeTemporaryFiles(m: NodeFileModules, dir: string): Promise<void> {
  for (const name of await m.fs.readdir(dir)) {
    if (TEMP_PATTERN.test(name)) await m.fs.rm(m.path.join(dir, name), { force: true });
  }
}

/**
 * Runs `save` with `dir` created and no other save to it running, in this
 * process or another, after removing the temporary files an interrupted save
 * left there.
 * @hidden
 */
export async function withFolderLock<T>(m: NodeFileModules, fn: string, dir: string, save: () => Promise<T>): Promise<T> {
  const key = m.path.resolve(dir);
  const all = queues();
  const previous = all.get(key) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((resolve) => {
    release = resolve;
  });
  const tail = previous.then(() => mine);
  all.set(key, tail);
  await previous;
  try {
    await makeFolder(m, fn, dir);
    const lockPath = await acquireLockFile(m, fn, dir);
    try {
      await removeTemporaryFiles(m, dir);
      return await save();
    } finally {
      await m.fs.rm(lockPath, { force: true });
    }
  } finally {
    release();
    if (all.get(key) === tail) all.delete(key);
  }
}
