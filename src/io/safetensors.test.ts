import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ValueError } from '../errors.js';
import { openSafetensors } from './openSafetensors.js';
import { readSafetensors } from './readSafetensors.js';
import { writeSafetensors } from './writeSafetensors.js';

const FIXTURES = new URL('../../test/fixtures/safetensors/', import.meta.url);
const fixture = (name: string) => new Uint8Array(readFileSync(new URL(name, FIXTURES)));
type Expected = Record<string, Record<string, { shape: number[]; values: (number | string)[] }>>;
const expected = JSON.parse(readFileSync(new URL('expected.json', FIXTURES), 'utf8')) as Expected;

function valueOf(v: number | string): number {
  return v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v === '-0' ? -0 : (v as number);
}

/** A safetensors file from a header object and data bytes, written here by hand. */
function build(header: unknown, data: Uint8Array = new Uint8Array(0), headerText?: string): Uint8Array {
  const json = new TextEncoder().encode(headerText ?? JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('readSafetensors', () => {
  it.each(['plain.safetensors', 'half.safetensors', 'ints.safetensors'])('reads %s (written by PyTorch from the spec) exactly', (file) => {
    const { tensors, metadata } = readSafetensors(fixture(file));
    const cases = expected[file]!;
    expect(Object.keys(tensors).sort()).toEqual(Object.keys(cases).sort());
    for (const [name, want] of Object.entries(cases)) {
      const t = tensors[name]!;
      expect(t.shape, name).toEqual(want.shape);
      const got = Array.from(t.dataSync() as ArrayLike<number>);
      const wanted = want.values.map((v) => (t.dtype === 'float32' ? Math.fround(valueOf(v)) : valueOf(v)));
      expect(got.length, name).toBe(wanted.length);
      got.forEach((g, i) => expect(Object.is(g, wanted[i]), `${name}[${i}]: ${g} vs ${wanted[i]}`).toBe(true));
    }
    if (file === 'plain.safetensors') {
      expect(metadata).toEqual({ format: 'pt', note: 'written by scripts/gen_safetensors_fixtures.py' });
      expect(tensors['e.ids']!.dtype).toBe('int32');
      expect(tensors['f.mask']!.dtype).toBe('bool');
    } else {
      expect(metadata).toEqual({});
    }
    tf.dispose(Object.values(tensors));
  });

  it('writes back byte for byte what PyTorch wrote (same layout, same header)', () => {
    const bytes = fixture('plain.safetensors');
    const { tensors, metadata } = readSafetensors(bytes);
    const again = writeSafetensors(tensors, metadata);
    tf.dispose(Object.values(tensors));
    expect(Buffer.from(again).equals(Buffer.from(bytes))).toBe(true);
  });

  it('refuses an I64 value outside int32, naming the tensor and the index, and frees what it made', () => {
    const before = tf.memory().numTensors;
    expect(() => readSafetensors(fixture('i64-out-of-range.safetensors'))).toThrow(/tensor "big": I64 value 2147483648 at index 1 does not fit in int32/);
    // A valid tensor read before the bad one is disposed.
    const data = new Uint8Array(4 + 8);
    new DataView(data.buffer).setFloat32(0, 1.5, true);
    new DataView(data.buffer).setBigInt64(4, -(2n ** 40n), true);
    const file = build({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, z: { dtype: 'I64', shape: [1], data_offsets: [4, 12] } }, data);
    expect(() => readSafetensors(file)).toThrow(/tensor "z": I64 value -1099511627776/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('copies out of a Node Buffer (whose slice shares memory) and never aliases the caller\'s bytes', () => {
    const bytes = Buffer.from(fixture('plain.safetensors'));
    const { tensors } = readSafetensors(bytes);
    const before = Array.from(tensors['a.weight']!.dataSync());
    expect(tensors['a.weight']!.size).toBe(15);
    bytes.fill(0);
    expect(Array.from(tensors['a.weight']!.dataSync())).toEqual(before);
    tf.dispose(Object.values(tensors));
  });

  it('round-trips every float32 bit pattern it is given, NaN payloads and -0 included', () => {
    const rng = mulberry32(7);
    const bits = Uint32Array.from({ length: 1000 }, () => Math.floor(rng() * 2 ** 32));
    bits[0] = 0x7fc00001; // a NaN with a payload
    bits[1] = 0x80000000; // -0
    const t = tf.tensor(new Float32Array(bits.buffer), [10, 100]);
    const ids = tf.tensor([1, -2, 3], [3], 'int32');
    const flags = tf.tensor([1, 0, 1], [3], 'bool');
    const bytes = writeSafetensors({ t, ids, flags });
    const back = readSafetensors(bytes.buffer);
    expect(new Uint32Array((back.tensors['t']!.dataSync() as Float32Array).buffer)).toEqual(bits);
    expect(Array.from(back.tensors['ids']!.dataSync())).toEqual([1, -2, 3]);
    expect(Array.from(back.tensors['flags']!.dataSync())).toEqual([1, 0, 1]);
    expect(back.metadata).toEqual({});
    tf.dispose([t, ids, flags, ...Object.values(back.tensors)]);
  });

  it('pads the header to 8 bytes and orders tensors by element size, then name', () => {
    const bytes = writeSafetensors({ b: tf.zeros([1], 'bool'), z: tf.zeros([2]), a: tf.zeros([1], 'int32') });
    const n = new DataView(bytes.buffer).getUint32(0, true);
    expect(n % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, { data_offsets: number[] }>;
    expect(Object.keys(header)).toEqual(['a', 'z', 'b']);
    expect(header['a']!.data_offsets).toEqual([0, 4]);
    expect(header['z']!.data_offsets).toEqual([4, 12]);
    expect(header['b']!.data_offsets).toEqual([12, 13]);
  });

  const f32 = (n: number) => new Uint8Array(4 * n);
  it.each([
    ['a file shorter than 8 bytes', new Uint8Array(5), /fewer than the 8-byte header length/],
    ['a header length past the end', (() => { const b = build({}); new DataView(b.buffer).setUint32(0, 1000, true); return b; })(), /header length says 1000 bytes but the file has only 2/],
    ['a header length over 2^32', (() => { const b = build({}); new DataView(b.buffer).setUint32(4, 1, true); return b; })(), /over the limit of 100000000/],
    ['a header that is not JSON', build(null, undefined, '{"a": '), /not well-formed JSON/],
    ['a header that is an array', build(null, undefined, '[1, 2]'), /not a JSON object/],
    ['a header that is not UTF-8', build(null, undefined, '{"\udc00":1}'), /not valid UTF-8|not well-formed|entry is not an object/],
    ['an unknown dtype', build({ x: { dtype: 'F8_E4M3', shape: [1], data_offsets: [0, 1] } }, new Uint8Array(1)), /tensor "x": unsupported dtype "F8_E4M3"/],
    ['a negative dimension', build({ x: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, f32(1)), /tensor "x": invalid shape \[-1\]/],
    ['a fractional dimension', build({ x: { dtype: 'F32', shape: [1.5], data_offsets: [0, 4] } }, f32(1)), /tensor "x": invalid shape/],
    ['offsets that are not a pair', build({ x: { dtype: 'F32', shape: [1], data_offsets: [0] } }, f32(1)), /tensor "x": invalid data_offsets \[0\]/],
    ['offsets outside the data', build({ x: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, f32(1)), /tensor "x": data_offsets \[0, 8\] lie outside the 4 bytes/],
    ['a shape that does not match the bytes', build({ x: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, f32(2)), /tensor "x": shape \[3\] of F32 needs 12 bytes, but data_offsets \[0, 8\] give 8/],
    ['overlapping tensors', build({ x: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, y: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, f32(2)), /tensors "x" and "y" overlap/],
    ['a gap between tensors', build({ x: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, y: { dtype: 'F32', shape: [1], data_offsets: [8, 12] } }, f32(3)), /gap of 4 bytes before tensor "y"/],
    ['bytes no tensor uses', build({ x: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, f32(2)), /4 bytes after the last tensor/],
    ['a non-string metadata value', build({ __metadata__: { a: 1 } }), /`__metadata__` value of "a" must be a string/],
    ['a BOOL byte other than 0 or 1', build({ x: { dtype: 'BOOL', shape: [2], data_offsets: [0, 2] } }, new Uint8Array([1, 2])), /tensor "x": BOOL byte 2 at index 1/],
  ])('refuses %s with a clear error', (_, bytes, message) => {
    const before = tf.memory().numTensors;
    expect(() => readSafetensors(bytes)).toThrow(ValueError);
    expect(() => readSafetensors(bytes)).toThrow(message);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a header over `maxHeaderBytes` before reading it, and a non-byte input', () => {
    const bytes = writeSafetensors({ x: tf.zeros([2]) });
    expect(() => readSafetensors(bytes, { maxHeaderBytes: 16 })).toThrow(/readSafetensors: the header is \d+ bytes, over the limit of 16/);
    expect(() => readSafetensors('file' as unknown as Uint8Array)).toThrow(/readSafetensors: invalid `bytes`: expected a Uint8Array or an ArrayBuffer, received "file"/);
    expect(() => readSafetensors(bytes, { maxHeaderBytes: 0 })).toThrow(/invalid `maxHeaderBytes`/);
  });

  it('survives fuzzed files: every mutation reads or throws a ValueError, in bounded time, with no leak', () => {
    const seeds = [fixture('plain.safetensors'), fixture('half.safetensors'), fixture('ints.safetensors')];
    const rng = mulberry32(2026);
    const before = tf.memory().numTensors;
    let accepted = 0;
    let refused = 0;
    const started = Date.now();
    for (let round = 0; round < 3000; round++) {
      const base = seeds[round % seeds.length]!;
      let bytes = base.slice();
      const kind = Math.floor(rng() * 4);
      if (kind === 0) {
        for (let k = 0; k < 1 + Math.floor(rng() * 4); k++) bytes[Math.floor(rng() * bytes.length)]! ^= 1 << Math.floor(rng() * 8);
      } else if (kind === 1) {
        bytes = bytes.subarray(0, Math.floor(rng() * bytes.length));
      } else if (kind === 2) {
        // Change one digit inside the JSON header (shapes and offsets).
        const n = new DataView(bytes.buffer).getUint32(0, true);
        const digits = [...bytes.subarray(8, 8 + n).keys()].filter((i) => bytes[8 + i]! >= 0x30 && bytes[8 + i]! <= 0x39);
        if (digits.length > 0) bytes[8 + digits[Math.floor(rng() * digits.length)]!] = 0x30 + Math.floor(rng() * 10);
      } else {
        new DataView(bytes.buffer).setUint32(Math.floor(rng() * 2) * 4, Math.floor(rng() * 2 ** 32), true);
      }
      try {
        const { tensors } = readSafetensors(bytes);
        accepted++;
        tf.dispose(Object.values(tensors));
      } catch (error) {
        if (!(error instanceof ValueError)) throw new Error(`round ${round}: ${String(error)}`);
        refused++;
      }
    }
    expect(accepted + refused).toBe(3000);
    expect(refused).toBeGreaterThan(1000);
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('writeSafetensors', () => {
  it('refuses what the format or the library cannot hold, naming the tensor', () => {
    const x = tf.zeros([1]);
    const gone = tf.zeros([1]);
    gone.dispose();
    expect(() => writeSafetensors({ __metadata__: x })).toThrow(/the name `__metadata__` is reserved/);
    expect(() => writeSafetensors({ a: gone })).toThrow(/invalid `tensors\["a"\]`: the tensor has been disposed/);
    expect(() => writeSafetensors({ a: tf.complex([1], [2]) })).toThrow(/invalid `tensors\["a"\].dtype`: expected float32, int32 or bool, received "complex64"/);
    expect(() => writeSafetensors({ a: [1, 2] as unknown as tf.Tensor })).toThrow(/invalid `tensors\["a"\]`: expected a tf.Tensor/);
    expect(() => writeSafetensors({ a: x }, { n: 1 as unknown as string })).toThrow(/invalid `metadata.n`: expected a string, received 1/);
    expect(() => writeSafetensors(null as unknown as Record<string, tf.Tensor>)).toThrow(/invalid `tensors`/);
    x.dispose();
  });
});

describe('openSafetensors', () => {
  it('reads the header first and the tensors one by one from a Blob, equal to readSafetensors', async () => {
    const bytes = fixture('half.safetensors');
    const file = await openSafetensors(new Blob([bytes]));
    expect(file.entries.map((e) => e.name).sort()).toEqual(['h.bf16', 'h.f16', 'h.f64']);
    const f16 = file.entries.find((e) => e.name === 'h.f16')!;
    expect(f16).toMatchObject({ dtype: 'F16', shape: [31] });
    expect(f16.byteLength).toBe(62);
    const all = readSafetensors(bytes).tensors;
    const some = await file.readAll((e) => e.dtype !== 'F64');
    expect(Object.keys(some).sort()).toEqual(['h.bf16', 'h.f16']);
    for (const [name, t] of Object.entries(some)) {
      expect(Array.from(t.dataSync()), name).toEqual(Array.from(all[name]!.dataSync()));
    }
    const one = await file.read('h.f64');
    expect(one.shape).toEqual([4]);
    tf.dispose([...Object.values(all), ...Object.values(some), one]);
  });

  it('names an unknown tensor, validates the header before resolving, and frees what it read when it fails', async () => {
    const file = await openSafetensors(fixture('plain.safetensors'));
    await expect(file.read('nope')).rejects.toThrow(/openSafetensors: no tensor named "nope" in the file \(it has 6\)/);
    await expect(openSafetensors(new Blob([new Uint8Array(3)]))).rejects.toThrow(/openSafetensors: not a safetensors file/);
    await expect(openSafetensors('model.safetensors' as unknown as Blob)).rejects.toThrow(/openSafetensors: invalid `source`/);
    const data = new Uint8Array(12);
    new DataView(data.buffer).setBigInt64(4, 2n ** 40n, true);
    const bad = await openSafetensors(build({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, z: { dtype: 'I64', shape: [1], data_offsets: [4, 12] } }, data));
    const before = tf.memory().numTensors;
    await expect(bad.readAll()).rejects.toThrow(/tensor "z": I64 value/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
