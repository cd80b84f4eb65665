// Blocked single-precision GEMM on tfjs-backend-wasm's heap:
//   C[M, N] = act(op(A)[M, K] · op(B)[K, N] + bias[N])
// op(A) is A [M, K] or, transposed, A [K, M]; op(B) is B [K, N] or B [N, K].
// Goto's loop order: a KC × NC panel of op(B) and an MC × KC block of op(A)
// are packed (in cache-sized tiles, transposes absorbed by the packing) into a
// caller-provided scratch area, then a 6 × 8 register-blocked micro-kernel
// (12 accumulators, relaxed FMA where available) sweeps them.
// Legend: M rows of C, N columns of C, K the shared dimension.
#include "simd.h"

#define MR 6
#define NR 8
#define KC 256
#define MC 72
#define NC 512

// Floats of scratch the kernel needs (packed A block, packed B panel, one edge tile).
EXPORT(gemm_scratch_floats) int gemm_scratch_floats(void) { return MC * KC + KC * NC + MR * NR; }

// Packs rows [i0, i0 + mc) × depth [p0, p0 + kc) of op(A) as MR-row strips, k-major;
// rows past mc are zero.
static void pack_a(const float *a, int transA, int m, int k, int i0, int mc, int p0, int kc, float *dst) {
  for (int is = 0; is < mc; is += MR) {
    int rows = mc - is < MR ? mc - is : MR;
    if (transA) {
      // A [K, M]: a strip's MR values for one k are contiguous.
      const float *src = a + (int64_t)p0 * m + i0 + is;
      for (int p = 0; p < kc; p++) {
        const float *s = src + (int64_t)p * m;
        for (int r = 0; r < MR; r++) dst[r] = r < rows ? s[r] : 0.0f;
        dst += MR;
      }
    } else {
      // A [M, K]: read MR rows side by side.
      const float *src = a + (int64_t)(i0 + is) * k + p0;
      if (rows == MR) {
        int p = 0;
        for (; p + 4 <= kc; p += 4) {
          // Transpose a 4 (k) × MR (rows) block: load 4 k from each row.
          v128_t r0 = wasm_v128_load(src + 0 * (int64_t)k + p);
          v128_t r1 = wasm_v128_load(src + 1 * (int64_t)k + p);
          v128_t r2 = wasm_v128_load(src + 2 * (int64_t)k + p);
          v128_t r3 = wasm_v128_load(src + 3 * (int64_t)k + p);
          v128_t r4 = wasm_v128_load(src + 4 * (int64_t)k + p);
          v128_t r5 = wasm_v128_load(src + 5 * (int64_t)k + p);
          v128_t t0 = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5);
          v128_t t1 = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5);
          v128_t t2 = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7);
          v128_t t3 = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7);
          v128_t u0 = wasm_i32x4_shuffle(r4, r5, 0, 4, 1, 5);
          v128_t u1 = wasm_i32x4_shuffle(r4, r5, 2, 6, 3, 7);
          // k = p: r0..r5 lane 0
          wasm_v128_store(dst + 0, wasm_i64x2_shuffle(t0, t1, 0, 2));
          wasm_v128_store64_lane(dst + 4, u0, 0);
          wasm_v128_store(dst + 6, wasm_i64x2_shuffle(t0, t1, 1, 3));
          wasm_v128_store64_lane(dst + 10, u0, 1);
          wasm_v128_store(dst + 12, wasm_i64x2_shuffle(t2, t3, 0, 2));
          wasm_v128_store64_lane(dst + 16, u1, 0);
          wasm_v128_store(dst + 18, wasm_i64x2_shuffle(t2, t3, 1, 3));
          wasm_v128_store64_lane(dst + 22, u1, 1);
          dst += 4 * MR;
        }
        for (; p < kc; p++) {
          for (int r = 0; r < MR; r++) dst[r] = src[(int64_t)r * k + p];
          dst += MR;
        }
      } else {
        for (int p = 0; p < kc; p++) {
          for (int r = 0; r < MR; r++) dst[r] = r < rows ? src[(int64_t)r * k + p] : 0.0f;
          dst += MR;
        }
      }
    }
  }
}

