// WAV (RIFF WAVE) reading: integer PCM (16, 24, 32 bits) and 32-bit float, any channel count
// mixed down to mono. Sizes in the file are never trusted beyond the bytes actually present.
import { invalidField, ValueError } from '../_internal/errors.js';

/**
 * A decoded WAV file.
 *
 * @category Audio
 */
export interface DecodedWav {
  /** Samples per second. */
  sampleRate: number;
  /**
   * The waveform in [-1, 1], mono (channels averaged), in a plain `ArrayBuffer`
   * (`Float32Array<ArrayBuffer>`, what `AudioBuffer.copyToChannel` takes).
   */
  samples: Float32Array<ArrayBuffer>;
  /** Channels in the file. */
  channels: number;
  /** Bits per sample in the file. */
  bitDepth: number;
  /** `'pcm'` (integer) or `'float'`. */
  format: 'pcm' | 'float';
}

const FN = 'decodeWav';
const MAX_CHANNELS = 256;

/**
 * Reads a WAV file: integer PCM at 16, 24 or 32 bits and IEEE float at 32
 * bits (also inside `WAVE_FORMAT_EXTENSIBLE`), any number of channels, mixed
 * down to mono by averaging. Integer samples are divided by 2^(bits-1).
 *
 * Malformed input is rejected with a {@link ValueError} naming what is wrong
 * (missing `RIFF`/`WAVE` tags, a chunk that claims more bytes than remain, a
 * missing `fmt ` or `data` chunk, an unsupported format); nothing is
 * allocated from a size read in the file beyond the bytes actually present.
 *
 * @param bytes - The file's bytes.
 * @returns Sample rate, mono waveform, and the file's channels, bit depth and format.
 * @throws {@link ValueError} for malformed or unsupported files.
 *
 * @example
 * ```ts
 * import { decodeWav, encodeWav } from 'tfjs-generative/audio';
 * const wav = decodeWav(encodeWav(new Float32Array([0, 0.5, -0.5]), { sampleRate: 8000 }));
 * console.log(wav.sampleRate, wav.samples.length); // 8000 3
 * ```
 *
 * @category Audio
 */
export function decodeWav(bytes: Uint8Array | ArrayBuffer): DecodedWav {
  const data = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes;
  if (!(data instanceof Uint8Array)) throw invalidField(FN, 'bytes', 'a Uint8Array or ArrayBuffer', bytes);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const tag = (offset: number) => String.fromCharCode(data[offset]!, data[offset + 1]!, data[offset + 2]!, data[offset + 3]!);
  if (data.length < 12) throw new ValueError(`${FN}: not a WAV file: ${data.length} bytes, fewer than the 12 of a RIFF header.`);
  if (tag(0) !== 'RIFF') throw new ValueError(`${FN}: not a WAV file: expected the tag "RIFF" at offset 0, found ${JSON.stringify(tag(0))}.`);
  if (tag(8) !== 'WAVE') throw new ValueError(`${FN}: not a WAV file: expected the tag "WAVE" at offset 8, found ${JSON.stringify(tag(8))}.`);

  let fmt: { format: 'pcm' | 'float'; channels: number; sampleRate: number; bitDepth: number; blockAlign: number } | null = null;
  let offset = 12;
  while (offset + 8 <= data.length) {
    const id = tag(offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (size > data.length - body) {
      throw new ValueError(`${FN}: truncated file: the "${id}" chunk at offset ${offset} declares ${size} bytes, but only ${data.length - body} remain.`);
    }
    if (id === 'fmt ') fmt = readFormat(view, body, size);
    if (id === 'data') {
      if (fmt === null) throw new ValueError(`${FN}: the "data" chunk at offset ${offset} comes before any "fmt " chunk.`);
      return { ...readSamples(view, body, size, fmt), sampleRate: fmt.sampleRate, channels: fmt.channels, bitDepth: fmt.bitDepth, format: fmt.format };
    }
    offset = body + size + (size % 2); // chunks are padded to an even size
  }
  throw new ValueError(fmt === null ? `${FN}: no "fmt " chunk found.` : `${FN}: no "data" chunk found.`);
}

function readFormat(view: DataView, at: number, size: number) {
  if (size < 16) throw new ValueError(`${FN}: the "fmt " chunk is ${size} bytes, fewer than the 16 it needs.`);
  let code = view.getUint16(at, true);
  const channels = view.getUint16(at + 2, true);
  const sampleRate = view.getUint32(at + 4, true);
  const blockAlign = view.getUint16(at + 12, true);
  const bitDepth = view.getUint16(at + 14, true);
  if (code === 0xfffe) {
    if (size < 40) throw new ValueError(`${FN}: a WAVE_FORMAT_EXTENSIBLE "fmt " chunk needs 40 bytes, found ${size}.`);
    code = view.getUint16(at + 24, true); // the sub-format GUID starts with the format code
  }
  if (code !== 1 && code !== 3) throw new ValueError(`${FN}: unsupported format code ${code}: expected 1 (integer PCM) or 3 (IEEE float).`);
  const format = code === 1 ? 'pcm' : 'float';
  if (channels < 1 || channels > MAX_CHANNELS) throw new ValueError(`${FN}: invalid channel count ${channels}: expected 1 to ${MAX_CHANNELS}.`);
  if (sampleRate < 1) throw new ValueError(`${FN}: invalid sample rate ${sampleRate}.`);
  const ok = format === 'pcm' ? [16, 24, 32].includes(bitDepth) : bitDepth === 32;
  if (!ok) throw new ValueError(`${FN}: unsupported ${format} bit depth ${bitDepth}: expected ${format === 'pcm' ? '16, 24 or 32' : '32'}.`);
  if (blockAlign !== (channels * bitDepth) / 8) {
    throw new ValueError(`${FN}: inconsistent block align ${blockAlign}: ${channels} channels of ${bitDepth} bits take ${(channels * bitDepth) / 8} bytes.`);
  }
  return { format, channels, sampleRate, bitDepth, blockAlign } as const;
}

function readSamples(view: DataView, at: number, size: number, f: { format: 'pcm' | 'float'; channels: number; bitDepth: number; blockAlign: number }) {
  const frames = Math.floor(size / f.blockAlign); // bounded by the bytes present (checked by the caller)
  const samples = new Float32Array(frames);
  const bytes = f.bitDepth / 8;
  for (let i = 0; i < frames; i++) {
    let acc = 0;
    for (let c = 0; c < f.channels; c++) {
      const p = at + i * f.blockAlign + c * bytes;
      if (f.format === 'float') {
        const v = view.getFloat32(p, true);
        if (!Number.isFinite(v)) throw new ValueError(`${FN}: the float sample of frame ${i}, channel ${c} is ${v}; a WAV file's samples must be finite.`);
        acc += v;
      }
      else if (f.bitDepth === 16) acc += view.getInt16(p, true) / 32768;
      else if (f.bitDepth === 32) acc += view.getInt32(p, true) / 2147483648;
      else acc += (((view.getUint8(p + 2) << 24) | (view.getUint8(p + 1) << 16) | (view.getUint8(p) << 8)) >> 8) / 8388608; // 24-bit, sign-extended
    }
    samples[i] = acc / f.channels;
  }
  return { samples };
}
