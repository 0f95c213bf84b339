// Scales too large for double precision. A sigma_w whose square overflows, or a variance
// sigma_w^2 q + sigma_b^2 beyond the largest double from a finite q, would turn every later
// quantity into inf or NaN (a sign network with sigma_w = 1e160 once gave finite, wrong
// kernels). Both are refused with an EvalError that names the layer and the scale.
#pragma once
#include <cstddef>

#include "runtime/bound_program.h"

namespace sgntk::runtime {

// Throws unless sigma_w^2 and sigma_b^2 of every layer (hidden and readout) are finite.
void check_squared_scales(const KernelProgram& program);

// The variance read by layer `reader` (0-based hidden layer, or program.hidden.size() for the
// readout) at point `point`: `variance` = sigma_w^2 q + sigma_b^2 from `q` (|x|^2/d for the first
// layer, E[phi(u)^2] of the layer below otherwise). Throws when q is finite and the variance is
// not, or beyond 6e153, where a b - c^2 of two such variances overflows (a sign network with
// sigma_w = 1e77 once gave 0 for the entries of points with larger norms); an infinite q is the
// layer below's divergence, explained where that is found.
void check_variance(const KernelProgram& program, std::size_t reader, double q, double variance, std::size_t point);

}  // namespace sgntk::runtime
