// Elementwise special functions over arrays with SLEEF's 1-ulp vector functions, on the widest
// unit of the machine (AVX-512, else AVX2 + FMA, else SSE2), chosen once at start-up. Every
// element goes through the same vector function, so a value never depends on its position in
// an array. n must be a multiple of vector_math::lanes (callers pad their arrays).
#pragma once
#include <cstddef>

namespace sgntk::runtime::vector_math {

inline constexpr std::size_t lanes = 8;  // the widest vector (AVX-512, 8 doubles)

// out[i] = atan2(y[i], x[i]); out may alias y or x.
void atan2(const double* y, const double* x, double* out, std::size_t n);

// "avx512", "avx2" or "sse2": the unit in use, for benchmarks.
const char* unit();

namespace detail {
// One implementation per unit, each in its own translation unit compiled for that unit.
void atan2_avx512(const double* y, const double* x, double* out, std::size_t n);
void atan2_avx2(const double* y, const double* x, double* out, std::size_t n);
}  // namespace detail

}  // namespace sgntk::runtime::vector_math
