/**
 * The WaveNet decode engine: fast generation (Paine et al. 2016,
 * https://arxiv.org/abs/1611.09482) for a batch of streams, one call into our
 * own WebAssembly (native/decode/wavenet.c) per sample. The weights are
 * packed once for matrix–vector products; the per-layer rings live in the
 * module's own memory, so the engine needs no tfjs backend and serves all of
 * them (the weights were read once, with `data()`).
 *
 * Loaded lazily by `generateAudio` (`await import(...)`): the embedded wasm
 * stays out of bundles that never reach the engine.
 *
 * Legend: Q classes, R residual channels, S skip channels, K taps, B streams.
 */
import type { WaveNetArrays } from '../../audio/waveNetParts.js';
import { WASM_DECODE } from '../native/decode.js';

/** The builds of native/decode: with relaxed-SIMD multiply-add, or plain SIMD128. @hidden */
export type DecodeVariant = 'relaxed' | 'simd';

const TILE = 16; // outputs per packed tile (wavenet.c's TILE)
const PAGE = 65536;
const NET_WORDS = 15; // wavenet.c's WaveNet header, in 32-bit words
const BLOCK_WORDS = 11; // one Block
/** Engines past this size are refused (wavenet.c indexes with 32-bit ints). @hidden */
export const MAX_ENGINE_BYTES = 2 ** 31 - PAGE;

interface Build {
  variant: DecodeVariant;
  module: Promise<WebAssembly.Module>;
}
const builds = new Map<DecodeVariant, Build | null>();

