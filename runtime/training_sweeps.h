// The inner loops of a training step over one dense layer, on the widest vector unit of the
// machine (AVX-512, else AVX2 + FMA, else SSE2), chosen once at start-up. Every layer's storage
// is padded: a weight matrix W (n_out x n_in) is column-major with leading dimension ld, a
// multiple of `padding` (so every column starts on a 64-byte boundary and the vector loops need
// no tail), and per-sample matrices (N x n_out) are row-major with the same ld. The arithmetic
// order of every output is fixed by the code alone (sequential in j, or in k in fixed vector
// lanes summed in a fixed order), never by the thread that runs it.
#pragma once
#include <cstddef>

namespace sgntk::runtime::training_sweeps {

inline constexpr long padding_bytes = 64;

template <class Scalar>
struct Sweeps {
  // p[i * ld + k] = sum_j a[i * lda + j] w[j * ld + k] for i < n, k < ld (all of ld: the padding
  // rows of W are zero); with `accumulate`, p[i * ld + k] + that sum.
  void (*product)(const Scalar* a, long lda, int n, int n_in, const Scalar* w, long ld, Scalar* p, bool accumulate);
  // One sweep over W that reads each column, uses it for the backward product and updates it:
  //   below[i * ldb + j] = s * sum_k d[i * ld + k] w[j * ld + k]      (skipped when below is null)
  //   w[j * ld + k]     -= c * sum_i d[i * ld + k] a[i * lda + j]
  // with the old w in the backward product. `scratch` holds 2 ld Scalars.
  void (*backward_update)(const Scalar* d, int n, long ld, Scalar* w, int n_in, const Scalar* a, long lda, Scalar c,
                          Scalar s, Scalar* below, long ldb, Scalar* scratch);
  // y[k] += alpha x[k], k < len (len a multiple of the padding).
  void (*axpy)(Scalar* y, const Scalar* x, Scalar alpha, long len);
  const char* unit;  // "avx512", "avx2" or "sse2"
};

// The loops for the CPU this process runs on.
const Sweeps<double>& sweeps_f64();
const Sweeps<float>& sweeps_f32();
template <class Scalar>
const Sweeps<Scalar>& sweeps();
template <>
inline const Sweeps<double>& sweeps<double>() { return sweeps_f64(); }
template <>
inline const Sweeps<float>& sweeps<float>() { return sweeps_f32(); }

// ld for n rows of Scalar: n rounded up to a multiple of 64 bytes.
template <class Scalar>
long padded(long n) {
  constexpr long per = padding_bytes / static_cast<long>(sizeof(Scalar));
  return (n + per - 1) / per * per;
}

namespace detail {
// One set per unit, each in its own translation unit compiled for that unit.
namespace avx512 { const Sweeps<double>& f64(); const Sweeps<float>& f32(); }
namespace avx2 { const Sweeps<double>& f64(); const Sweeps<float>& f32(); }
namespace sse2 { const Sweeps<double>& f64(); const Sweeps<float>& f32(); }
}  // namespace detail

}  // namespace sgntk::runtime::training_sweeps
