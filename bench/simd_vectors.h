// The vector types the yardsticks are written with: one struct V per instruction set (scalar,
// AVX2 + FMA, AVX-512), each a type T with the same static operations (SLEEF for atan, atan2).
// Code over V is written once, in an .inc file that a .cpp includes through for_each_isa.inc:
// once per instruction set, under the matching `#pragma GCC target`. The build stays generic,
// and a run-time check picks what the CPU runs.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>

#if defined(__x86_64__)
#include <immintrin.h>
// sleef.h declares its AVX2 and AVX-512 entry points only to code compiled for those instruction
// sets. Only functions compiled for them (the target blocks below) call them, after a run-time
// check: the declarations are asked for by the header's own switches, for the include alone.
#if !defined(__AVX__)
#define __AVX__ 1
#define SGNTK_UNDEF_AVX
#endif
#if !defined(__AVX512F__)
#define __AVX512F__ 1
#define SGNTK_UNDEF_AVX512F
#endif
#include <sleef.h>
#if defined(SGNTK_UNDEF_AVX)
#undef __AVX__
#undef SGNTK_UNDEF_AVX
#endif
#if defined(SGNTK_UNDEF_AVX512F)
#undef __AVX512F__
#undef SGNTK_UNDEF_AVX512F
#endif
#endif

namespace sgntk::bench::simd {

namespace scalar {
struct V {
  using T = double;
  static constexpr std::size_t width = 1;
  static T set1(double v) { return v; }
  static T load(const double* p) { return *p; }
  static void store(double* p, T v) { *p = v; }
  static T add(T a, T b) { return a + b; }
  static T mul(T a, T b) { return a * b; }
  static T div(T a, T b) { return a / b; }
  static T fmadd(T a, T b, T c) { return a * b + c; }
  static T fnmadd(T a, T b, T c) { return c - a * b; }
  static T max(T a, T b) { return std::max(a, b); }
  static T neg(T a) { return -a; }
  static T sqrt(T a) { return std::sqrt(a); }
  static T atan(T a) { return std::atan(a); }
  static T atan2(T y, T x) { return std::atan2(y, x); }
};
}  // namespace scalar

#if defined(__x86_64__)
#pragma GCC push_options
#pragma GCC target("avx512f")
namespace avx512 {
struct V {
  using T = __m512d;
  static constexpr std::size_t width = 8;
  static T set1(double v) { return _mm512_set1_pd(v); }
  static T load(const double* p) { return _mm512_loadu_pd(p); }
  static void store(double* p, T v) { _mm512_storeu_pd(p, v); }
  static T add(T a, T b) { return _mm512_add_pd(a, b); }
  static T mul(T a, T b) { return _mm512_mul_pd(a, b); }
  static T div(T a, T b) { return _mm512_div_pd(a, b); }
  static T fmadd(T a, T b, T c) { return _mm512_fmadd_pd(a, b, c); }
  static T fnmadd(T a, T b, T c) { return _mm512_fnmadd_pd(a, b, c); }
  static T max(T a, T b) { return _mm512_max_pd(a, b); }
  static T neg(T a) {
    const __m512i sign = _mm512_castpd_si512(_mm512_set1_pd(-0.0));
    return _mm512_castsi512_pd(_mm512_xor_si512(_mm512_castpd_si512(a), sign));
  }
  static T sqrt(T a) { return _mm512_sqrt_pd(a); }
  static T atan(T a) { return Sleef_atand8_u10avx512f(a); }
  static T atan2(T y, T x) { return Sleef_atan2d8_u10avx512f(y, x); }
};
}  // namespace avx512
#pragma GCC pop_options

#pragma GCC push_options
#pragma GCC target("avx2,fma")
namespace avx2 {
struct V {
  using T = __m256d;
  static constexpr std::size_t width = 4;
  static T set1(double v) { return _mm256_set1_pd(v); }
  static T load(const double* p) { return _mm256_loadu_pd(p); }
  static void store(double* p, T v) { _mm256_storeu_pd(p, v); }
  static T add(T a, T b) { return _mm256_add_pd(a, b); }
  static T mul(T a, T b) { return _mm256_mul_pd(a, b); }
  static T div(T a, T b) { return _mm256_div_pd(a, b); }
  static T fmadd(T a, T b, T c) { return _mm256_fmadd_pd(a, b, c); }
  static T fnmadd(T a, T b, T c) { return _mm256_fnmadd_pd(a, b, c); }
  static T max(T a, T b) { return _mm256_max_pd(a, b); }
  static T neg(T a) { return _mm256_xor_pd(a, _mm256_set1_pd(-0.0)); }
  static T sqrt(T a) { return _mm256_sqrt_pd(a); }
  static T atan(T a) { return Sleef_atand4_u10avx2(a); }
  static T atan2(T y, T x) { return Sleef_atan2d4_u10avx2(y, x); }
};
}  // namespace avx2
#pragma GCC pop_options
#endif

}  // namespace sgntk::bench::simd
