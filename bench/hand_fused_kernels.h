// The speed of light for the kernel engine: the NTK of an L-hidden-layer network with erf(m x)
// or relu activations, written out by hand as one fused, SIMD-vectorized loop (AVX-512 or
// AVX2 with SLEEF, chosen at run time; scalar elsewhere). Only the upper triangle is computed
// and mirrored; the diagonal comes from its own exact O(N L) recursion. Parallel over blocks of
// rows (oneTBB). Conventions as runtime::compute_kernel: Sigma^1 = sw^2 x.x'/d + sb^2, every
// layer (the readout included) with the same sigma_w and sigma_b.
#pragma once
#include <string>

#include "runtime/kernels.h"

namespace sgntk::bench {

enum class HandActivation { erf, relu };

struct HandNetwork {
  HandActivation activation = HandActivation::erf;
  double m = 1.0;  // erf(m x); unused for relu
  double sigma_w = 1.0, sigma_b = 0.0;
  int hidden_layers = 1;
};

// best: the widest this CPU supports (AVX-512, else AVX2 + FMA, else scalar).
enum class HandIsa { best, avx512, avx2, scalar };

// Whether this CPU runs `isa` (best and scalar: always).
bool hand_isa_supported(HandIsa isa);

// The name of what `isa` runs as on this CPU: "avx512", "avx2" or "scalar".
std::string hand_isa_name(HandIsa isa = HandIsa::best);

// out (x.rows() x x.rows()) = the NTK of `net` on x against itself; every entry written once
// (and its mirror). Throws std::invalid_argument when this CPU cannot run `isa`.
void hand_fused_ntk(const HandNetwork& net, const runtime::RowMatrix& x, runtime::MatrixView out,
                    HandIsa isa = HandIsa::best);

}  // namespace sgntk::bench
