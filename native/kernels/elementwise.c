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
#include "simd.h"

#define SPLAT(x) wasm_f32x4_splat(x)
#define I32(x) wasm_i32x4_splat(x)

static inline v128_t isnan4(v128_t x) { return wasm_f32x4_ne(x, x); }

static inline v128_t exp4(v128_t x) {
  const v128_t log2e = SPLAT(1.44269504088896341f);
  // n = round(x / ln2) by the 1.5·2^23 trick: the sum's low mantissa bits are n.
  // pmin/pmax (one instruction each; NaN is patched at the end) keep |x| ≤ 104.
  v128_t xc = wasm_f32x4_pmin(wasm_f32x4_pmax(x, SPLAT(-104.0f)), SPLAT(89.0f));
  const v128_t magic = SPLAT(12582912.0f);
  v128_t biased = madd(xc, log2e, magic);
  v128_t n = wasm_f32x4_sub(biased, magic);
  v128_t ni = wasm_i32x4_sub(biased, magic);
  v128_t r = madd(n, SPLAT(-0.693359375f), xc);
  r = madd(n, SPLAT(2.12194440e-4f), r);
  v128_t p = SPLAT(1.9875691500e-4f);
  p = madd(p, r, SPLAT(1.3981999507e-3f));
  p = madd(p, r, SPLAT(8.3334519073e-3f));
  p = madd(p, r, SPLAT(4.1665795894e-2f));
  p = madd(p, r, SPLAT(1.6666665459e-1f));
  p = madd(p, r, SPLAT(5.0000001201e-1f));
  v128_t r2 = wasm_f32x4_mul(r, r);
  v128_t y = wasm_f32x4_add(madd(p, r2, r), SPLAT(1.0f));  // e^r
  // 2^n in two factors 2^(n/2 rounded down) · 2^(rest), each a normal float.
  v128_t n1 = wasm_i32x4_shr(ni, 1);
  v128_t n2 = wasm_i32x4_sub(ni, n1);
  v128_t s1 = wasm_i32x4_shl(wasm_i32x4_add(n1, I32(127)), 23);
  v128_t s2 = wasm_i32x4_shl(wasm_i32x4_add(n2, I32(127)), 23);
  y = wasm_f32x4_mul(wasm_f32x4_mul(y, s1), s2);
  // Overflow to +Inf and underflow to 0 exactly where float32 e^x does.
  y = wasm_v128_bitselect(SPLAT(__builtin_inff()), y, wasm_f32x4_gt(x, SPLAT(88.72283935546875f)));
  y = wasm_v128_bitselect(SPLAT(0.0f), y, wasm_f32x4_lt(x, SPLAT(-103.97208404541015625f)));
  return wasm_v128_bitselect(x, y, isnan4(x));
}

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

static inline v128_t tanh4(v128_t x) {
  v128_t ax = wasm_f32x4_abs(x);
  // |x| < 0.625: odd polynomial (Cephes' tanhf); no cancellation near 0.
  v128_t z = wasm_f32x4_mul(x, x);
  v128_t p = SPLAT(-5.70498872745e-3f);
  p = madd(p, z, SPLAT(2.06390887954e-2f));
  p = madd(p, z, SPLAT(-5.37397155531e-2f));
  p = madd(p, z, SPLAT(1.33314422036e-1f));
  p = madd(p, z, SPLAT(-3.33332819422e-1f));
  v128_t small = madd(wasm_f32x4_mul(p, z), x, x);
  // Else 1 − 2 / (e^{2|x|} + 1), with x's sign; e^{2|x|} = Inf gives exactly 1.
  v128_t e = exp4(wasm_f32x4_add(ax, ax));
  v128_t large = wasm_f32x4_sub(SPLAT(1.0f), wasm_f32x4_div(SPLAT(2.0f), wasm_f32x4_add(e, SPLAT(1.0f))));
  large = wasm_v128_or(large, wasm_v128_and(x, I32((int)0x80000000)));
  v128_t y = wasm_v128_bitselect(small, large, wasm_f32x4_lt(ax, SPLAT(0.625f)));
  return wasm_v128_bitselect(x, y, wasm_v128_or(isnan4(x), wasm_f32x4_eq(x, SPLAT(0.0f))));  // NaN, ±0 as given
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
