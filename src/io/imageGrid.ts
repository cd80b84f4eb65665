// Tiles a batch of images into one RGBA picture. Legend: N images, H×W pixels, C channels.
import * as tf from '@tensorflow/tfjs-core';
import { checkConfigObject, checkKnownKeys } from '../_internal/config.js';
import { ValueError } from '../_internal/errors.js';
import { checkNonNegativeInt, checkPositiveInt, checkTensor, formatShape } from '../_internal/validate.js';
import type { RGBAImage } from './types.js';

/**
 * Options of {@link imageGrid}.
 *
 * @category IO
 */
export interface ImageGridOptions {
  /** Images per row. Defaults to `ceil(sqrt(N))`. */
  columns?: number;
  /** Pixels between images and around the grid. Defaults to `2`. */
  padding?: number;
  /** Gray level of the padding, 0–255. Defaults to `0` (black). */
  padValue?: number;
}

const FN = 'imageGrid';

/**
 * Tiles images into one RGBA picture, for a quick look or a PNG
 * ({@link encodePNG}).
 *
 * Values are mapped from [-1, 1] (the range of a tanh generator) to 0–255 as
 * `round((v + 1) / 2 · 255)`, clamped. Gray images are replicated to RGB;
 * alpha is opaque unless the images have 4 channels. Data is read with
 * `await tensor.data()`, so it works on every backend (WebGPU included).
 *
 * @param images - `[N, H, W, C]` with C ∈ {1, 3, 4}, or one image `[H, W, C]`, values in [-1, 1].
 * @param options - Columns and padding; see {@link ImageGridOptions}.
 * @returns An {@link RGBAImage} of `columns` × `ceil(N / columns)` tiles, its `data` in an
 *   `ArrayBuffer` of its own (`Uint8Array<ArrayBuffer>`: a `BlobPart`, and the buffer an
 *   `ImageData` can wrap).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { imageGrid } from 'tfjs-generative';
 * const grid = await imageGrid(tf.zeros([6, 28, 28, 1]), { columns: 3 });
 * console.log(grid.width, grid.height); // 92 62
 * ```
 *
 * @category IO
 */
export async function imageGrid(
  images: tf.Tensor,
  options: ImageGridOptions = {},
): Promise<
  RGBAImage & {
    /** Pixels, `width · height · 4` bytes (RGBA, rows top to bottom), in an `ArrayBuffer` of their own. */
    data: Uint8Array<ArrayBuffer>;
  }
> {
  checkConfigObject(FN, options, 'options');
  checkKnownKeys(FN, options, ['columns', 'padding', 'padValue'], 'options');
  checkTensor(FN, 'images', images);
  if (images.rank !== 3 && images.rank !== 4) {
    throw new ValueError(`${FN}: invalid \`images\` shape: expected [N, H, W, C] or [H, W, C], received ${formatShape(images.shape)}.`);
  }
  const [n, h, w, c] = images.rank === 4 ? images.shape : [1, ...images.shape];
  if (c !== 1 && c !== 3 && c !== 4) {
    throw new ValueError(`${FN}: invalid \`images\` shape: expected 1, 3 or 4 channels, received ${formatShape(images.shape)}.`);
  }
  if (n === 0) throw new ValueError(`${FN}: invalid \`images\` shape: expected at least one image, received ${formatShape(images.shape)}.`);
  const columns = checkPositiveInt(FN, 'columns', options.columns ?? Math.ceil(Math.sqrt(n!)));
  const padding = checkNonNegativeInt(FN, 'padding', options.padding ?? 2);
  const padValue = checkNonNegativeInt(FN, 'padValue', options.padValue ?? 0);
  if (padValue > 255) throw new ValueError(`${FN}: invalid \`padValue\`: expected an integer in 0..255, received ${padValue}.`);

  const values = await images.data(); // N·H·W·C floats
  const rows = Math.ceil(n! / columns);
  const width = columns * (w! + padding) + padding;
  const height = rows * (h! + padding) + padding;
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    data[i * 4] = padValue;
    data[i * 4 + 1] = padValue;
    data[i * 4 + 2] = padValue;
    data[i * 4 + 3] = 255;
  }
  const toByte = (v: number): number => Math.min(255, Math.max(0, Math.round(((v + 1) / 2) * 255)));
  for (let k = 0; k < n!; k++) {
    const top = padding + Math.floor(k / columns) * (h! + padding);
    const left = padding + (k % columns) * (w! + padding);
    for (let y = 0; y < h!; y++) {
      for (let x = 0; x < w!; x++) {
        const src = ((k * h! + y) * w! + x) * c;
        const dst = ((top + y) * width + left + x) * 4;
        const r = toByte(values[src]!);
        data[dst] = r;
        data[dst + 1] = c === 1 ? r : toByte(values[src + 1]!);
        data[dst + 2] = c === 1 ? r : toByte(values[src + 2]!);
        data[dst + 3] = c === 4 ? toByte(values[src + 3]!) : 255;
      }
    }
  }
  return { data, width, height };
}
