// The engine's Mehler series (hermite_series terms) against the conditional quadrature of the
// same program (an independent route: adaptive Gauss-Kronrod over u, inner average over v), on
// whole kernels: points of different norms, a near-duplicate (rho ~ 1 - 1e-18), an identical
// copy, an antiparallel point, and variances large enough that the series' order reaches its
// cap and entries near the diagonal take the fallback.
#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <string>

#include "tests/kernel/kernel_fixture.h"

namespace sgntk::test {
namespace {

runtime::RowMatrix points(int n, int d, unsigned seed) {
  runtime::RowMatrix x = random_rows(n, d, seed);
  x.row(1) = x.row(0) * (1 + 1e-9);  // nearly identical
  x.row(2) = x.row(0);               // identical
  x.row(3) = -x.row(0);              // antiparallel
  return x;
}

std::string network(const std::string& act, double sigma_w) {
  const std::string layer =
      "  dense(width = 100, sigma_w = " + std::to_string(sigma_w) + ", sigma_b = 0.2, act = " + act + ")\n";
  return "surrogate sig4(x) = 4 * exp(-4*x) / (1 + exp(-4*x))^2\nnetwork net(input = 6) {\n" + layer + layer +
         "  readout(outputs = 1, sigma_w = 1, sigma_b = 0.2)\n}\n";
}

int count_series(const runtime::KernelProgram& p) {
  int n = 0;
  for (const auto& layer : p.hidden)
    for (const auto* e : {&layer.nngp, &layer.ntk, &layer.sgntk})
      for (const auto& t : e->terms)
        if (const auto* q = std::get_if<runtime::QuadratureTerm>(&t.what))
          n += q->method == runtime::QuadratureTerm::Method::hermite_series;
  return n;
}

// The same program with every series term computed by its conditional quadrature.
runtime::KernelProgram conditional_only(runtime::KernelProgram p) {
  for (auto& layer : p.hidden)
    for (auto* e : {&layer.nngp, &layer.ntk, &layer.sgntk})
      for (auto& t : e->terms)
        if (auto* q = std::get_if<runtime::QuadratureTerm>(&t.what))
          if (q->method == runtime::QuadratureTerm::Method::hermite_series)
            q->method = runtime::QuadratureTerm::Method::conditional;
  return p;
}

double worst_relative(const runtime::RowMatrix& got, const runtime::RowMatrix& want) {
  double worst = 0;
  for (Eigen::Index i = 0; i < got.rows(); ++i)
    for (Eigen::Index j = 0; j < got.cols(); ++j) worst = std::max(worst, relative_error(got(i, j), want(i, j)));
  return worst;
}

}  // namespace

TEST_CASE("Mehler series kernels agree with the conditional quadrature to 2e-10 (each route meets 1e-10)") {
  const auto x1 = points(9, 6, 1), x2 = points(7, 6, 2);  // (the conditional route costs ms per entry)
  struct Case {
    const char* act;
    runtime::KernelKind kind;
    double sigma_w;
  };
  const Case cases[] = {
      {"tanh(x)", runtime::KernelKind::ntk, 2.5},  // variances up to ~40: the order is capped, fallbacks  // variances up to ~40: the order is capped, fallbacks
      {"x/(1 + exp(-x))", runtime::KernelKind::ntk, 1.5},
      {"log(1 + exp(x))", runtime::KernelKind::nngp, 1.5},
      {"tanh(x), surrogate = sig4", runtime::KernelKind::sgntk, 1.2},
  };
  for (const Case& c : cases) {
    CAPTURE(c.act);
    CAPTURE(c.sigma_w);
    const auto compiled = compile(network(c.act, c.sigma_w));
    REQUIRE(count_series(compiled.program) > 0);
    const runtime::KernelProgram reference = conditional_only(compiled.program);
    CHECK(count_series(reference) == 0);
    CHECK(worst_relative(runtime::compute_kernel(compiled.program, c.kind, x1, nullptr),
                         runtime::compute_kernel(reference, c.kind, x1, nullptr)) <= 2e-10);
    // two point sets: tables of two orders
    CHECK(worst_relative(runtime::compute_kernel(compiled.program, c.kind, x1, &x2),
                         runtime::compute_kernel(reference, c.kind, x1, &x2)) <= 2e-10);
  }
}

TEST_CASE("Series kernels: K(x1, copy of x1) equals K(x1) bit for bit, and a point with itself its diagonal") {
  const auto x = points(40, 6, 3);
  const runtime::RowMatrix copy = x;
  const auto compiled = compile(network("tanh(x)", 1.3));
  for (const auto kind : {runtime::KernelKind::nngp, runtime::KernelKind::ntk}) {
    const auto symmetric = runtime::compute_kernel(compiled.program, kind, x, nullptr);
    const auto cross = runtime::compute_kernel(compiled.program, kind, x, &copy);
    CHECK((symmetric.array() == cross.array()).all());
    CHECK(symmetric(0, 2) == symmetric(0, 0));  // row 2 is row 0
    CHECK(symmetric(2, 2) == symmetric(0, 0));
  }
}

}  // namespace sgntk::test
