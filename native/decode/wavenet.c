// One step of fast WaveNet generation (Paine et al. 2016, "Fast Wavenet
// Generation Algorithm", https://arxiv.org/abs/1611.09482) for a batch of
// streams, in one call: per-layer rings of past inputs, the gated dilated
// convolution, residual and skip projections, and the two-layer head.
//
// Memory: the TypeScript side (src/_internal/decode/waveNetEngine.ts) lays out
// everything from __heap_base on and fills a WaveNet descriptor; this file
// allocates nothing. Matrices are packed for matrix-vector products: a
// [M, N] matrix (row-major, y = v W) is stored as ceil(N/16) tiles, each
// [M, 16] contiguous (zero-padded past N), so a row of a tile is one cache line.
//
// Every output is accumulated in the order c = 0, 1, ..., M-1 from its initial
// value, whatever the batch size: a stream's results do not depend on how many
// other streams share the call.
//
// Legend: Q classes, R residual channels, S skip channels, K taps, B streams.
#include <stdint.h>
#include <wasm_simd128.h>
#include "simd_math.h"

#define TILE 16

extern unsigned char __heap_base;

/** Where the TypeScript side may start its layout. */
__attribute__((export_name("heap_base"))) uint32_t heap_base(void) { return (uint32_t)(uintptr_t)&__heap_base; }

typedef struct {
  int32_t k, dilation, size, head; // taps, dilation, ring slots (K-1)d+1, the slot the next input goes to
  const float *dk, *db;            // dilated kernel packed [K·R, 2R], bias [2R (padded)]
  const float *rw, *rb;            // residual packed [R, R], bias [R (padded)]
  const float *sw, *sb;            // skip packed [R, S], bias [S (padded)]
  float *ring;                     // B rings of [size, R]
} Block;

typedef struct {
  int32_t blocks, r, s, q;  // block count, R, S, Q
  int32_t rpad, hpad, spad, qpad; // R, 2R, S, Q rounded up to TILE
  int32_t stride;           // floats of scratch per stream
  const float *emb;         // [Q, R]
  const float *h1w, *h1b;   // packed [S, S], bias
  const float *h2w, *h2b;   // packed [S, Q], bias
  float *scratch;           // B × stride
  Block block[];
} WaveNet;

// Offsets inside one stream's scratch of `stride` floats (the TypeScript side
// sizes it: these, then K·R columns for the largest K).
#define X_AT(n) 0
#define SKIP_AT(n) ((n)->rpad)
#define HID_AT(n) (SKIP_AT(n) + (n)->spad)
#define H_AT(n) (HID_AT(n) + (n)->spad)
#define Z_AT(n) (H_AT(n) + (n)->hpad + (n)->rpad)
#define COLS_AT(n) (Z_AT(n) + (n)->rpad)

