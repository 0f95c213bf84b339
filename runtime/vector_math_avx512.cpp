// Compiled with -mavx512f (CMakeLists.txt); called only where the CPU has it.
#include <immintrin.h>
#include <sleef.h>

#include "runtime/vector_math.h"

namespace sgntk::runtime::vector_math::detail {

void atan2_avx512(const double* y, const double* x, double* out, std::size_t n) {
  for (std::size_t i = 0; i < n; i += 8)
    _mm512_storeu_pd(out + i, Sleef_atan2d8_u10avx512f(_mm512_loadu_pd(y + i), _mm512_loadu_pd(x + i)));
}

}  // namespace sgntk::runtime::vector_math::detail
