// PNG, ISO/IEC 15948 (https://www.w3.org/TR/png/): 8-bit RGBA, each scanline filtered
// with the filter type that libpng's heuristic picks (§12.8: the smallest sum of
// absolute differences), the scanlines zlib-compressed (RFC 1950/1951) by fflate at
// zlib's default level. fflate is pure JavaScript and synchronous, so this runs the
// same in browsers and Node.
import { zlibSync } from 'fflate';
import { ValueError } from '../_internal/errors.js';
import { checkPositiveInt } from '../_internal/validate.js';
import type { RGBAImage } from './types.js';

const FN = 'encodePNG';
const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Bytes per pixel (RGBA, 8 bits a channel): the filters' distance to the pixel on the left. */
const BPP = 4;

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

/** Paeth's predictor (PNG §9.4): whichever of left, up, up-left is closest to left + up − up-left. */
function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/**
 * The filtered scanlines (PNG §9): each row is a filter-type byte then the row's bytes
 * minus a prediction from the bytes to the left and above (modulo 256). Per row, the
 * type with the smallest sum of |byte as signed| wins (the heuristic of PNG §12.8 and
 * libpng): smooth images shrink many times over, flat ones (grids of digits) lose
 * about nothing against no filtering.
 */
function filterScanlines(data: Uint8Array, width: number, height: number): Uint8Array<ArrayBuffer> {
  const rowBytes = width * BPP;
  const out = new Uint8Array((rowBytes + 1) * height);
  const candidates = Array.from({ length: 5 }, () => new Uint8Array(rowBytes)); // types 0–4
  const zeros = new Uint8Array(rowBytes); // the row above the first one
  for (let y = 0; y < height; y++) {
    const row = data.subarray(y * rowBytes, (y + 1) * rowBytes);
    const above = y === 0 ? zeros : data.subarray((y - 1) * rowBytes, y * rowBytes);
    let best = 0;
    let bestScore = Infinity;
    for (let type = 0; type < 5; type++) {
      const c = candidates[type]!;
      let score = 0;
      for (let i = 0; i < rowBytes; i++) {
        const left = i >= BPP ? row[i - BPP]! : 0;
        const up = above[i]!;
        const upLeft = i >= BPP ? above[i - BPP]! : 0;
        const prediction =
          type === 0 ? 0 : type === 1 ? left : type === 2 ? up : type === 3 ? (left + up) >> 1 : paeth(left, up, upLeft);
        const v = (row[i]! - prediction) & 0xff;
        c[i] = v;
        score += v < 128 ? v : 256 - v;
      }
      if (score < bestScore) {
        bestScore = score;
        best = type;
      }
    }
    out[y * (rowBytes + 1)] = best;
    out.set(candidates[best]!, y * (rowBytes + 1) + 1);
  }
  return out;
}

/**
 * Encodes an RGBA image as a PNG file.
 *
 * The output is a valid PNG (8-bit RGBA) that every viewer opens, compressed
 * as libpng and zlib compress by default (each row filtered with the PNG
 * filter that suits it, then deflate at level 6, with
 * [fflate](https://github.com/101arrowz/fflate)): a grid of MNIST digits is
 * about a twelfth of its `4 · width · height` raw bytes. Synchronous and
 * browser-safe. The bytes sit in a plain `ArrayBuffer`
 * (`Uint8Array<ArrayBuffer>`), so they go straight to `fs.writeFileSync` in
 * Node or to `new Blob([bytes], { type: 'image/png' })` in a browser.
 *
 * @param image - An {@link RGBAImage}, for example from {@link imageGrid}.
 * @returns The PNG file's bytes, in an `ArrayBuffer` of their own.
 * @throws {@link ValueError} when `data` is not `width · height · 4` bytes.
 *
 * @example
 * ```ts
 * import { encodePNG } from 'tfjs-generative';
 * const png = encodePNG({ data: new Uint8Array(2 * 2 * 4).fill(255), width: 2, height: 2 });
 * console.log(png.length); // 75
 * ```
 *
 * @category IO
 */
export function encodePNG(image: RGBAImage): Uint8Array<ArrayBuffer> {
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
  const idat = zlibSync(filterScanlines(data, width, height), { level: 6 }); // zlib stream
  const total = SIGNATURE.length + (12 + 13) + (12 + idat.length) + 12;
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
    out[at + 11] = 0; // filter method 0 (adaptive, five types)
    out[at + 12] = 0; // no interlace
  });
  chunk('IDAT', idat.length, (at) => out.set(idat, at));
  chunk('IEND', 0, () => {});
  return out;
}
