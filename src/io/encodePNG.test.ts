import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { deflateSync, inflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { encodePNG } from './encodePNG.js';

/** The concatenated IDAT payloads (the zlib stream) and the IHDR filter-method byte of a PNG. */
function idatOf(png: Uint8Array): { zlib: Buffer; filterMethod: number } {
  const bytes = Buffer.from(png);
  const parts: Buffer[] = [];
  let filterMethod = -1;
  for (let pos = 8; pos < bytes.length; ) {
    const length = bytes.readUInt32BE(pos);
    const type = bytes.toString('latin1', pos + 4, pos + 8);
    if (type === 'IDAT') parts.push(bytes.subarray(pos + 8, pos + 8 + length));
    if (type === 'IHDR') filterMethod = bytes[pos + 8 + 11]!;
    pos += 12 + length;
  }
  return { zlib: Buffer.concat(parts), filterMethod };
}

/**
 * A realistic picture: 400 real MNIST digits (the `mnist` package) tiled 20 × 20 as
 * `imageGrid` tiles them (28-pixel tiles, 2-pixel black padding, gray replicated to
 * RGB, opaque): 602 × 602 pixels.
 */
function mnistGrid(): { data: Uint8Array; width: number; height: number } {
  const digits = createRequire(import.meta.url)('mnist') as Record<number, { raw: number[] }>;
  const columns = 20;
  const side = columns * 30 + 2;
  const data = new Uint8Array(side * side * 4);
  for (let i = 0; i < side * side; i++) data[i * 4 + 3] = 255;
  for (let k = 0; k < columns * columns; k++) {
    const raw = digits[k % 10]!.raw;
    const first = Math.floor(k / 10) * 784;
    const top = 2 + Math.floor(k / columns) * 30;
    const left = 2 + (k % columns) * 30;
    for (let y = 0; y < 28; y++) {
      for (let x = 0; x < 28; x++) {
        const v = Math.round(raw[first + y * 28 + x]! * 255);
        const o = ((top + y) * side + left + x) * 4;
        data[o] = v;
        data[o + 1] = v;
        data[o + 2] = v;
      }
    }
  }
  return { data, width: side, height: side };
}

/** The unfiltered scanlines (filter byte 0 then the row), as the old encoder stored them. */
function unfilteredScanlines({ data, width, height }: { data: Uint8Array; width: number; height: number }): Buffer {
  const rowBytes = width * 4;
  const raw = Buffer.alloc((rowBytes + 1) * height);
  for (let y = 0; y < height; y++) raw.set(data.subarray(y * rowBytes, (y + 1) * rowBytes), y * (rowBytes + 1) + 1);
  return raw;
}

function randomImage(width: number, height: number, seed: number) {
  const data = new Uint8Array(width * height * 4);
  let s = seed;
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    data[i] = s >>> 24;
  }
  return { data, width, height };
}

