// Compiled with -mavx2 -mfma (CMakeLists.txt); called only where the CPU has both.
#include <immintrin.h>
#include <sleef.h>

#include "runtime/vector_math.h"

namespace sgntk::runtime::vector_math::detail {

void atan2_avx2(const double* y, const double* x, double* out, std::size_t n) {
  for (std::size_t i = 0; i < n; i += 4)
    _mm256_storeu_pd(out + i, Sleef_atan2d4_u10avx2(_mm256_loadu_pd(y + i), _mm256_loadu_pd(x + i)));
}

}  // namespace sgntk::runtime::vector_math::detail
