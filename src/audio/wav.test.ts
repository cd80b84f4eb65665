import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeWav } from './decodeWav.js';
import { encodeWav } from './encodeWav.js';

const dir = mkdtempSync(join(tmpdir(), 'tfjs-generative-wav-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const hasSox = (() => {
  try {
    execFileSync('sox', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const tone = Float32Array.from({ length: 800 }, (_, i) => 0.8 * Math.sin((2 * Math.PI * 440 * i) / 8000));

/** A WAV file written by hand: any format code, channels, bits, and extra chunks. */
function handmade(opts: { code: number; channels: number; bits: number; frames: number[][]; extensible?: boolean; extraChunk?: boolean }): Uint8Array {
  const bytes = opts.bits / 8;
  const data: number[] = [];
  for (const frame of opts.frames) {
    for (const v of frame) {
      if (opts.code === 3) data.push(...new Uint8Array(new Float32Array([v]).buffer));
      else {
        const scale = 2 ** (opts.bits - 1);
        const int = Math.max(-scale, Math.min(scale - 1, Math.round(v * scale)));
        for (let b = 0; b < bytes; b++) data.push((int >> (8 * b)) & 0xff);
      }
    }
  }
  const fmtSize = opts.extensible ? 40 : 16;
  const parts: number[] = [];
  const u32 = (v: number) => [v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff];
  const u16 = (v: number) => [v & 0xff, (v >> 8) & 0xff];
  const tag = (t: string) => [...t].map((c) => c.charCodeAt(0));
  parts.push(...tag('fmt '), ...u32(fmtSize), ...u16(opts.extensible ? 0xfffe : opts.code), ...u16(opts.channels), ...u32(8000), ...u32(8000 * bytes * opts.channels), ...u16(bytes * opts.channels), ...u16(opts.bits));
  if (opts.extensible) parts.push(...u16(22), ...u16(opts.bits), ...u32(0), ...u16(opts.code), ...new Array(14).fill(0));
  if (opts.extraChunk) parts.push(...tag('LIST'), ...u32(3), 1, 2, 3, 0); // odd size: padded
  parts.push(...tag('data'), ...u32(data.length), ...data);
  return Uint8Array.from([...tag('RIFF'), ...u32(4 + parts.length), ...tag('WAVE'), ...parts]);
}

describe('WAV', () => {
  it.each([16, 32] as const)('round-trips %i-bit files', (bitDepth) => {
    const bytes = encodeWav(tone, { sampleRate: 8000, bitDepth });
    const wav = decodeWav(bytes);
    expect(wav).toMatchObject({ sampleRate: 8000, channels: 1, bitDepth, format: bitDepth === 32 ? 'float' : 'pcm' });
    expect(wav.samples.length).toBe(tone.length);
    // Plain ArrayBuffers, as the Uint8Array<ArrayBuffer> / Float32Array<ArrayBuffer> types promise.
    expect([bytes.buffer instanceof ArrayBuffer, bytes.byteOffset, bytes.buffer.byteLength]).toEqual([true, 0, bytes.length]);
    expect(wav.samples.buffer).toBeInstanceOf(ArrayBuffer);
    const tol = bitDepth === 32 ? 0 : 0.5 / 32768; // written as round(x · 32768), read as / 32768
    tone.forEach((v, i) => expect(Math.abs(wav.samples[i]! - v)).toBeLessThanOrEqual(tol + 1e-7));
  });

  it('decoding then encoding a 16-bit file gives the same bytes back, every value from -32768 to 32767', () => {
    const all = new Float32Array(65536).map((_, i) => (i - 32768) / 32768);
    const first = encodeWav(all, { sampleRate: 16000 });
    const again = encodeWav(decodeWav(first).samples, { sampleRate: 16000 });
    expect(Buffer.from(again).equals(Buffer.from(first))).toBe(true);
    const pcm = new Int16Array(first.buffer.slice(44));
    expect([pcm[0], pcm[32768], pcm[65535]]).toEqual([-32768, 0, 32767]);
    // Twice round: still the identity (it lost one step on half the samples each round before).
    expect(Buffer.from(encodeWav(decodeWav(again).samples, { sampleRate: 16000 })).equals(Buffer.from(first))).toBe(true);
  });

  it('refuses non-finite samples and a sample rate the header cannot hold, in both directions', () => {
    expect(() => encodeWav([0, NaN], { sampleRate: 8000 })).toThrow(/encodeWav: invalid `samples`: expected finite numbers, received "NaN at index 1"/);
    expect(() => encodeWav([Infinity], { sampleRate: 8000, bitDepth: 32 })).toThrow(/received "Infinity at index 0"/);
    expect(() => encodeWav([0], { sampleRate: 2 ** 32 })).toThrow(/encodeWav: invalid `sampleRate`: expected at most 2147483647 at 16 bits/);
    expect(() => encodeWav([0], { sampleRate: 2 ** 31, bitDepth: 32 })).toThrow(/at most 1073741823 at 32 bits/);
    const bytes = encodeWav([0.5, -0.25], { sampleRate: 8000, bitDepth: 32 });
    new DataView(bytes.buffer).setFloat32(bytes.length - 4, NaN, true);
    expect(() => decodeWav(bytes)).toThrow(/decodeWav: the float sample of frame 1, channel 0 is NaN/);
  });

  it('reads 24-bit and 32-bit integer PCM, float inside WAVE_FORMAT_EXTENSIBLE, mixes stereo to mono, skips other chunks', () => {
    const frames = [[0.5, -0.25], [-1, 1], [0.75, 0.25]];
    for (const bits of [16, 24, 32]) {
      const wav = decodeWav(handmade({ code: 1, channels: 2, bits, frames, extraChunk: true }));
      expect(wav).toMatchObject({ channels: 2, bitDepth: bits, format: 'pcm' });
      [0.125, 0, 0.5].forEach((v, i) => expect(wav.samples[i]).toBeCloseTo(v, 3));
    }
    const float = decodeWav(handmade({ code: 3, channels: 1, bits: 32, frames: [[0.1], [-0.2]], extensible: true }));
    expect(float.format).toBe('float');
    expect(Array.from(float.samples)).toEqual([Math.fround(0.1), Math.fround(-0.2)]);
  });

  it('rejects malformed files, saying what is wrong, without trusting sizes', () => {
    const good = encodeWav(tone, { sampleRate: 8000 });
    expect(() => decodeWav(new Uint8Array(5))).toThrow(/decodeWav: not a WAV file: 5 bytes, fewer than the 12 of a RIFF header/);
    const riff = good.slice();
    riff[0] = 0x58;
    expect(() => decodeWav(riff)).toThrow(/expected the tag "RIFF" at offset 0, found "XIFF"/);
    const wave = good.slice();
    wave[8] = 0x41;
    expect(() => decodeWav(wave)).toThrow(/expected the tag "WAVE" at offset 8, found "AAVE"/);
    expect(() => decodeWav(good.slice(0, 100))).toThrow(/truncated file: the "data" chunk at offset 36 declares 1600 bytes, but only 56 remain/);
    const absurd = good.slice();
    new DataView(absurd.buffer).setUint32(40, 0xfffffff0, true); // a 4 GB data chunk in a 1.6 kB file
    expect(() => decodeWav(absurd)).toThrow(/declares 4294967280 bytes, but only 1600 remain/);
    expect(() => decodeWav(handmade({ code: 2, channels: 1, bits: 16, frames: [[0]] }))).toThrow(/unsupported format code 2/);
    expect(() => decodeWav(handmade({ code: 1, channels: 1, bits: 8, frames: [[0]] }))).toThrow(/unsupported pcm bit depth 8: expected 16, 24 or 32/);
    expect(() => decodeWav(good.slice(0, 36))).toThrow(/no "data" chunk found/);
    expect(() => encodeWav(tone, { sampleRate: 0 })).toThrow(/encodeWav: invalid `sampleRate`: expected a positive integer, received 0/);
    expect(() => encodeWav(tone, { sampleRate: 8000, bitDepth: 24 as 16 })).toThrow(/invalid `bitDepth`: expected 16 or 32, received 24/);
  });

  it.skipIf(!hasSox)('writes files that sox reads as they were written', () => {
    for (const bitDepth of [16, 32] as const) {
      const file = join(dir, `tone-${bitDepth}.wav`);
      writeFileSync(file, encodeWav(tone, { sampleRate: 8000, bitDepth }));
      const info = execFileSync('soxi', [file]).toString();
      expect(info).toMatch(/Channels\s+: 1/);
      expect(info).toMatch(/Sample Rate\s+: 8000/);
      expect(info).toMatch(bitDepth === 16 ? /Sample Encoding: 16-bit Signed Integer PCM/ : /Sample Encoding: 32-bit Floating Point PCM/);
      expect(info).toMatch(/800 samples/);
      // sox converts it to raw float samples: the same values.
      const raw = execFileSync('sox', [file, '-t', 'f32', '-e', 'floating-point', '-']);
      const back = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
      expect(back.length).toBe(tone.length);
      tone.forEach((v, i) => expect(Math.abs(back[i]! - v)).toBeLessThan(bitDepth === 16 ? 1e-4 : 1e-7));
    }
    // And a file sox writes, decodeWav reads.
    const soxFile = join(dir, 'sox.wav');
    execFileSync('sox', ['-n', '-r', '8000', '-b', '24', '-c', '2', soxFile, 'synth', '0.01', 'sine', '440']);
    const wav = decodeWav(readFileSync(soxFile));
    expect(wav).toMatchObject({ sampleRate: 8000, channels: 2, bitDepth: 24 });
    expect(wav.samples.length).toBe(80);
  });
});
