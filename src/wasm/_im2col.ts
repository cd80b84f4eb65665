/**
 * The data rearrangements around the convolution-gradient matmuls, as plain
 * loops on typed-array views of the wasm heap: im2col (gather the input pixels
 * each output position's kernel window reads) and col2im (scatter-add them back).
 * The loops are written out (no per-tap callback): a shared callback turns
 * megamorphic once two kernels use it, and with one channel per tap the call
 * cost dominates.
 *
 * Legend: N batch, H×W input size, OH×OW output size, Ci/Co channels, K×K kernel,
 * P = N·OH·OW output positions.
 */
import type { Conv2DGeometry } from './_conv2DGeometry.js';

/**
 * Writes `cols [P, K·K·Ci]` from `x [N, H, W, Ci]`: row `p` holds the kernel
 * window of output position p, tap by tap, Ci contiguous values per tap (0 in
 * the padding). Each tap is one contiguous copy.
 * @hidden
 */
export function im2col(g: Conv2DGeometry, x: Float32Array, cols: Float32Array): void {
  const { n, h, w, ci, oh, ow, kh, kw, sh, sw, padTop, padLeft, rows } = g;
  const wide = ci >= 8; // copy with set() (a native memcpy) once the chunks are long enough
  let dst = 0;
  for (let b = 0; b < n; b++) {
    for (let r = 0; r < oh; r++) {
      for (let c = 0; c < ow; c++) {
        const rowEnd = dst + rows;
        for (let i = 0; i < kh; i++) {
          const y = r * sh + i - padTop;
          if (y < 0 || y >= h) {
            cols.fill(0, dst, dst + kw * ci);
            dst += kw * ci;
            continue;
          }
          const pixelRow = (b * h + y) * w;
          for (let j = 0; j < kw; j++, dst += ci) {
            const xx = c * sw + j - padLeft;
            if (xx < 0 || xx >= w) {
              cols.fill(0, dst, dst + ci);
              continue;
            }
            const src = (pixelRow + xx) * ci;
            if (wide) cols.set(x.subarray(src, src + ci), dst);
            else for (let k = 0; k < ci; k++) cols[dst + k] = x[src + k]!;
          }
        }
        dst = rowEnd;
      }
    }
  }
}

/**
 * Adds `cols [P, K·K·Ci]` back onto `dx [N, H, W, Ci]` (which it zeroes first):
 * each output position's row goes to the input pixels its kernel window covered.
 * @hidden
 */
export function col2imAdd(g: Conv2DGeometry, cols: Float32Array, dx: Float32Array): void {
  const { n, h, w, ci, oh, ow, kh, kw, sh, sw, padTop, padLeft, rows } = g;
  dx.fill(0);
  let pos = 0;
  for (let b = 0; b < n; b++) {
    for (let r = 0; r < oh; r++) {
      for (let c = 0; c < ow; c++, pos++) {
        const rowStart = pos * rows;
        for (let i = 0; i < kh; i++) {
          const y = r * sh + i - padTop;
          if (y < 0 || y >= h) continue;
          const pixelRow = (b * h + y) * w;
          for (let j = 0; j < kw; j++) {
            const xx = c * sw + j - padLeft;
            if (xx < 0 || xx >= w) continue;
            let d = (pixelRow + xx) * ci;
            let s = rowStart + (i * kw + j) * ci;
            for (let k = 0; k < ci; k++, d++, s++) dx[d] = dx[d]! + cols[s]!;
          }
        }
      }
    }
  }
}