function bytesOf(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The compiled build of `variant`, or null when this engine's WebAssembly cannot validate it. */
function build(variant: DecodeVariant): Build | null {
  if (!builds.has(variant)) {
    const bytes = typeof WebAssembly === 'object' ? bytesOf(WASM_DECODE[variant]!) : null;
    builds.set(variant, bytes !== null && WebAssembly.validate(bytes) ? { variant, module: WebAssembly.compile(bytes) } : null);
  }
  return builds.get(variant)!;
}

/**
 * The build the engine would use here: `'relaxed'` where relaxed SIMD
 * validates, else `'simd'`, else null (no WebAssembly SIMD: use the tfjs path).
 * @hidden
 */
export function decodeVariant(): DecodeVariant | null {
  return build('relaxed')?.variant ?? build('simd')?.variant ?? null;
}

/** Whether `variant` validates on this engine (tests run both where they can). @hidden */
export function decodeVariantAvailable(variant: DecodeVariant): boolean {
  return build(variant) !== null;
}

/** One decode engine for `streams` streams of one model. @hidden */
export interface WaveNetEngine {
  readonly variant: DecodeVariant;
  /** Q rounded up to the tile: stream b's logits are `step(...)[b·qpad … b·qpad + Q)`. */
  readonly qpad: number;
  /**
   * Feeds `classes[b]` to stream b and returns every stream's next logits
   * (`[B, qpad]`, a view of the engine's memory, valid until the next call);
   * with `want` false only the rings advance (priming) and the view is stale.
   */
  step(classes: Int32Array, want: boolean): Float32Array;
}

const roundUp = (n: number, to: number) => Math.ceil(n / to) * to;

/** Bytes a packed `[m, n]` matrix takes. */
const packedBytes = (m: number, n: number) => roundUp(n, TILE) * m * 4;

/** `w` `[m, n]` row-major into `to` at float `at` as ceil(n/16) tiles of `[m, 16]`, zero-padded. */
function pack(w: Float32Array, m: number, n: number, to: Float32Array, at: number): void {
  for (let t = 0; t < n; t += TILE) {
    const width = Math.min(TILE, n - t);
    for (let c = 0; c < m; c++) {
      const row = at + (t * m + c * TILE);
      to.set(w.subarray(c * n + t, c * n + t + width), row);
    }
  }
}

/**
 * Bytes of wasm memory an engine for `w` and `streams` needs beyond the
 * module's own data; `generateAudio` checks it before building one.
 * @hidden
 */
export function waveNetEngineBytes(w: WaveNetArrays, streams: number): number {
  return layout(w, streams).total;
}

interface Layout {
  total: number;
  rpad: number;
  hpad: number;
  spad: number;
  qpad: number;
  stride: number;
  kmax: number;
}

function layout(w: WaveNetArrays, streams: number): Layout {
  const { r, s, q } = w;
  const rpad = roundUp(r, TILE);
  const hpad = roundUp(2 * r, TILE);
  const spad = roundUp(s, TILE);
  const qpad = roundUp(q, TILE);
  const kmax = Math.max(...w.blocks.map((b) => b.kernelSize));
  // wavenet.c's wavenet_stride: x, skip, hidden, h (+ R of slack for the gate's reads), z, columns.
  const stride = rpad + 2 * spad + hpad + 2 * rpad + roundUp(kmax * r, 4);
  let total = (NET_WORDS + BLOCK_WORDS * w.blocks.length) * 4 + q * r * 4;
  total += packedBytes(s, s) + packedBytes(s, q) + (spad + qpad) * 4;
  for (const b of w.blocks) {
    const size = (b.kernelSize - 1) * b.dilation + 1;
    total += packedBytes(b.kernelSize * r, 2 * r) + packedBytes(r, r) + packedBytes(r, s) + (hpad + rpad + spad) * 4;
    total += streams * size * r * 4; // the rings
  }
  total += streams * stride * 4 + streams * 4 + streams * qpad * 4; // scratch, classes, logits
  total += 16 * (8 + 8 * w.blocks.length); // alignment slack
  return { total, rpad, hpad, spad, qpad, stride, kmax };
}

/**
 * Builds an engine for `streams` streams, all starting with empty (zero)
 * rings, as the tfjs path's queues do.
 * @hidden
 */
export async function waveNetEngine(w: WaveNetArrays, streams: number, variant: DecodeVariant | null = decodeVariant()): Promise<WaveNetEngine> {
  const chosen = variant === null ? null : build(variant);
  if (chosen === null) throw new Error(`the decode engine's ${variant ?? 'SIMD'} build does not validate on this WebAssembly engine`);
  const { r, s, q } = w;
  const plan = layout(w, streams);
  if (plan.total > MAX_ENGINE_BYTES) throw new RangeError(`the decode engine would need ${plan.total} bytes of wasm memory`);
  const instance = await WebAssembly.instantiate(await chosen.module, {});
  const exports = instance.exports as unknown as {
    memory: WebAssembly.Memory;
    heap_base(): number;
    wavenet_step(net: number, nb: number, classes: number, out: number, want: number): void;
  };
  const memory = exports.memory;
  let at = roundUp(exports.heap_base(), 16);
  const need = at + plan.total;
  if (need > memory.buffer.byteLength) memory.grow(Math.ceil((need - memory.buffer.byteLength) / PAGE));
  const f32 = new Float32Array(memory.buffer);
  const i32 = new Int32Array(memory.buffer);
  /** `bytes` (16-byte aligned) at the bump pointer. */
  const take = (bytes: number) => {
    const p = at;
    at = roundUp(at + bytes, 16);
    return p;
  };
  const put = (values: Float32Array, padded: number) => {
    const p = take(padded * 4);
    f32.set(values, p / 4);
    return p;
  };
  const putPacked = (values: Float32Array, m: number, n: number) => {
    const p = take(packedBytes(m, n));
    pack(values, m, n, f32, p / 4);
    return p;
  };
  const net = take((NET_WORDS + BLOCK_WORDS * w.blocks.length) * 4);
  const header = [w.blocks.length, r, s, q, plan.rpad, plan.hpad, plan.spad, plan.qpad, plan.stride];
  header.push(put(w.embedding, q * r), putPacked(w.head1Kernel, s, s), put(w.head1Bias, plan.spad), putPacked(w.head2Kernel, s, q), put(w.head2Bias, plan.qpad));
  header.push(take(streams * plan.stride * 4));
  i32.set(header, net / 4);
  w.blocks.forEach((b, l) => {
    const size = (b.kernelSize - 1) * b.dilation + 1;
    const words = [b.kernelSize, b.dilation, size, 0];
    words.push(putPacked(b.dilatedKernel, b.kernelSize * r, 2 * r), put(b.dilatedBias, plan.hpad));
    words.push(putPacked(b.residualKernel, r, r), put(b.residualBias, plan.rpad));
    words.push(putPacked(b.skipKernel, r, s), put(b.skipBias, plan.spad));
    words.push(take(streams * size * r * 4));
    i32.set(words, net / 4 + NET_WORDS + BLOCK_WORDS * l);
  });
  const classesAt = take(streams * 4);
  const outAt = take(streams * plan.qpad * 4);
  const classes = new Int32Array(memory.buffer, classesAt, streams);
  const out = new Float32Array(memory.buffer, outAt, streams * plan.qpad);
  return {
    variant: chosen.variant,
    qpad: plan.qpad,
    step(next, want) {
      classes.set(next);
      exports.wavenet_step(net, streams, classesAt, outAt, want ? 1 : 0);
      return out;
    },
  };
}
