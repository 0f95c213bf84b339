#include "runtime/vector_math.h"

#include <emmintrin.h>
#include <sleef.h>

namespace sgntk::runtime::vector_math {
namespace {

void atan2_sse2(const double* y, const double* x, double* out, std::size_t n) {
  for (std::size_t i = 0; i < n; i += 2)
    _mm_storeu_pd(out + i, Sleef_atan2d2_u10sse2(_mm_loadu_pd(y + i), _mm_loadu_pd(x + i)));
}

enum class Unit { avx512, avx2, sse2 };

Unit detect() {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) return Unit::avx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return Unit::avx2;
  return Unit::sse2;
}

const Unit unit_in_use = detect();

using Atan2 = void (*)(const double*, const double*, double*, std::size_t);
const Atan2 atan2_in_use = unit_in_use == Unit::avx512 ? detail::atan2_avx512
                           : unit_in_use == Unit::avx2 ? detail::atan2_avx2
                                                       : atan2_sse2;

}  // namespace

void atan2(const double* y, const double* x, double* out, std::size_t n) { atan2_in_use(y, x, out, n); }

const char* unit() {
  return unit_in_use == Unit::avx512 ? "avx512" : unit_in_use == Unit::avx2 ? "avx2" : "sse2";
}

}  // namespace sgntk::runtime::vector_math
