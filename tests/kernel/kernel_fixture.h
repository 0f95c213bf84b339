// Compiles a spec text to a kernel program and evaluates kernels, for the kernel tests.
#pragma once
#include <doctest/doctest.h>
#include <random>
#include <string>
#include <vector>

#include "compiler/lower/lower.h"
#include "compiler/lower/plugin_refs.h"
#include "runtime/bind.h"
#include "compiler/sema/load_spec.h"
#include "runtime/kernels.h"

namespace sgntk::test {

struct Compiled {
  std::unique_ptr<LoadedSpec> spec;
  runtime::KernelProgram program;
  std::string diagnostics;
};

inline Compiled compile(const std::string& text, const std::vector<std::string>& sets = {}, bool closed_forms = true) {
  Diagnostics diags;
  Compiled out;
  out.spec = load_spec_text("test.sgntk", text, sets, diags);
  if (out.spec) {
    lower::LowerOptions options;
    options.closed_forms = closed_forms;
    if (const auto program = lower::lower(out.spec->module, "", options, diags)) {
      runtime::BindResult bound = runtime::bind(*program);
      lower::report_bind_problems(out.spec->module, *program, bound.problems, diags);
      if (bound.program) out.program = std::move(*bound.program);
    }
  }
  out.diagnostics = diags.render();
  INFO(out.diagnostics);
  REQUIRE(!diags.has_errors());
  return out;
}

inline runtime::RowMatrix to_matrix(const std::vector<std::vector<double>>& pts) {
  runtime::RowMatrix m(static_cast<Eigen::Index>(pts.size()), static_cast<Eigen::Index>(pts.front().size()));
  for (std::size_t i = 0; i < pts.size(); ++i)
    for (std::size_t k = 0; k < pts[i].size(); ++k) m(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(k)) = pts[i][k];
  return m;
}

// n points in dimension d of different norms: N(0, 1) rows scaled by U(0.3, 2.5).
inline runtime::RowMatrix random_rows(int n, int d, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> scale(0.3, 2.5);
  runtime::RowMatrix x(n, d);
  for (int i = 0; i < n; ++i) {
    const double s = scale(rng);
    for (int k = 0; k < d; ++k) x(i, k) = s * normal(rng);
  }
  return x;
}

inline double relative_error(double got, double want) {
  if (got == want) return 0;
  return std::abs(got - want) / std::max(std::abs(want), 1e-300);
}

// The paper's networks (input 2, two dense layers of width 500, sigma_w 1, sigma_b 0.1, one
// output) with a free activation line.
inline std::string paper_network(const std::string& act, const std::string& surrogate = "", int layers = 2,
                                 int input = 2) {
  std::string layer = "  dense(width = 500, sigma_w = 1, sigma_b = 0.1, act = " + act +
                      (surrogate.empty() ? "" : ", surrogate = " + surrogate) + ")\n";
  std::string text = "param m = 2\nnetwork net(input = " + std::to_string(input) + ") {\n";
  for (int l = 0; l < layers; ++l) text += layer;
  return text + "  readout(outputs = 1, sigma_w = 1, sigma_b = 0.1)\n}\n";
}

}  // namespace sgntk::test
