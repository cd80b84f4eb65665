// Vectorised element-wise kernels on tfjs-backend-wasm's heap (no sigmoid: XNNPACK's
// measured twice as fast as one on this exp), matching the cpu
// backend's results (which compute in double precision through Math.exp,
// Math.log, Math.tanh and round once to float32) to a few ulp, with the same
// NaN, ±Inf, ±0 and subnormal behaviour.
//
// exp: x = n·ln2 + r, |r| ≤ ln2/2 (ln2 split in two for an exact n·ln2_hi),
// e^r by a degree-6 polynomial (Cephes' expf coefficients), times 2^n applied
// in two steps so that results down to the subnormal range round once.
// log: x = 2^e · m, m in [√½, √2) (subnormals scaled by 2^23 first),
// log m = f − f²/2 + f³·P(f) with f = m − 1 (Cephes' logf coefficients).
#include "simd_math.h"




static inline v128_t log4(v128_t x) {
  // Subnormals: scale by 2^23 and remember it in the exponent.
  v128_t tiny = wasm_f32x4_lt(x, SPLAT(1.17549435e-38f));
  v128_t xs = wasm_v128_bitselect(wasm_f32x4_mul(x, SPLAT(8388608.0f)), x, tiny);
  v128_t bits = xs;
  v128_t e = wasm_i32x4_sub(wasm_u32x4_shr(bits, 23), I32(127));
  e = wasm_v128_bitselect(wasm_i32x4_sub(e, I32(23)), e, tiny);
  v128_t m = wasm_v128_or(wasm_v128_and(bits, I32(0x007fffff)), I32(0x3f800000));  // [1, 2)
  v128_t big = wasm_f32x4_gt(m, SPLAT(1.41421356237f));
  m = wasm_v128_bitselect(wasm_f32x4_mul(m, SPLAT(0.5f)), m, big);
  e = wasm_i32x4_sub(e, big);  // big is all ones (−1) where m was halved
  v128_t ef = wasm_f32x4_convert_i32x4(e);
  v128_t f = wasm_f32x4_sub(m, SPLAT(1.0f));
  v128_t p = SPLAT(7.0376836292e-2f);
  p = madd(p, f, SPLAT(-1.1514610310e-1f));
  p = madd(p, f, SPLAT(1.1676998740e-1f));
  p = madd(p, f, SPLAT(-1.2420140846e-1f));
  p = madd(p, f, SPLAT(1.4249322787e-1f));
  p = madd(p, f, SPLAT(-1.6668057665e-1f));
  p = madd(p, f, SPLAT(2.0000714765e-1f));
  p = madd(p, f, SPLAT(-2.4999993993e-1f));
  p = madd(p, f, SPLAT(3.3333331174e-1f));
  v128_t f2 = wasm_f32x4_mul(f, f);
  v128_t y = wasm_f32x4_mul(wasm_f32x4_mul(p, f2), f);
  y = madd(ef, SPLAT(-2.12194440e-4f), y);
  y = madd(f2, SPLAT(-0.5f), y);
  y = wasm_f32x4_add(f, y);
  y = madd(ef, SPLAT(0.693359375f), y);
  // Specials: log 0 = −Inf, log(x < 0) = NaN, log +Inf = +Inf, NaN stays NaN.
  y = wasm_v128_bitselect(SPLAT(-__builtin_inff()), y, wasm_f32x4_eq(x, SPLAT(0.0f)));
  y = wasm_v128_bitselect(SPLAT(__builtin_nanf("")), y, wasm_f32x4_lt(x, SPLAT(0.0f)));
  y = wasm_v128_bitselect(x, y, wasm_v128_or(isnan4(x), wasm_f32x4_eq(x, SPLAT(__builtin_inff()))));
  return y;
}

