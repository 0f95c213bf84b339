// Elementwise special functions over arrays with SLEEF's 1-ulp vector functions, on the widest
// unit of the machine (AVX-512, else AVX2 + FMA, else SSE2), chosen once at start-up. Every
// element goes through the same vector function, so a value never depends on its position in
// an array. n must be a multiple of vector_math::lanes (callers pad their arrays). out may alias
// an input: each vector is loaded before its result is stored.
#pragma once
#include <cstddef>

// Marks a function of plain loops over arrays to be compiled three times, for the baseline
// x86-64, AVX2 + FMA and AVX-512, the copy for the machine chosen when the program loads (ifunc).
// Floating-point contraction is off (ISO C++), so every copy does the same arithmetic.
#define SGNTK_VECTOR_CLONES __attribute__((target_clones("default", "arch=x86-64-v3", "arch=x86-64-v4")))

namespace sgntk::runtime::vector_math {

inline constexpr std::size_t lanes = 8;  // the widest vector (AVX-512, 8 doubles)

// n rounded up to a multiple of lanes.
constexpr std::size_t padded(std::size_t n) { return (n + lanes - 1) / lanes * lanes; }

using Unary = void (*)(const double* x, double* out, std::size_t n);
using Binary = void (*)(const double* x, const double* y, double* out, std::size_t n);

// The functions of one unit: out[i] = f(x[i]) (or f(x[i], y[i])).
struct Functions {
  Unary exp, log, sin, cos, tanh, erf, atan;
  Binary pow, atan2;
  // sin_out[i] = sin(x[i]), cos_out[i] = cos(x[i]) in one pass.
  void (*sincos)(const double* x, double* sin_out, double* cos_out, std::size_t n);
  const char* unit;  // "avx512", "avx2" or "sse2"
};

// The unit in use.
const Functions& functions();

inline void exp(const double* x, double* out, std::size_t n) { functions().exp(x, out, n); }
inline void log(const double* x, double* out, std::size_t n) { functions().log(x, out, n); }
inline void sin(const double* x, double* out, std::size_t n) { functions().sin(x, out, n); }
inline void cos(const double* x, double* out, std::size_t n) { functions().cos(x, out, n); }
inline void tanh(const double* x, double* out, std::size_t n) { functions().tanh(x, out, n); }
inline void erf(const double* x, double* out, std::size_t n) { functions().erf(x, out, n); }
inline void atan(const double* x, double* out, std::size_t n) { functions().atan(x, out, n); }
inline void pow(const double* x, const double* y, double* out, std::size_t n) { functions().pow(x, y, out, n); }
// out[i] = atan2(y[i], x[i]).
inline void atan2(const double* y, const double* x, double* out, std::size_t n) { functions().atan2(y, x, out, n); }
inline void sincos(const double* x, double* sin_out, double* cos_out, std::size_t n) {
  functions().sincos(x, sin_out, cos_out, n);
}

// "avx512", "avx2" or "sse2": the unit in use, for benchmarks.
inline const char* unit() { return functions().unit; }

namespace detail {
// One table per unit, each in its own translation unit compiled for that unit
// (vector_math_unit.inc).
extern const Functions functions_avx512, functions_avx2, functions_sse2;
}  // namespace detail

}  // namespace sgntk::runtime::vector_math
