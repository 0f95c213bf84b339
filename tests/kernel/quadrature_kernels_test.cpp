// The quadrature path (closed forms switched off) against the closed forms, on whole kernels:
// smooth integrands (Gauss-Hermite), jumps and kinks (split / conditional), delta terms.
#include <doctest/doctest.h>

#include "tests/kernel/kernel_fixture.h"
#include "tests/kernel/reference_kernels.h"

using namespace sgntk;
using namespace sgntk::test;

namespace {

double worst_relative(const runtime::RowMatrix& got, const runtime::RowMatrix& want) {
  double worst = 0;
  for (Eigen::Index i = 0; i < got.rows(); ++i)
    for (Eigen::Index j = 0; j < got.cols(); ++j) worst = std::max(worst, relative_error(got(i, j), want(i, j)));
  return worst;
}

void compare(const std::string& act, const std::string& surrogate, runtime::KernelKind kind, double tolerance) {
  CAPTURE(act);
  CAPTURE(surrogate);
  const auto closed = compile(paper_network(act, surrogate, 2, 2), {}, true);
  const auto numeric = compile(paper_network(act, surrogate, 2, 2), {}, false);
  const auto x1 = to_matrix({{0.3, -0.2}, {1.1, 0.4}, {-0.5, 2.0}, {0.0, 1.0}, {0.9, 0.9}});
  const auto x2 = to_matrix({{0.7, 0.1}, {-1.3, 0.5}, {0.2, -0.4}, {0.0, 1.0}});
  const auto a = runtime::compute_kernel(numeric.program, kind, x1, &x2);
  const auto b = runtime::compute_kernel(closed.program, kind, x1, &x2);
  CHECK(worst_relative(a, b) <= tolerance);
}

}  // namespace

TEST_CASE("quadrature meets its target on smooth integrands (erf network)") {
  compare("erf(2*x)", "", runtime::KernelKind::nngp, 1e-9);
  compare("erf(2*x)", "", runtime::KernelKind::ntk, 1e-9);
}

TEST_CASE("quadrature meets its target on jumps and kinks (sign, relu)") {
  compare("sign", "2/sqrt(pi)*exp(-x^2)", runtime::KernelKind::nngp, 1e-9);
  compare("sign", "2/sqrt(pi)*exp(-x^2)", runtime::KernelKind::sgntk, 1e-9);
  compare("relu", "", runtime::KernelKind::nngp, 1e-9);
  compare("relu", "", runtime::KernelKind::ntk, 1e-9);
  compare("heaviside", "", runtime::KernelKind::nngp, 1e-9);
}

TEST_CASE("shifted activations: the bivariate-density closed form of shifted bumps equals quadrature") {
  // phi = erf(2 (x - 0.5)): phi' is a Gaussian bump centred at 0.5, so E[phi' phi'] is the
  // shifted bump-bump closed form; with closed forms off it is a bump-conditional integral.
  compare("erf(2*(x - 0.5))", "", runtime::KernelKind::ntk, 1e-9);
  compare("erf(2*(x - 0.5))", "2/sqrt(pi)*exp(-x^2)", runtime::KernelKind::sgntk, 1e-9);
}

TEST_CASE("a shifted jump: heaviside(x - 0.5) has a finite SG-NTK and an NTK that is +inf only on the diagonal") {
  const auto c = compile(paper_network("heaviside(x - 0.5)", "2/sqrt(pi)*exp(-x^2)", 2, 2));
  const auto grid = to_matrix(circle_grid());
  const auto ntk = runtime::compute_kernel(c.program, runtime::KernelKind::ntk, grid, nullptr);
  const auto sg = runtime::compute_kernel(c.program, runtime::KernelKind::sgntk, grid, nullptr);
  for (Eigen::Index i = 0; i < grid.rows(); ++i)
    for (Eigen::Index j = 0; j < grid.rows(); ++j) {
      CHECK(std::isfinite(sg(i, j)));
      if (i == j) CHECK(ntk(i, j) == INFINITY);
      else CHECK(std::isfinite(ntk(i, j)));
    }
}
