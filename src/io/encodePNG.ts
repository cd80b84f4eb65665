// PNG, ISO/IEC 15948 (https://www.w3.org/TR/png/): 8-bit RGBA, no filtering, the
// image data in zlib "stored" (uncompressed) deflate blocks (RFC 1950, RFC 1951 §3.2.4).
// Dependency-free, so it runs the same in browsers and Node.
import { ValueError } from '../_internal/errors.js';
import { checkPositiveInt } from '../_internal/validate.js';
import type { RGBAImage } from './types.js';

const FN = 'encodePNG';
const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const MAX_STORED_BLOCK = 65_535;

let crcTable: Uint32Array | undefined;

function crc32(bytes: Uint8Array, start: number, end: number): number {
  if (crcTable === undefined) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = start; i < end; i++) crc = crcTable[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * Encodes an RGBA image as a PNG file.
 *
 * The output is a valid PNG (8-bit RGBA) that every viewer opens; the pixel
 * data is stored uncompressed, so files are about `4 · width · height` bytes.
 * Pass the bytes to `fs.writeFile` in Node or to `new Blob([bytes], { type: 'image/png' })`
 * in a browser.
 *
 * @param image - An {@link RGBAImage}, for example from {@link imageGrid}.
 * @returns The PNG file's bytes.
 * @throws {@link ValueError} when `data` is not `width · height · 4` bytes.
 *
 * @example
 * ```ts
 * import { encodePNG } from 'tfjs-generative';
 * const png = encodePNG({ data: new Uint8Array(2 * 2 * 4).fill(255), width: 2, height: 2 });
 * console.log(png.length); // 86
 * ```
 *
 * @category IO
 */
export function encodePNG(image: RGBAImage): Uint8Array {
  const width = checkPositiveInt(FN, 'width', image?.width);
  const height = checkPositiveInt(FN, 'height', image.height);
  const { data } = image;
  if (!(data instanceof Uint8Array) && !((data as unknown) instanceof Uint8ClampedArray)) {
    throw new ValueError(`${FN}: invalid \`data\`: expected a Uint8Array of RGBA bytes.`);
  }
  if (data.length !== width * height * 4) {
    throw new ValueError(
      `${FN}: invalid \`data\` length: expected width · height · 4 = ${width * height * 4} bytes, received ${data.length}.`,
    );
  }
  // Raw scanlines: a filter byte (0, none) then the row's RGBA bytes.
  const rowBytes = width * 4 + 1;
  const rawLength = rowBytes * height;
  const blocks = Math.max(1, Math.ceil(rawLength / MAX_STORED_BLOCK));
  const zlibLength = 2 + blocks * 5 + rawLength + 4;
  const total = SIGNATURE.length + (12 + 13) + (12 + zlibLength) + 12;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out.set(SIGNATURE, 0);
  let pos = SIGNATURE.length;

  const chunk = (type: string, length: number, write: (at: number) => void): void => {
    view.setUint32(pos, length);
    for (let i = 0; i < 4; i++) out[pos + 4 + i] = type.charCodeAt(i);
    write(pos + 8);
    view.setUint32(pos + 8 + length, crc32(out, pos + 4, pos + 8 + length));
    pos += 12 + length;
  };

  chunk('IHDR', 13, (at) => {
    view.setUint32(at, width);
    view.setUint32(at + 4, height);
    out[at + 8] = 8; // bit depth
    out[at + 9] = 6; // colour type: RGBA
    out[at + 10] = 0; // compression: deflate
    out[at + 11] = 0; // filter method 0
    out[at + 12] = 0; // no interlace
  });

  chunk('IDAT', zlibLength, (at) => {
    out[at] = 0x78; // zlib header: deflate, 32 KiB window…
    out[at + 1] = 0x01; // …no preset dictionary, check bits so that the header % 31 == 0
    let p = at + 2;
    let a = 1; // Adler-32 of the raw bytes
    let b = 0;
    let remaining = rawLength;
    let rawIndex = 0; // index into the virtual raw scanline stream
    for (let k = 0; k < blocks; k++) {
      const len = Math.min(MAX_STORED_BLOCK, remaining);
      out[p] = k === blocks - 1 ? 1 : 0; // BFINAL, BTYPE 00 (stored)
      view.setUint16(p + 1, len, true);
      view.setUint16(p + 3, ~len & 0xffff, true);
      p += 5;
      for (let i = 0; i < len; i++, rawIndex++) {
        const row = Math.floor(rawIndex / rowBytes);
        const col = rawIndex - row * rowBytes;
        const byte = col === 0 ? 0 : data[row * width * 4 + col - 1]!;
        out[p++] = byte;
        a = (a + byte) % 65521;
        b = (b + a) % 65521;
      }
      remaining -= len;
    }
    view.setUint32(p, ((b << 16) | a) >>> 0);
  });

  chunk('IEND', 0, () => {});
  return out;
}
