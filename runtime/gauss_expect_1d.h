// One-dimensional Gaussian averages by adaptive quadrature: E[h(V)], V ~ N(mean, var), for
// integrands with kinks, jumps, compact support or sharp peaks. In the standardised coordinate
// z = (t - mean)/sd the line is truncated to |z| <= 9 (Gaussian mass beyond: < 1e-18; reached
// further, up to |z| = 60, while the outermost panel still holds mass, for growing h), split at
// the break points of the Shape, at the support edges, at t = 0 (where surrogate peaks sit) and
// around its steep transitions (transition_cuts), cut into panels no wider than 1.5, and every
// panel is refined by G7K15 Gauss-Kronrod until its error estimate |K15 - G7| fits its share of
// tolerance * E[|h(V)|]. All pending panels of all
// entries are evaluated in one integrand call per refinement round.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "runtime/array_function.h"

namespace sgntk::runtime {

// Evaluates a batch of points of several integrands at once: y[k] = h_{entry[k]}(t[k]), k < n,
// where entry[k] indexes the means/variances given to adaptive_gauss_1d.
using BatchIntegrand = std::function<void(const std::uint32_t* entry, const double* t, double* y, std::size_t n)>;

// Appends to `cuts` the points t where h_entry changes on a scale the shape does not announce
// (e.g. the smoothed jump of a conditional average); the integration splits there too.
using ExtraCuts = std::function<void(std::uint32_t entry, std::vector<double>& cuts)>;

// The cuts that resolve a steep transition of `width` at `center` (program::Transition) under a
// Gaussian of standard deviation sd: the center and center +- width * 4^j for every j with
// width * 4^j < 1.5 sd, so that panels of every scale from the width up meet it.
void transition_cuts(double center, double width, double sd, std::vector<double>& cuts);

// out[i] = E[h_i(V)], V ~ N(mean[i], var[i]), i < n, to `tolerance` relative to E[|h_i(V)|].
// var[i] <= 0 gives h_i(mean[i]) (the zero-variance law). `shape` describes every h_i. `noise`:
// the relative accuracy of h's values (an inner integral's tolerance), which adds up to
// 2 noise E[|h|] to the error and is not refined against.
void adaptive_gauss_1d(const BatchIntegrand& h, const Shape& shape, const double* mean, const double* var,
                       double* out, std::size_t n, double tolerance, const ExtraCuts& extra_cuts = nullptr,
                       double noise = 0.0);

// E1[g](mean, var): out[i] = E[g(V)], V ~ N(mean[i], var[i]).
void gauss_expect_1d(const ArrayFunction& g, const Shape& g_shape, const double* mean, const double* var,
                     double* out, std::size_t n, double tolerance = 1e-10);

}  // namespace sgntk::runtime
