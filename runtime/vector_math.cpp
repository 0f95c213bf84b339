#include "runtime/vector_math.h"

namespace sgntk::runtime::vector_math {
namespace {

const Functions& detect() {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) return detail::functions_avx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return detail::functions_avx2;
  return detail::functions_sse2;
}

}  // namespace

const Functions& functions() {
  static const Functions& in_use = detect();
  return in_use;
}

}  // namespace sgntk::runtime::vector_math
