// Shared helpers of the kernels module. No static data and no address-taken
// locals anywhere in this module: it imports tfjs-backend-wasm's memory, so a
// linker-placed data segment or shadow stack would lie over the backend's heap.
#ifndef TFG_SIMD_H
#define TFG_SIMD_H
#include <wasm_simd128.h>
#include <stdint.h>

#define EXPORT(name) __attribute__((export_name(#name)))

// a * b + c: fused (one rounding) where the engine has relaxed SIMD.
static inline v128_t madd(v128_t a, v128_t b, v128_t c) {
#ifdef TFG_RELAXED_SIMD
  return wasm_f32x4_relaxed_madd(a, b, c);
#else
  return wasm_f32x4_add(wasm_f32x4_mul(a, b), c);
#endif
}
#endif