// Packs depth [p0, p0 + kc) × columns [j0, j0 + nc) of op(B) as NR-column strips,
// k-major; columns past nc are zero.
static void pack_b(const float *b, int transB, int k, int n, int p0, int kc, int j0, int nc, float *dst) {
  for (int js = 0; js < nc; js += NR) {
    int cols = nc - js < NR ? nc - js : NR;
    if (!transB) {
      const float *src = b + (int64_t)p0 * n + j0 + js;
      if (cols == NR) {
        for (int p = 0; p < kc; p++) {
          const float *s = src + (int64_t)p * n;
          wasm_v128_store(dst, wasm_v128_load(s));
          wasm_v128_store(dst + 4, wasm_v128_load(s + 4));
          dst += NR;
        }
      } else {
        for (int p = 0; p < kc; p++) {
          const float *s = src + (int64_t)p * n;
          for (int c = 0; c < NR; c++) dst[c] = c < cols ? s[c] : 0.0f;
          dst += NR;
        }
      }
    } else {
      // B [N, K]: column j of op(B) is row j of B.
      const float *src = b + (int64_t)(j0 + js) * k + p0;
      if (cols == NR) {
        int p = 0;
        for (; p + 4 <= kc; p += 4) {
          for (int h = 0; h < 2; h++) {
            const float *s = src + (int64_t)(4 * h) * k + p;
            v128_t r0 = wasm_v128_load(s);
            v128_t r1 = wasm_v128_load(s + k);
            v128_t r2 = wasm_v128_load(s + 2 * (int64_t)k);
            v128_t r3 = wasm_v128_load(s + 3 * (int64_t)k);
            v128_t t0 = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5);
            v128_t t1 = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5);
            v128_t t2 = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7);
            v128_t t3 = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7);
            wasm_v128_store(dst + 4 * h + 0 * NR, wasm_i64x2_shuffle(t0, t1, 0, 2));
            wasm_v128_store(dst + 4 * h + 1 * NR, wasm_i64x2_shuffle(t0, t1, 1, 3));
            wasm_v128_store(dst + 4 * h + 2 * NR, wasm_i64x2_shuffle(t2, t3, 0, 2));
            wasm_v128_store(dst + 4 * h + 3 * NR, wasm_i64x2_shuffle(t2, t3, 1, 3));
          }
          dst += 4 * NR;
        }
        for (; p < kc; p++) {
          for (int c = 0; c < NR; c++) dst[c] = src[(int64_t)c * k + p];
          dst += NR;
        }
      } else {
        for (int p = 0; p < kc; p++) {
          for (int c = 0; c < NR; c++) dst[c] = c < cols ? src[(int64_t)c * k + p] : 0.0f;
          dst += NR;
        }
      }
    }
  }
}

static inline v128_t activate(v128_t x, int act, v128_t alpha) {
  switch (act) {
    case 1: return wasm_f32x4_max(x, wasm_f32x4_splat(0.0f));  // relu (max keeps NaN)
    case 2: return wasm_f32x4_min(wasm_f32x4_max(x, wasm_f32x4_splat(0.0f)), wasm_f32x4_splat(6.0f));  // relu6
    case 3: return wasm_v128_bitselect(wasm_f32x4_mul(x, alpha), x, wasm_f32x4_lt(x, wasm_f32x4_splat(0.0f)));  // leaky relu
    default: return x;
  }
}

// One MR × NR tile: acc = Ap · Bp over kc; then C = acc (first) or C += acc, and on
// the last depth block the bias and activation. `c` has row stride ldc; a partial
// tile (rows < MR or cols < NR) goes through `edge` and is copied out.
static void micro(int kc, const float *ap, const float *bp, float *c, int ldc, int rows, int cols, int accumulate,
                  int last, const float *bias, int act, float alpha, float *edge) {
  v128_t c00 = wasm_f32x4_splat(0.0f), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
  v128_t c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
  for (int p = 0; p < kc; p++) {
    v128_t b0 = wasm_v128_load(bp);
    v128_t b1 = wasm_v128_load(bp + 4);
    v128_t a;
    a = wasm_v128_load32_splat(ap + 0); c00 = madd(a, b0, c00); c01 = madd(a, b1, c01);
    a = wasm_v128_load32_splat(ap + 1); c10 = madd(a, b0, c10); c11 = madd(a, b1, c11);
    a = wasm_v128_load32_splat(ap + 2); c20 = madd(a, b0, c20); c21 = madd(a, b1, c21);
    a = wasm_v128_load32_splat(ap + 3); c30 = madd(a, b0, c30); c31 = madd(a, b1, c31);
    a = wasm_v128_load32_splat(ap + 4); c40 = madd(a, b0, c40); c41 = madd(a, b1, c41);
    a = wasm_v128_load32_splat(ap + 5); c50 = madd(a, b0, c50); c51 = madd(a, b1, c51);
    ap += MR;
    bp += NR;
  }
  int full = rows == MR && cols == NR;
  float *out = full ? c : edge;
  int ld = full ? ldc : NR;
  if (!full && accumulate) {
    for (int r = 0; r < rows; r++)
      for (int j = 0; j < cols; j++) edge[r * NR + j] = c[(int64_t)r * ldc + j];
  }
#define ROW(r, v0, v1)                                                         \
  do {                                                                         \
    float *o = out + (int64_t)(r) * ld;                                        \
    v128_t x0 = v0, x1 = v1;                                                   \
    if (accumulate) {                                                          \
      x0 = wasm_f32x4_add(wasm_v128_load(o), x0);                              \
      x1 = wasm_f32x4_add(wasm_v128_load(o + 4), x1);                          \
    }                                                                          \
    if (last) {                                                                \
      x0 = activate(wasm_f32x4_add(x0, bias0), act, alphav);                   \
      x1 = activate(wasm_f32x4_add(x1, bias1), act, alphav);                   \
    }                                                                          \
    wasm_v128_store(o, x0);                                                    \
    wasm_v128_store(o + 4, x1);                                                \
  } while (0)
  v128_t bias0 = wasm_f32x4_splat(0.0f), bias1 = bias0, alphav = wasm_f32x4_splat(alpha);
  if (last && bias) {
    if (cols == NR) {
      bias0 = wasm_v128_load(bias);
      bias1 = wasm_v128_load(bias + 4);
    } else {
      // Partial tile: only `cols` bias values exist; the others are never read back.
      bias0 = wasm_f32x4_make(bias[0], cols > 1 ? bias[1] : 0.0f, cols > 2 ? bias[2] : 0.0f, cols > 3 ? bias[3] : 0.0f);
      bias1 = wasm_f32x4_make(cols > 4 ? bias[4] : 0.0f, cols > 5 ? bias[5] : 0.0f, cols > 6 ? bias[6] : 0.0f, 0.0f);
    }
  }
  if (full) {
    ROW(0, c00, c01); ROW(1, c10, c11); ROW(2, c20, c21);
    ROW(3, c30, c31); ROW(4, c40, c41); ROW(5, c50, c51);
  } else {
    ROW(0, c00, c01);
    if (rows > 1) ROW(1, c10, c11);
    if (rows > 2) ROW(2, c20, c21);
    if (rows > 3) ROW(3, c30, c31);
    if (rows > 4) ROW(4, c40, c41);
    if (rows > 5) ROW(5, c50, c51);
    for (int r = 0; r < rows; r++)
      for (int j = 0; j < cols; j++) c[(int64_t)r * ldc + j] = edge[r * NR + j];
  }
#undef ROW
}

