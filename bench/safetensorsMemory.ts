/**
 * Peak memory of reading a large safetensors file, two ways, each in a fresh
 * Node process on the cpu backend:
 *
 *   npx tsx bench/safetensorsMemory.ts [--gigabytes 1.5] [--keep]
 *
 * - `readSafetensors(readFileSync(path))`: the file's bytes, then the tensors.
 * - `openSafetensors(await openAsBlob(path))` + `readAll()`: the header, then
 *   the tensors one at a time.
 *
 * It writes a file shaped like GPT-2 medium (float32, 1.5 GB by default: 24
 * blocks of 4 tensors plus embeddings) to the system's temp folder, reports
 * each way's peak resident set (`process.resourceUsage().maxRSS`) beside the
 * file size, then deletes the file (unless `--keep`).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    gigabytes: { type: 'string', default: '1.5' },
    keep: { type: 'boolean', default: false },
    child: { type: 'string' },
    file: { type: 'string' },
  },
});

async function child(way: string, file: string): Promise<void> {
  await import('@tensorflow/tfjs-backend-cpu');
  const tf = await import('@tensorflow/tfjs-core');
  await tf.setBackend('cpu');
  const { openAsBlob, readFileSync } = await import('node:fs');
  const io = await import('tfjs-generative/io');
  const base = process.resourceUsage().maxRSS;
  const started = performance.now();
  const tensors = way === 'read' ? io.readSafetensors(readFileSync(file)).tensors : await (await io.openSafetensors(await openAsBlob(file))).readAll();
  const seconds = (performance.now() - started) / 1000;
  const bytes = Object.values(tensors).reduce((n, t) => n + t.size * 4, 0);
  console.log(JSON.stringify({ base: base * 1024, peak: process.resourceUsage().maxRSS * 1024, bytes, seconds }));
}

function writeFile(path: string, gigabytes: number): number {
  // GPT-2 medium's proportions: width 1024, 24 blocks; the block count scales to the size asked for.
  const width = 1024;
  const perBlock = [3 * width * width, 3 * width, width * width, 4 * width * width, 4 * width * width, 8 * width];
  const blockBytes = perBlock.reduce((a, b) => a + b, 0) * 4;
  const embedding = 50_257 * width;
  const blocks = Math.max(1, Math.round((gigabytes * 1e9 - embedding * 4) / blockBytes));
  const entries: [string, number[]][] = [['wte.weight', [50_257, width]]];
  for (let b = 0; b < blocks; b++) {
    entries.push([`h.${b}.attn.c_attn.weight`, [width, 3 * width]], [`h.${b}.attn.c_attn.bias`, [3 * width]]);
    entries.push([`h.${b}.attn.c_proj.weight`, [width, width]], [`h.${b}.mlp.c_fc.weight`, [width, 4 * width]]);
    entries.push([`h.${b}.mlp.c_proj.weight`, [4 * width, width]], [`h.${b}.mlp.biases`, [8 * width]]);
  }
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const [name, shape] of entries) {
    const n = shape.reduce((a, b) => a * b, 1) * 4;
    header[name] = { dtype: 'F32', shape, data_offsets: [offset, offset + n] };
    offset += n;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const fd = openSync(path, 'w');
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  writeSync(fd, length);
  writeSync(fd, json);
  const chunk = Buffer.alloc(64 * 1024 * 1024, 0x3f); // 0x3f3f3f3f ≈ 0.75 as float32
  for (let left = offset; left > 0; left -= chunk.length) writeSync(fd, chunk, 0, Math.min(left, chunk.length));
  closeSync(fd);
  return 8 + json.length + offset;
}

if (args.child !== undefined) {
  await child(args.child, args.file!);
} else {
  const dir = mkdtempSync(join(tmpdir(), 'safetensors-memory-'));
  const file = join(dir, 'model.safetensors');
  const size = writeFile(file, Number(args.gigabytes));
  const gb = (n: number) => `${(n / 1e9).toFixed(2)} GB`;
  console.log(`node ${process.version}, file ${gb(size)} (${file})`);
  for (const way of ['read', 'open']) {
    const result = spawnSync(process.execPath, [...process.execArgv, new URL(import.meta.url).pathname, '--child', way, '--file', file], {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    const line = result.stdout.trim().split('\n').pop() ?? '';
    if (result.status !== 0 || !line.startsWith('{')) {
      console.log(`${way}: failed (${result.status}) ${result.stderr.slice(-500)}`);
      continue;
    }
    const r = JSON.parse(line) as { base: number; peak: number; bytes: number; seconds: number };
    const label = way === 'read' ? 'readSafetensors(readFileSync(path))' : 'openSafetensors(await openAsBlob(path)).readAll()';
    console.log(`${label}: peak RSS ${gb(r.peak)} (${(r.peak / size).toFixed(2)}× the file; ${gb(r.peak - r.base)} above the process before reading), tensors ${gb(r.bytes)}, ${r.seconds.toFixed(1)} s`);
  }
  if (args.keep) console.log(`kept ${file}`);
  else rmSync(dir, { recursive: true, force: true });
}
