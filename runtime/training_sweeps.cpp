// The training sweeps of the CPU this process runs on (training_sweeps.h).
#include "runtime/training_sweeps.h"

namespace sgntk::runtime::training_sweeps {
namespace {

enum class Unit { avx512, avx2, sse2 };

Unit best_unit() {
#if defined(__x86_64__)
  if (__builtin_cpu_supports("avx512f")) return Unit::avx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return Unit::avx2;
#endif
  return Unit::sse2;
}

template <class Scalar>
const Sweeps<Scalar>& pick(const Sweeps<Scalar>& (*avx512)(), const Sweeps<Scalar>& (*avx2)(),
                           const Sweeps<Scalar>& (*sse2)()) {
  switch (best_unit()) {
    case Unit::avx512: return avx512();
    case Unit::avx2: return avx2();
    default: return sse2();
  }
}

}  // namespace

const Sweeps<double>& sweeps_f64() {
  static const Sweeps<double>& s = pick(detail::avx512::f64, detail::avx2::f64, detail::sse2::f64);
  return s;
}

const Sweeps<float>& sweeps_f32() {
  static const Sweeps<float>& s = pick(detail::avx512::f32, detail::avx2::f32, detail::sse2::f32);
  return s;
}

}  // namespace sgntk::runtime::training_sweeps
