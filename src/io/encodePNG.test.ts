import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { encodePNG } from './encodePNG.js';

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
    [300, 100], // 120,100 raw bytes: two stored deflate blocks
  ])('round-trips %i×%i pixels through an independent decoder (pngjs)', (width, height) => {
    const image = randomImage(width, height, width * 31 + height);
    const decoded = PNG.sync.read(Buffer.from(encodePNG(image)));
    expect([decoded.width, decoded.height]).toEqual([width, height]);
    expect(Buffer.compare(decoded.data, Buffer.from(image.data))).toBe(0);
  });

  it('has the documented size: signature, IHDR, one IDAT of stored blocks, IEND', () => {
    expect(encodePNG({ data: new Uint8Array(16).fill(255), width: 2, height: 2 }).length).toBe(86);
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
