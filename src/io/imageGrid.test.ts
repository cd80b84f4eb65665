import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { imageGrid } from './imageGrid.js';

const pixel = (img: { data: Uint8Array; width: number }, x: number, y: number) =>
  Array.from(img.data.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 4));

describe('imageGrid', () => {
  it('maps [-1, 1] to 0..255, replicating gray to RGB', async () => {
    const images = tf.tensor4d([-1, 0, 1, 2, -3, 0.5], [1, 2, 3, 1]);
    const grid = await imageGrid(images, { padding: 0 });
    expect([grid.width, grid.height]).toEqual([3, 2]);
    expect(pixel(grid, 0, 0)).toEqual([0, 0, 0, 255]);
    expect(pixel(grid, 1, 0)).toEqual([128, 128, 128, 255]); // round(127.5)
    expect(pixel(grid, 2, 0)).toEqual([255, 255, 255, 255]);
    expect(pixel(grid, 0, 1)).toEqual([255, 255, 255, 255]); // clamped from 2
    expect(pixel(grid, 1, 1)).toEqual([0, 0, 0, 255]); // clamped from -3
    expect(pixel(grid, 2, 1)).toEqual([191, 191, 191, 255]); // round(191.25)
    // Its own plain ArrayBuffer, as the Uint8Array<ArrayBuffer> type promises.
    expect([grid.data.buffer instanceof ArrayBuffer, grid.data.byteOffset, grid.data.buffer.byteLength]).toEqual([true, 0, 3 * 2 * 4]);
    images.dispose();
  });

  it('lays out N images in rows of `columns`, with padding', async () => {
    // Image k is filled with value k/8 - 0.5, so each tile is identifiable.
    const n = 5;
    const values = Array.from({ length: n }, (_, k) => new Array(2 * 3).fill(k / 8 - 0.5)).flat();
    const images = tf.tensor4d(values, [n, 2, 3, 1]);
    const grid = await imageGrid(images, { columns: 3, padding: 1, padValue: 7 });
    expect([grid.width, grid.height]).toEqual([3 * 4 + 1, 2 * 3 + 1]); // 13 × 7
    const byte = (k: number) => Math.round(((k / 8 - 0.5 + 1) / 2) * 255);
    expect(pixel(grid, 0, 0)).toEqual([7, 7, 7, 255]);
    expect(pixel(grid, 1, 1)[0]).toBe(byte(0));
    expect(pixel(grid, 5, 1)[0]).toBe(byte(1));
    expect(pixel(grid, 9, 2)[0]).toBe(byte(2)); // row 0, column 2, bottom-left pixel
    expect(pixel(grid, 1, 4)[0]).toBe(byte(3)); // row 1, column 0
    expect(pixel(grid, 7, 5)[0]).toBe(byte(4));
    expect(pixel(grid, 9, 4)).toEqual([7, 7, 7, 255]); // the empty sixth tile stays padding
    images.dispose();
  });

  it('keeps colour channels and alpha', async () => {
    const rgb = tf.tensor3d([1, -1, 0], [1, 1, 3]);
    expect(pixel(await imageGrid(rgb, { padding: 0 }), 0, 0)).toEqual([255, 0, 128, 255]);
    const rgba = tf.tensor4d([1, -1, 0, -1], [1, 1, 1, 4]);
    expect(pixel(await imageGrid(rgba, { padding: 0 }), 0, 0)).toEqual([255, 0, 128, 0]);
    tf.dispose([rgb, rgba]);
  });

  it('leaks no tensors', async () => {
    const images = tf.zeros([4, 3, 3, 1]);
    const before = tf.memory().numTensors;
    await imageGrid(images);
    expect(tf.memory().numTensors).toBe(before);
    images.dispose();
  });

  it('rejects bad shapes and options with clear messages', async () => {
    const two = tf.zeros([2, 3, 3, 2]);
    await expect(imageGrid(two)).rejects.toThrow(/imageGrid: invalid `images` shape: expected 1, 3 or 4 channels, received \[2, 3, 3, 2\]/);
    const flat = tf.zeros([4, 4]);
    await expect(imageGrid(flat)).rejects.toThrow(/expected \[N, H, W, C\] or \[H, W, C\], received \[4, 4\]/);
    const ok = tf.zeros([1, 2, 2, 1]);
    await expect(imageGrid(ok, { columns: 0 })).rejects.toThrow(/imageGrid: invalid `columns`: expected a positive integer, received 0/);
    await expect(imageGrid(ok, { padValue: 300 })).rejects.toThrow(/invalid `padValue`.*received 300/);
    tf.dispose([two, flat, ok]);
  });
});
