/**
 * An 8-bit RGBA image, row-major, 4 bytes a pixel, as `ImageData` holds it.
 *
 * @category IO
 */
export interface RGBAImage {
  /** Pixels, `width · height · 4` bytes: R, G, B, A for each pixel, rows top to bottom. */
  data: Uint8Array;
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
}
