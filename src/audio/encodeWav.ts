// WAV (RIFF WAVE) writing: 16-bit integer PCM or 32-bit IEEE float, mono.
import { checkConfigObject, checkKnownKeys } from '../_internal/config.js';
import { invalidField } from '../_internal/errors.js';
import { checkPositiveInt } from '../_internal/validate.js';

/**
 * Options of {@link encodeWav}.
 *
 * @category Audio
 */
export interface EncodeWavOptions {
  /** Samples per second, e.g. `16000`. */
  sampleRate: number;
  /** `16` (integer PCM) or `32` (IEEE float). Defaults to `16`. */
  bitDepth?: 16 | 32;
}

const FN = 'encodeWav';

/**
 * Writes a mono WAV file. Samples are clipped to [-1, 1]; 16-bit PCM stores
 * `round(x · 32768)` clipped to [-32768, 32767] (the inverse of
 * {@link decodeWav}'s `q / 32768`, so decoding and encoding a 16-bit file gives
 * the same samples back), 32-bit stores the float itself (format 3, with the
 * `fact` chunk the format requires). Runs anywhere: it returns bytes in a
 * plain `ArrayBuffer` (`Uint8Array<ArrayBuffer>`), to write with
 * `fs.writeFileSync` in Node or to wrap in `new Blob([bytes], { type: 'audio/wav' })`
 * in a browser.
 *
 * @param samples - The waveform, values in [-1, 1]; NaN and ±Infinity are errors.
 * @param options - Sample rate and bit depth; see {@link EncodeWavOptions}.
 * @returns The file's bytes, in an `ArrayBuffer` of their own.
 * @throws {@link ValueError} for a sample rate that is not a positive integer or an unsupported bit depth.
 *
 * @example
 * ```ts
 * import { encodeWav } from 'tfjs-generative/audio';
 * const tone = Float32Array.from({ length: 16000 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / 16000));
 * const bytes = encodeWav(tone, { sampleRate: 16000 });
 * console.log(bytes.length); // 32044 (44-byte header + 2 bytes per sample)
 * ```
 *
 * @category Audio
 */
export function encodeWav(samples: Float32Array | readonly number[], options: EncodeWavOptions): Uint8Array<ArrayBuffer> {
  checkConfigObject(FN, options, 'options');
  checkKnownKeys(FN, options, ['sampleRate', 'bitDepth'], 'options');
  if (!(samples instanceof Float32Array || Array.isArray(samples))) throw invalidField(FN, 'samples', 'a Float32Array or an array of numbers', samples);
  const sampleRate = checkPositiveInt(FN, 'sampleRate', options.sampleRate);
  const bitDepth = options.bitDepth ?? 16;
  if (bitDepth !== 16 && bitDepth !== 32) throw invalidField(FN, 'bitDepth', '16 or 32', bitDepth);
  const float = bitDepth === 32;
  const n = samples.length;
  const bytesPerSample = bitDepth / 8;
  // The header holds the rate and the byte rate (rate × bytes a sample) in 32 bits.
  if (sampleRate * bytesPerSample > 0xffffffff) {
    throw invalidField(FN, 'sampleRate', `at most ${Math.floor(0xffffffff / bytesPerSample)} at ${bitDepth} bits (a WAV header holds 32 bits)`, sampleRate);
  }
  for (let i = 0; i < n; i++) {
    const v = samples[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw invalidField(FN, 'samples', 'finite numbers', `${String(v)} at index ${i}`);
  }
  const dataBytes = n * bytesPerSample;
  const fmtBytes = float ? 18 : 16; // float formats carry cbSize = 0
  const factBytes = float ? 12 : 0;
  const total = 12 + 8 + fmtBytes + factBytes + 8 + dataBytes + (dataBytes % 2);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  const ascii = (offset: number, text: string) => {
    for (let i = 0; i < text.length; i++) out[offset + i] = text.charCodeAt(i);
  };
  ascii(0, 'RIFF');
  view.setUint32(4, total - 8, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, fmtBytes, true);
  view.setUint16(20, float ? 3 : 1, true); // 1 = integer PCM, 3 = IEEE float
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * bytesPerSample, true); // byte rate
  view.setUint16(32, bytesPerSample, true); // block align
  view.setUint16(34, bitDepth, true);
  let p = 36;
  if (float) {
    view.setUint16(p, 0, true); // cbSize
    p += 2;
    ascii(p, 'fact');
    view.setUint32(p + 4, 4, true);
    view.setUint32(p + 8, n, true); // sample frames
    p += 12;
  }
  ascii(p, 'data');
  view.setUint32(p + 4, dataBytes, true);
  p += 8;
  for (let i = 0; i < n; i++) {
    const v = Math.max(-1, Math.min(1, samples[i]!));
    if (float) view.setFloat32(p + i * 4, v, true);
    else view.setInt16(p + i * 2, Math.max(-32768, Math.min(32767, Math.round(v * 32768))), true);
  }
  return out;
}
