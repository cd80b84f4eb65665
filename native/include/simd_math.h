// Vector math shared by our wasm modules (native/kernels, native/decode):
// exp, tanh and the logistic sigmoid on four float32 lanes, accurate to about
// 1 ulp of float32 (Cephes' polynomials), with NaN, ±Inf, ±0, overflow and
// underflow behaving as the cpu backend's. Only inline functions and
// constants in registers: no static data, no stack.
#ifndef TFG_SIMD_MATH_H
#define TFG_SIMD_MATH_H
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

// σ(x) = 1 / (1 + e^{−x}).
static inline v128_t sigmoid4(v128_t x) {
  return wasm_f32x4_div(SPLAT(1.0f), wasm_f32x4_add(SPLAT(1.0f), exp4(wasm_f32x4_neg(x))));
}
#endif
