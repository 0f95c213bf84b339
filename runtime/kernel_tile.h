// The fused per-tile evaluation of the kernel engine (kernels.cpp runs it over all tiles).
//
// Each entry carries, next to its covariance c = Sigma^l(x, x') and its NTK value, the gap
// ab - c^2 and the distance a + b - 2c, both without cancellation: at the input they come from
// x' -+ x (exact for identical points, full precision for |x - x'| = 1e-8 and for x' ~ -x), and
// every layer whose E[phi phi] has closed forms with a distance (relu, sign, heaviside, linear)
// propagates them analytically. So the arccos/arcsin of kinks and jumps never sees a
// correlation rounded below 1, and diagonals come out exact. Other layers re-form the gap from
// (a, b, c), stably, as before.
#pragma once
#include <array>
#include <cstddef>
#include <vector>

#include "runtime/bound_program.h"
#include "runtime/hermite_series.h"
#include "runtime/kinds.h"
#include "runtime/matrix_io.h"

namespace sgntk::runtime {

class DivergentEntries;

// Per point and layer: Sigma^l(x, x) for l = 0..L (sigma[0] reads the input) and the NNGP
// expectation E_l at it (expect[l], l < L), from the same arithmetic the tiles use, so that an
// entry of a point with itself reproduces them bit for bit.
struct PointDiagonals {
  std::vector<double> sq_norm, norm;            // |x|^2, |x|
  std::vector<std::vector<double>> sigma, expect;
  std::vector<bool> distance_ok;                // per layer: every sigma > 0 (the distance forms need it)
  // Per layer, the Hermite tables of the hermite_series terms of E[phi phi] ([0]) and of the
  // kernel kind's E[phi' phi'] or E[phi' g] ([1]), at these points' Sigma^l(x, x).
  std::vector<std::array<std::vector<SeriesTables>, 2>> series;
};

// x . x' summed in index order without contraction: the tiles' dot products agree with it bit
// for bit.
double point_dot(const double* x, const double* y, std::size_t d);

// Sigma^l(x, x) for every point and layer; throws EvalError (via `divergent`) where a point's
// own variance makes an expectation diverge.
// Also tabulates the series terms of the expectations a kernel of `kind` needs.
PointDiagonals diagonal_recursion(const KernelProgram& p, const RowMatrix& x, KernelKind kind);

// One tile of entries (x1 rows i0.., x2 rows j0..), all layers fused: writes c (NNGP) and
// theta (NTK/SG-NTK) of its ni x nj entries, row-major, into `nngp` and `dot` (ni * nj each).
class FusedTile {
 public:
  static constexpr std::size_t side = 16;  // tile x tile entries

  FusedTile(const KernelProgram& p, KernelKind kind, const RowMatrix& x1, const RowMatrix& x2,
            const PointDiagonals& d1, const PointDiagonals& d2, DivergentEntries& divergent);

  // Entries whose expectations diverge are NaN in the result (and counted in `divergent`);
  // `weight` is 2 when the tile also stands for its mirror. Returns a pointer to ni * nj values.
  const double* run(std::size_t i0, std::size_t j0, std::size_t ni, std::size_t nj, std::size_t weight) const;

 private:
  // The next gap and distance of the nf nearly collinear entries of layer l (indices in the
  // thread's workspace), from the layer's analytic distance.
  void exact_gaps(std::size_t l, std::size_t i0, std::size_t j0, std::size_t nj, std::size_t nf, double w2,
                  double b2) const;

  const KernelProgram& p_;
  KernelKind kind_;
  const RowMatrix &x1_, &x2_;
  RowMatrix x2t_;  // x2 transposed (d x N2): the tile's dot products vectorise over columns
  const PointDiagonals &d1_, &d2_;
  DivergentEntries& divergent_;
};

}  // namespace sgntk::runtime