// y_b[o] += Σ_c v_b[c] · W[c, o] for streams b < nb (v_b = v + b·vs, y_b = y + b·ys).
static void gemv(const float *w, int m, int npad, const float *v, int vs, float *y, int ys, int nb) {
  int t = 0;
  if (nb == 1) {
    // Two tiles at once: eight independent sums hide the multiply-add latency.
    for (; t + 2 * TILE <= npad; t += 2 * TILE) {
      const float *w0 = w + t * m, *w1 = w0 + TILE * m;
      float *yt = y + t;
      v128_t a0 = wasm_v128_load(yt), a1 = wasm_v128_load(yt + 4), a2 = wasm_v128_load(yt + 8), a3 = wasm_v128_load(yt + 12);
      v128_t a4 = wasm_v128_load(yt + 16), a5 = wasm_v128_load(yt + 20), a6 = wasm_v128_load(yt + 24), a7 = wasm_v128_load(yt + 28);
      for (int c = 0; c < m; c++) {
        v128_t x = wasm_f32x4_splat(v[c]);
        const float *p = w0 + c * TILE, *q = w1 + c * TILE;
        a0 = madd(x, wasm_v128_load(p), a0);
        a1 = madd(x, wasm_v128_load(p + 4), a1);
        a2 = madd(x, wasm_v128_load(p + 8), a2);
        a3 = madd(x, wasm_v128_load(p + 12), a3);
        a4 = madd(x, wasm_v128_load(q), a4);
        a5 = madd(x, wasm_v128_load(q + 4), a5);
        a6 = madd(x, wasm_v128_load(q + 8), a6);
        a7 = madd(x, wasm_v128_load(q + 12), a7);
      }
      wasm_v128_store(yt, a0), wasm_v128_store(yt + 4, a1), wasm_v128_store(yt + 8, a2), wasm_v128_store(yt + 12, a3);
      wasm_v128_store(yt + 16, a4), wasm_v128_store(yt + 20, a5), wasm_v128_store(yt + 24, a6), wasm_v128_store(yt + 28, a7);
    }
  }
  for (; t < npad; t += TILE) {
    const float *wt = w + t * m;
    int b = 0;
    // Four streams, half a tile at a time: each weight load serves four products.
    for (; b + 4 <= nb; b += 4) {
      for (int half = 0; half < TILE; half += 8) {
        float *y0 = y + b * ys + t + half, *y1 = y0 + ys, *y2 = y1 + ys, *y3 = y2 + ys;
        const float *v0 = v + b * vs, *v1 = v0 + vs, *v2 = v1 + vs, *v3 = v2 + vs;
        v128_t a00 = wasm_v128_load(y0), a01 = wasm_v128_load(y0 + 4);
        v128_t a10 = wasm_v128_load(y1), a11 = wasm_v128_load(y1 + 4);
        v128_t a20 = wasm_v128_load(y2), a21 = wasm_v128_load(y2 + 4);
        v128_t a30 = wasm_v128_load(y3), a31 = wasm_v128_load(y3 + 4);
        for (int c = 0; c < m; c++) {
          const float *p = wt + c * TILE + half;
          v128_t w0 = wasm_v128_load(p), w1 = wasm_v128_load(p + 4);
          v128_t x0 = wasm_f32x4_splat(v0[c]), x1 = wasm_f32x4_splat(v1[c]);
          v128_t x2 = wasm_f32x4_splat(v2[c]), x3 = wasm_f32x4_splat(v3[c]);
          a00 = madd(x0, w0, a00), a01 = madd(x0, w1, a01);
          a10 = madd(x1, w0, a10), a11 = madd(x1, w1, a11);
          a20 = madd(x2, w0, a20), a21 = madd(x2, w1, a21);
          a30 = madd(x3, w0, a30), a31 = madd(x3, w1, a31);
        }
        wasm_v128_store(y0, a00), wasm_v128_store(y0 + 4, a01);
        wasm_v128_store(y1, a10), wasm_v128_store(y1 + 4, a11);
        wasm_v128_store(y2, a20), wasm_v128_store(y2 + 4, a21);
        wasm_v128_store(y3, a30), wasm_v128_store(y3 + 4, a31);
      }
    }
    for (; b + 2 <= nb; b += 2) {
      float *y0 = y + b * ys + t, *y1 = y0 + ys;
      const float *v0 = v + b * vs, *v1 = v0 + vs;
      v128_t a0 = wasm_v128_load(y0), a1 = wasm_v128_load(y0 + 4), a2 = wasm_v128_load(y0 + 8), a3 = wasm_v128_load(y0 + 12);
      v128_t c0 = wasm_v128_load(y1), c1 = wasm_v128_load(y1 + 4), c2 = wasm_v128_load(y1 + 8), c3 = wasm_v128_load(y1 + 12);
      for (int c = 0; c < m; c++) {
        const float *p = wt + c * TILE;
        v128_t w0 = wasm_v128_load(p), w1 = wasm_v128_load(p + 4), w2 = wasm_v128_load(p + 8), w3 = wasm_v128_load(p + 12);
        v128_t x0 = wasm_f32x4_splat(v0[c]), x1 = wasm_f32x4_splat(v1[c]);
        a0 = madd(x0, w0, a0), a1 = madd(x0, w1, a1), a2 = madd(x0, w2, a2), a3 = madd(x0, w3, a3);
        c0 = madd(x1, w0, c0), c1 = madd(x1, w1, c1), c2 = madd(x1, w2, c2), c3 = madd(x1, w3, c3);
      }
      wasm_v128_store(y0, a0), wasm_v128_store(y0 + 4, a1), wasm_v128_store(y0 + 8, a2), wasm_v128_store(y0 + 12, a3);
      wasm_v128_store(y1, c0), wasm_v128_store(y1 + 4, c1), wasm_v128_store(y1 + 8, c2), wasm_v128_store(y1 + 12, c3);
    }
    for (; b < nb; b++) {
      float *y0 = y + b * ys + t;
      const float *v0 = v + b * vs;
      v128_t a0 = wasm_v128_load(y0), a1 = wasm_v128_load(y0 + 4), a2 = wasm_v128_load(y0 + 8), a3 = wasm_v128_load(y0 + 12);
      for (int c = 0; c < m; c++) {
        const float *p = wt + c * TILE;
        v128_t x0 = wasm_f32x4_splat(v0[c]);
        a0 = madd(x0, wasm_v128_load(p), a0);
        a1 = madd(x0, wasm_v128_load(p + 4), a1);
        a2 = madd(x0, wasm_v128_load(p + 8), a2);
        a3 = madd(x0, wasm_v128_load(p + 12), a3);
      }
      wasm_v128_store(y0, a0), wasm_v128_store(y0 + 4, a1), wasm_v128_store(y0 + 8, a2), wasm_v128_store(y0 + 12, a3);
    }
  }
}

