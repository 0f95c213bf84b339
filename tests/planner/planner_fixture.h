// Shared helpers of the planner tests: a one-layer network with a given activation lowered and
// bound, and its expectations evaluated at one covariance.
#pragma once
#include <doctest/doctest.h>

#include <string>

#include "compiler/lower/lower.h"
#include "compiler/sema/load_spec.h"
#include "runtime/bind.h"
#include "runtime/expectation.h"

namespace sgntk::test {

// The program data of `network net(input = 1)` with one dense layer of activation `phi`.
inline program::KernelProgram planned(const std::string& phi) {
  const std::string text = "activation phi(x) = " + phi +
                           "\nnetwork net(input = 1) {\n  dense(width = 10, act = phi)\n  readout(outputs = 1)\n}\n";
  Diagnostics diags;
  const auto spec = load_spec_text("planner_test.sgntk", text, {}, diags);
  INFO(diags.render());
  REQUIRE(spec);
  auto program = lower::lower(spec->module, "", {}, diags);
  INFO(diags.render());
  REQUIRE(program);
  return std::move(*program);
}

inline runtime::KernelProgram bound_program(const program::KernelProgram& p) {
  auto result = runtime::bind(p);
  REQUIRE(result.program);
  return std::move(*result.program);
}

// E[f(u) g(v)] at one covariance.
inline double expect(const runtime::Expectation& e, double a, double b, double c) {
  double out = 0;
  runtime::evaluate(e, &a, &b, &c, &out, 1);
  return out;
}

}  // namespace sgntk::test