// log(1 + u) for u ≥ 0, accurate for small u: log(w)·u/(w − 1) with w = 1 + u
// rounded (Goldberg's correction), u itself where w rounds to 1.
static inline v128_t log1p4(v128_t u) {
  v128_t w = wasm_f32x4_add(u, SPLAT(1.0f));
  v128_t d = wasm_f32x4_sub(w, SPLAT(1.0f));
  v128_t y = wasm_f32x4_div(wasm_f32x4_mul(log4(w), u), d);
  y = wasm_v128_bitselect(u, y, wasm_f32x4_eq(d, SPLAT(0.0f)));
  // u = +Inf: log(w) = Inf, Inf/Inf would be NaN.
  return wasm_v128_bitselect(w, y, wasm_f32x4_eq(w, SPLAT(__builtin_inff())));
}


static inline v128_t softplus4(v128_t x) {
  // The cpu backend's three cases: x above −log ε − 2 → x; below log ε + 2 → e^x;
  // log(1 + e^x) between (NaN falls through to it and stays NaN).
  const float threshold = -13.9423847198486328125f;  // log(2^−23) + 2, as float32
  v128_t e = exp4(x);
  v128_t y = log1p4(e);
  y = wasm_v128_bitselect(e, y, wasm_f32x4_lt(x, SPLAT(threshold)));
  return wasm_v128_bitselect(x, y, wasm_f32x4_gt(x, SPLAT(-threshold)));
}

static inline v128_t sign4(v128_t x) {
  v128_t pos = wasm_v128_and(wasm_f32x4_gt(x, SPLAT(0.0f)), SPLAT(1.0f));
  v128_t neg = wasm_v128_and(wasm_f32x4_lt(x, SPLAT(0.0f)), SPLAT(-1.0f));
  return wasm_v128_or(pos, neg);  // NaN and ±0 give +0, as the cpu backend
}

// Unary kernels: out[i] = f(x[i]), i < n; a tail of n mod 4 through one padded vector.
#define UNARY(name, f)                                                          \
  EXPORT(name) void name(const float *x, float *out, int n) {                   \
    int i = 0;                                                                  \
    for (; i + 4 <= n; i += 4) wasm_v128_store(out + i, f(wasm_v128_load(x + i))); \
    if (i < n) {                                                                \
      int rest = n - i;                                                         \
      v128_t v = wasm_f32x4_make(x[i], rest > 1 ? x[i + 1] : 0.0f, rest > 2 ? x[i + 2] : 0.0f, 0.0f); \
      v128_t y = f(v);                                                          \
      out[i] = wasm_f32x4_extract_lane(y, 0);                                   \
      if (rest > 1) out[i + 1] = wasm_f32x4_extract_lane(y, 1);                 \
      if (rest > 2) out[i + 2] = wasm_f32x4_extract_lane(y, 2);                 \
    }                                                                           \
  }

UNARY(exp_f32, exp4)
UNARY(log_f32, log4)
UNARY(tanh_f32, tanh4)
UNARY(softplus_f32, softplus4)
UNARY(sign_f32, sign4)

// Binary kernels over `outer` rows of `inner` elements: row o of operand a starts
// at a + o·a_step; a_splat: the row is one value, broadcast along it (likewise b).
// This covers equal shapes, scalars, and broadcasting along leading or trailing dims.
static inline v128_t max4(v128_t a, v128_t b) { return wasm_f32x4_max(a, b); }  // NaN wins, as Math.max
static inline v128_t min4(v128_t a, v128_t b) { return wasm_f32x4_min(a, b); }

