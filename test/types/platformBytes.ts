// Type test (checked by `npm run typecheck`, which includes test/; nothing here runs):
// the bytes the library returns fit the platform's byte APIs under TypeScript ≥ 5.7,
// where `Uint8Array` is generic over its buffer and a `Uint8Array<ArrayBufferLike>`
// (what a bare `Uint8Array` return type means) is not a `BlobPart`.
import { decodeWav, encodeWav, type GenerateAudioResult } from 'tfjs-generative/audio';
import { encodePNG, imageGrid } from 'tfjs-generative/io';

declare const audioContext: AudioContext;
declare const grid: Awaited<ReturnType<typeof imageGrid>>;

export function bytesFitThePlatform(): Blob[] {
  const png = encodePNG({ data: new Uint8Array(4).fill(255), width: 1, height: 1 });
  const wav = encodeWav(new Float32Array([0, 0.5, -0.5]), { sampleRate: 8000 });

  // The README's browser recipes: a PNG or WAV file to download or to show.
  const blobs = [new Blob([png], { type: 'image/png' }), new Blob([wav], { type: 'audio/wav' })];

  // An image grid's pixels: raw bytes in a Blob, or wrapped (not copied) in an ImageData.
  blobs.push(new Blob([grid.data]));
  new ImageData(new Uint8ClampedArray(grid.data.buffer), grid.width, grid.height);

  // Other BufferSource consumers accept the same bytes.
  new Response(png);
  new TextDecoder().decode(wav);

  // A decoded waveform goes straight into Web Audio.
  const decoded = decodeWav(wav);
  const buffer = audioContext.createBuffer(1, decoded.samples.length, decoded.sampleRate);
  buffer.copyToChannel(decoded.samples, 0);
  // So does generated audio (streamed into a page as it is made).
  const generated: GenerateAudioResult = { classes: new Int32Array(0), samples: new Float32Array(0), stopReason: 'completed' };
  buffer.copyToChannel(generated.samples, 0);

  // The check can fail: bytes over a possibly shared buffer are exactly what Blob refuses.
  const shared: Uint8Array<ArrayBufferLike> = new Uint8Array(new SharedArrayBuffer(4));
  // @ts-expect-error a Uint8Array<ArrayBufferLike> is not a BlobPart
  blobs.push(new Blob([shared]));
  return blobs;
}