static void copy(float *to, const float *from, int n) {
  for (int i = 0; i < n; i++) to[i] = from[i];
}

static void add_into(float *y, const float *b, int npad) {
  for (int i = 0; i < npad; i += 4) wasm_v128_store(y + i, wasm_f32x4_add(wasm_v128_load(y + i), wasm_v128_load(b + i)));
}

static void relu(float *y, int npad) {
  // f32x4.max propagates NaN, so a NaN reaches the logits and the caller's check.
  for (int i = 0; i < npad; i += 4) wasm_v128_store(y + i, wasm_f32x4_max(wasm_v128_load(y + i), wasm_f32x4_splat(0.0f)));
}

/**
 * Feeds class `classes[b]` to stream b (b < nb) and, when `want` is non-zero,
 * writes its next-sample logits to `out + b·qpad` (Q of them; the padding is
 * zero weights and zero bias). Without `want` only the rings advance (priming).
 */
__attribute__((export_name("wavenet_step"))) void wavenet_step(WaveNet *n, int32_t nb, const int32_t *classes, float *out, int32_t want) {
  const int r = n->r, stride = n->stride;
  for (int b = 0; b < nb; b++) {
    float *sc = n->scratch + b * stride;
    copy(sc + X_AT(n), n->emb + classes[b] * r, r); // padding past R stays zero
    for (int i = 0; i < n->spad; i++) sc[SKIP_AT(n) + i] = 0.0f;
  }
  float *scratch = n->scratch;
  for (int l = 0; l < n->blocks; l++) {
    Block *bl = &n->block[l];
    const int size = bl->size, k = bl->k;
    for (int b = 0; b < nb; b++) {
      float *sc = scratch + b * stride;
      float *ring = bl->ring + b * size * r;
      copy(ring + bl->head * r, sc + X_AT(n), r); // the newest input
      for (int j = 0; j < k; j++) {
        // Tap j sees the input (K-1-j)·d steps back.
        int slot = bl->head - (k - 1 - j) * bl->dilation + size;
        if (slot >= size) slot -= size;
        copy(sc + COLS_AT(n) + j * r, ring + slot * r, r);
      }
      copy(sc + H_AT(n), bl->db, n->hpad);
    }
    gemv(bl->dk, k * r, n->hpad, scratch + COLS_AT(n), stride, scratch + H_AT(n), stride, nb);
    bl->head = bl->head + 1 == size ? 0 : bl->head + 1;
    for (int b = 0; b < nb; b++) {
      float *sc = scratch + b * stride;
      const float *h = sc + H_AT(n);
      float *z = sc + Z_AT(n);
      // z = tanh(filter) ⊙ σ(gate); lanes past R are never read.
      for (int c = 0; c < r; c += 4) wasm_v128_store(z + c, wasm_f32x4_mul(tanh4(wasm_v128_load(h + c)), sigmoid4(wasm_v128_load(h + r + c))));
      add_into(sc + X_AT(n), bl->rb, n->rpad);
      add_into(sc + SKIP_AT(n), bl->sb, n->spad);
    }
    gemv(bl->rw, r, n->rpad, scratch + Z_AT(n), stride, scratch + X_AT(n), stride, nb);
    gemv(bl->sw, r, n->spad, scratch + Z_AT(n), stride, scratch + SKIP_AT(n), stride, nb);
  }
  if (!want) return;
  for (int b = 0; b < nb; b++) {
    float *sc = scratch + b * stride;
    relu(sc + SKIP_AT(n), n->spad);
    copy(sc + HID_AT(n), n->h1b, n->spad);
    copy(out + b * n->qpad, n->h2b, n->qpad);
  }
  gemv(n->h1w, n->s, n->spad, scratch + SKIP_AT(n), stride, scratch + HID_AT(n), stride, nb);
  for (int b = 0; b < nb; b++) relu(scratch + b * stride + HID_AT(n), n->spad);
  gemv(n->h2w, n->s, n->qpad, scratch + HID_AT(n), stride, out, n->qpad, nb);
}