// C = act(op(A) · op(B) + bias). Pointers are byte offsets into the shared heap;
// bias may be 0 (none); act: 0 linear, 1 relu, 2 relu6, 3 leaky relu (slope alpha).
// scratch: gemm_scratch_floats() floats.
EXPORT(gemm)
void gemm(const float *a, const float *b, float *c, int m, int n, int k, int transA, int transB, const float *bias,
          int act, float alpha, float *scratch) {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    v128_t alphav = wasm_f32x4_splat(alpha);
    for (int i = 0; i < m; i++)
      for (int j = 0; j < n; j++) {
        v128_t x = activate(wasm_f32x4_splat(bias ? bias[j] : 0.0f), act, alphav);
        c[(int64_t)i * n + j] = wasm_f32x4_extract_lane(x, 0);
      }
    return;
  }
  float *pa = scratch;
  float *pb = scratch + MC * KC;
  float *edge = pb + KC * NC;
  for (int jc = 0; jc < n; jc += NC) {
    int nc = n - jc < NC ? n - jc : NC;
    for (int pc = 0; pc < k; pc += KC) {
      int kc = k - pc < KC ? k - pc : KC;
      int last = pc + kc >= k;
      pack_b(b, transB, k, n, pc, kc, jc, nc, pb);
      for (int ic = 0; ic < m; ic += MC) {
        int mc = m - ic < MC ? m - ic : MC;
        pack_a(a, transA, m, k, ic, mc, pc, kc, pa);
        for (int jr = 0; jr < nc; jr += NR) {
          int cols = nc - jr < NR ? nc - jr : NR;
          const float *bpanel = pb + jr * kc;
          const float *bb = bias ? bias + jc + jr : 0;
          for (int ir = 0; ir < mc; ir += MR) {
            int rows = mc - ir < MR ? mc - ir : MR;
            micro(kc, pa + ir * kc, bpanel, c + (int64_t)(ic + ir) * n + jc + jr, n, rows, cols, pc > 0, last, bb, act,
                  alpha, edge);
          }
        }
      }
    }
  }
}

// The engine's peak: `iters` rounds of 12 independent 4-lane multiply-adds (as
// many chains as keep two FMA units busy without spilling 16 registers).
// Returns a sum of the accumulators so nothing is optimised away; flops =
// iters · 12 · 4 · 2.
EXPORT(fma_peak) float fma_peak(int iters, float x) {
  v128_t a = wasm_f32x4_splat(x), b = wasm_f32x4_splat(0.999f);
  v128_t s0 = a, s1 = a, s2 = a, s3 = a, s4 = a, s5 = a, s6 = a, s7 = a, s8 = a, s9 = a, s10 = a, s11 = a;
  for (int i = 0; i < iters; i++) {
    s0 = madd(s0, b, a); s1 = madd(s1, b, a); s2 = madd(s2, b, a); s3 = madd(s3, b, a);
    s4 = madd(s4, b, a); s5 = madd(s5, b, a); s6 = madd(s6, b, a); s7 = madd(s7, b, a);
    s8 = madd(s8, b, a); s9 = madd(s9, b, a); s10 = madd(s10, b, a); s11 = madd(s11, b, a);
  }
  v128_t s = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_add(s0, s1), wasm_f32x4_add(s2, s3)),
                            wasm_f32x4_add(wasm_f32x4_add(s4, s5), wasm_f32x4_add(s6, s7)));
  s = wasm_f32x4_add(s, wasm_f32x4_add(wasm_f32x4_add(s8, s9), wasm_f32x4_add(s10, s11)));
  return wasm_f32x4_extract_lane(s, 0) + wasm_f32x4_extract_lane(s, 1);
}
