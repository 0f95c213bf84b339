#include "bench/hand_fused_kernels.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <numbers>
#include <stdexcept>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <vector>

#include "bench/simd_vectors.h"

namespace sgntk::bench {
namespace {

constexpr std::size_t tile = 8;  // a tile is 8 rows x 8 columns: one cache line per mirrored row
using Tile = double[tile][tile];

// What every tile reads: points in both layouts and the diagonal recursion, padded to whole
// tiles (padding columns compute harmless values that are never written).
struct Plan {
  std::size_t n, np, d, layers;
  const double* x;     // n x d, row-major
  const double* xt;    // d x np: xt[k * np + j] = x_j[k], zero padded
  const double* diag;  // layers x np: Sigma^l(x_j, x_j), padded with 1
  double w2, b2, e;    // e = 1 / (2 m^2) for erf
};

using TileFn = void (*)(const Plan&, std::size_t, std::size_t, Tile&);

// The tile code once per instruction set.
#define SGNTK_PER_ISA "bench/hand_fused_tile.inc"
#include "bench/for_each_isa.inc"
#undef SGNTK_PER_ISA

HandIsa resolve(HandIsa isa) {
  if (isa != HandIsa::best) return isa;
  if (hand_isa_supported(HandIsa::avx512)) return HandIsa::avx512;
  if (hand_isa_supported(HandIsa::avx2)) return HandIsa::avx2;
  return HandIsa::scalar;
}

TileFn tile_function(HandIsa isa, HandActivation act) {
  const bool erf = act == HandActivation::erf;
  switch (resolve(isa)) {
#if defined(__x86_64__)
    case HandIsa::avx512: return erf ? avx512::tile_erf : avx512::tile_relu;
    case HandIsa::avx2: return erf ? avx2::tile_erf : avx2::tile_relu;
#endif
    default: return erf ? scalar::tile_erf : scalar::tile_relu;
  }
}

// The diagonal recursion at rho = 1, in closed form: Sigma^l(x, x) for every layer (what the
// off-diagonal entries read) and Theta(x, x) itself, exact to rounding (no ab - c^2 to cancel).
void diagonal_recursion(const HandNetwork& net, const Plan& p, std::vector<double>& diag, std::vector<double>& theta) {
  const double two_over_pi = 2 / std::numbers::pi;
  for (std::size_t i = 0; i < p.n; ++i) {
    double norm2 = 0;
    for (std::size_t k = 0; k < p.d; ++k) norm2 += p.x[i * p.d + k] * p.x[i * p.d + k];
    double s = p.w2 * norm2 / double(p.d) + p.b2, th = s;
    for (std::size_t l = 0; l < p.layers; ++l) {
      diag[l * p.np + i] = s;
      double phi = 0.5 * s, dphi = 0.5;  // relu: E[relu(u)^2] = a/2, E[H(u)^2] = 1/2
      if (net.activation == HandActivation::erf) {
        phi = two_over_pi * std::asin(s / (s + p.e));
        dphi = two_over_pi / std::sqrt(p.e * (2 * s + p.e));  // (s + e)^2 - s^2 without cancellation
      }
      s = p.w2 * phi + p.b2;
      th = th * (p.w2 * dphi) + s;
    }
    theta[i] = th;
  }
}

// Writes a computed tile and its mirror. Full off-diagonal tiles go as whole rows (and whole
// cache lines of the transposed rows); the diagonal tile and the edges entry by entry, the
// diagonal itself from the exact recursion.
void write_tile(const Tile& t, std::size_t i0, std::size_t j0, std::size_t n, const std::vector<double>& theta_diag,
                runtime::MatrixView out) {
  const std::size_t rows = std::min(tile, n - i0), cols = std::min(tile, n - j0);
  if (j0 != i0 && rows == tile && cols == tile) {
    for (std::size_t r = 0; r < tile; ++r) std::memcpy(&out(i0 + r, j0), t[r], sizeof t[r]);
    for (std::size_t k = 0; k < tile; ++k) {
      double* dst = &out(j0 + k, i0);
      for (std::size_t r = 0; r < tile; ++r) dst[r] = t[r][k];
    }
    return;
  }
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t k = 0; k < cols; ++k) {
      const std::size_t i = i0 + r, j = j0 + k;
      if (j < i) continue;
      out(i, j) = out(j, i) = i == j ? theta_diag[i] : t[r][k];
    }
}

}  // namespace

bool hand_isa_supported(HandIsa isa) {
#if defined(__x86_64__)
  if (isa == HandIsa::avx512) return __builtin_cpu_supports("avx512f");
  if (isa == HandIsa::avx2) return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  if (isa == HandIsa::avx512 || isa == HandIsa::avx2) return false;
#endif
  return true;
}

std::string hand_isa_name(HandIsa isa) {
  switch (resolve(isa)) {
    case HandIsa::avx512: return "avx512";
    case HandIsa::avx2: return "avx2";
    default: return "scalar";
  }
}

void hand_fused_ntk(const HandNetwork& net, const runtime::RowMatrix& x, runtime::MatrixView out, HandIsa isa) {
  if (!hand_isa_supported(isa))
    throw std::invalid_argument("hand_fused_ntk: this CPU cannot run " + hand_isa_name(isa));
  const std::size_t n = static_cast<std::size_t>(x.rows()), d = static_cast<std::size_t>(x.cols());
  const std::size_t np = (n + tile - 1) / tile * tile, layers = static_cast<std::size_t>(net.hidden_layers);
  std::vector<double> xt(d * np, 0.0), diag(layers * np, 1.0), theta_diag(n);
  for (std::size_t j = 0; j < n; ++j)
    for (std::size_t k = 0; k < d; ++k) xt[k * np + j] = x(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(k));
  const Plan plan{n, np, d, layers, x.data(), xt.data(), diag.data(), net.sigma_w * net.sigma_w,
                  net.sigma_b * net.sigma_b, 1 / (2 * net.m * net.m)};
  diagonal_recursion(net, plan, diag, theta_diag);
  const TileFn fn = tile_function(isa, net.activation);
  const std::size_t blocks = np / tile;
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, blocks, 1), [&](const tbb::blocked_range<std::size_t>& range) {
    alignas(64) Tile t;
    for (std::size_t ib = range.begin(); ib != range.end(); ++ib)
      for (std::size_t j0 = ib * tile; j0 < n; j0 += tile) {
        fn(plan, ib * tile, j0, t);
        write_tile(t, ib * tile, j0, n, theta_diag, out);
      }
  });
}

}  // namespace sgntk::bench