#define LOAD_ROW(p, splat, j) ((splat) ? wasm_v128_load32_splat(p) : wasm_v128_load((p) + (j)))
#define BINARY(name, f)                                                                       \
  EXPORT(name) void name(const float *a, int a_step, int a_splat, const float *b, int b_step, int b_splat, \
                         float *out, int outer, int inner) {                                  \
    for (int o = 0; o < outer; o++) {                                                         \
      const float *ra = a + (int64_t)o * a_step;                                              \
      const float *rb = b + (int64_t)o * b_step;                                              \
      float *ro = out + (int64_t)o * inner;                                                   \
      int j = 0;                                                                              \
      for (; j + 4 <= inner; j += 4) wasm_v128_store(ro + j, f(LOAD_ROW(ra, a_splat, j), LOAD_ROW(rb, b_splat, j))); \
      for (; j < inner; j++) {                                                                \
        v128_t y = f(wasm_f32x4_splat(ra[a_splat ? 0 : j]), wasm_f32x4_splat(rb[b_splat ? 0 : j])); \
        ro[j] = wasm_f32x4_extract_lane(y, 0);                                                \
      }                                                                                       \
    }                                                                                         \
  }

BINARY(maximum_f32, max4)
BINARY(minimum_f32, min4)

// Comparisons write bool (one byte, 0 or 1); NaN compares false, as in JavaScript.
#define COMPARE(name, cmp)                                                                    \
  EXPORT(name) void name(const float *a, int a_step, int a_splat, const float *b, int b_step, int b_splat, \
                         uint8_t *out, int outer, int inner) {                                \
    for (int o = 0; o < outer; o++) {                                                         \
      const float *ra = a + (int64_t)o * a_step;                                              \
      const float *rb = b + (int64_t)o * b_step;                                              \
      uint8_t *ro = out + (int64_t)o * inner;                                                 \
      int j = 0;                                                                              \
      for (; j + 4 <= inner; j += 4) {                                                        \
        v128_t m = wasm_v128_and(cmp(LOAD_ROW(ra, a_splat, j), LOAD_ROW(rb, b_splat, j)), I32(1)); \
        v128_t bytes = wasm_u8x16_narrow_i16x8(wasm_i16x8_narrow_i32x4(m, m), wasm_i16x8_narrow_i32x4(m, m)); \
        wasm_v128_store32_lane(ro + j, bytes, 0);                                             \
      }                                                                                       \
      for (; j < inner; j++) {                                                                \
        v128_t m = cmp(wasm_f32x4_splat(ra[a_splat ? 0 : j]), wasm_f32x4_splat(rb[b_splat ? 0 : j])); \
        ro[j] = (uint8_t)(wasm_i32x4_extract_lane(m, 0) & 1);                                 \
      }                                                                                       \
    }                                                                                         \
  }

COMPARE(greater_f32, wasm_f32x4_gt)
COMPARE(less_f32, wasm_f32x4_lt)

// out[i] = cond[i] ? a[i] : b[i] for 4-byte elements; cond is bool (bytes 0 or 1).
EXPORT(select_32) void select_32(const uint8_t *cond, const float *a, const float *b, float *out, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t c = wasm_u32x4_extend_low_u16x8(wasm_u16x8_extend_low_u8x16(wasm_v128_load32_zero(cond + i)));
    v128_t m = wasm_i32x4_eq(c, I32(1));
    wasm_v128_store(out + i, wasm_v128_bitselect(wasm_v128_load(a + i), wasm_v128_load(b + i), m));
  }
  for (; i < n; i++) out[i] = cond[i] == 1 ? a[i] : b[i];
}

// The same for 1-byte elements (bool branches). tfjs-backend-wasm 4.22's own
// Select writes past its output there and corrupts the heap.
EXPORT(select_8) void select_8(const uint8_t *cond, const uint8_t *a, const uint8_t *b, uint8_t *out, int n) {
  int i = 0;
  for (; i + 16 <= n; i += 16) {
    v128_t m = wasm_i8x16_eq(wasm_v128_load(cond + i), wasm_i8x16_splat(1));
    wasm_v128_store(out + i, wasm_v128_bitselect(wasm_v128_load(a + i), wasm_v128_load(b + i), m));
  }
  for (; i < n; i++) out[i] = cond[i] == 1 ? a[i] : b[i];
}
