// Elementwise special functions over arrays with SLEEF's 1-ulp vector functions, on the widest
// unit of the machine (AVX-512, else AVX2 + FMA, else SSE2), chosen once at start-up. Every
// element goes through the same vector function, so a value never depends on its position in
// an array. n must be a multiple of vector_math::lanes (callers pad their arrays).
#pragma once
#include <cstddef>

// Marks a function of plain loops over arrays to be compiled three times, for the baseline
// x86-64, AVX2 + FMA and AVX-512, the copy for the machine chosen when the program loads (ifunc).
// Floating-point contraction is off (ISO C++), so every copy does the same arithmetic.
#define SGNTK_VECTOR_CLONES __attribute__((target_clones("default", "arch=x86-64-v3", "arch=x86-64-v4")))

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