describe('encodePNG', () => {
  it.each([
    [7, 5],
    [1, 1],
    [300, 100], // 120,100 raw bytes, incompressible: deflate falls back to stored blocks
  ])('round-trips %i×%i pixels through an independent decoder (pngjs)', (width, height) => {
    const image = randomImage(width, height, width * 31 + height);
    const decoded = PNG.sync.read(Buffer.from(encodePNG(image)));
    expect([decoded.width, decoded.height]).toEqual([width, height]);
    expect(Buffer.compare(decoded.data, Buffer.from(image.data))).toBe(0);
  });

  it('has the documented size: signature, IHDR, one compressed IDAT, IEND', () => {
    expect(encodePNG({ data: new Uint8Array(16).fill(255), width: 2, height: 2 }).length).toBe(75);
  });

  it('round-trips a grid of real MNIST digits exactly, at about the size zlib gives', () => {
    const image = mnistGrid();
    const png = encodePNG(image);
    const decoded = PNG.sync.read(Buffer.from(png));
    expect([decoded.width, decoded.height]).toEqual([602, 602]);
    expect(Buffer.compare(decoded.data, Buffer.from(image.data))).toBe(0);
    // Against zlib's default (level 6) on the scanlines with no filtering, plus the 57 bytes
    // of signature and chunk framing: the old stored-block encoder wrote 1.45 MB here.
    const zlibFile = 57 + deflateSync(unfilteredScanlines(image), { level: 6 }).length;
    expect(png.length).toBeLessThan(1.3 * zlibFile);
    // The compressor alone, on the very bytes we compressed: fflate against zlib's default.
    const { zlib, filterMethod } = idatOf(png);
    expect(filterMethod).toBe(0);
    const filtered = inflateSync(zlib);
    expect(zlib.length).toBeLessThan(1.3 * deflateSync(filtered, { level: 6 }).length);
    expect(png.length).toBeLessThan(image.data.length / 8);
  });

  it('filters each row, so a smooth image compresses far below its unfiltered deflate', () => {
    // A 256 × 256 colour ramp: every row differs from the last, so deflate alone finds few
    // repeats (about 200 kB with zlib), while the Sub and Up filters turn it into constants.
    const width = 256;
    const height = 256;
    const data = new Uint8Array(width * height * 4);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const o = (y * width + x) * 4;
        data.set([x, y, (x + y) >> 1, 255], o);
      }
    }
    const image = { data, width, height };
    const png = encodePNG(image);
    expect(Buffer.compare(PNG.sync.read(Buffer.from(png)).data, Buffer.from(data))).toBe(0);
    const unfiltered = deflateSync(unfilteredScanlines(image), { level: 6 }).length;
    expect(unfiltered).toBeGreaterThan(100_000);
    expect(png.length).toBeLessThan(unfiltered / 20);
    // Rows pick different filters: the first row has nothing above it, the rest gain from Up or Paeth.
    const types = new Set<number>();
    const filtered = inflateSync(idatOf(png).zlib);
    for (let y = 0; y < height; y++) types.add(filtered[y * (width * 4 + 1)]!);
    expect(types.size).toBeGreaterThan(1);
    for (const t of types) expect([0, 1, 2, 3, 4]).toContain(t);
  });

  it('returns bytes in an ArrayBuffer of their own, starting at offset 0', () => {
    const png = encodePNG({ data: new Uint8Array(16).fill(7), width: 2, height: 2 });
    expect(png.buffer).toBeInstanceOf(ArrayBuffer);
    expect([png.byteOffset, png.buffer.byteLength]).toEqual([0, png.length]);
  });

  it.skipIf(!existsSync('/usr/bin/file'))('is identified as PNG by file(1)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'png-'));
    const path = join(dir, 'x.png');
    writeFileSync(path, encodePNG(randomImage(13, 9, 3)));
    const out = execFileSync('/usr/bin/file', [path]).toString();
    expect(out).toMatch(/PNG image data, 13 x 9, 8-bit\/color RGBA, non-interlaced/);
    rmSync(dir, { recursive: true });
  });

  it.skipIf(!existsSync('/usr/bin/identify'))('is read by ImageMagick, pixel for pixel', () => {
    const dir = mkdtempSync(join(tmpdir(), 'png-'));
    const path = join(dir, 'x.png');
    const image = randomImage(5, 3, 11);
    writeFileSync(path, encodePNG(image));
    expect(execFileSync('/usr/bin/identify', [path]).toString()).toMatch(/PNG 5x3 5x3\+0\+0 8-bit/);
    // ImageMagick decodes to raw RGBA; it must give back the very bytes we encoded.
    const raw = execFileSync('/usr/bin/convert', [path, '-depth', '8', 'rgba:-']);
    expect(Buffer.compare(raw, Buffer.from(image.data))).toBe(0);
    rmSync(dir, { recursive: true });
  });

  it('rejects data of the wrong length or bad sizes', () => {
    expect(() => encodePNG({ data: new Uint8Array(15), width: 2, height: 2 })).toThrow(
      /encodePNG: invalid `data` length: expected width · height · 4 = 16 bytes, received 15/,
    );
    expect(() => encodePNG({ data: new Uint8Array(0), width: 0, height: 2 })).toThrow(/encodePNG: invalid `width`: expected a positive integer, received 0/);
  });
});
