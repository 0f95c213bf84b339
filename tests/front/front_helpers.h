// Shared helpers of the front-end tests: load a spec from text and look at what came out.
#pragma once
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "compiler/graph/evaluate.h"
#include "compiler/lower/pass_order.h"
#include "compiler/sema/load_spec.h"

namespace sgntk::test {

struct Loaded {
  Diagnostics diags;
  std::unique_ptr<LoadedSpec> spec;
  std::string errors() const { return diags.render(); }
};

inline std::unique_ptr<Loaded> load(const std::string& text, const std::vector<std::string>& sets = {}) {
  auto out = std::make_unique<Loaded>();
  out->spec = load_spec_text("test.sgntk", text, sets, out->diags);
  return out;
}

// The body of a user activation of a spec that must load, after the graph passes (sema builds
// raw graphs; simplify and differentiate make erf(inf*x) sign(x) and expand d/dx).
inline graph::Expr activation(const Loaded& l, std::size_t index = 0) {
  REQUIRE_MESSAGE(l.spec != nullptr, l.errors());
  REQUIRE(l.spec->module.activations.size() > index);
  const sema::Module& module = l.spec->module;
  return lower::run_graph_passes(module).body.at(&module.activations[index]);
}

// Evaluates `activation f(x) = BODY` at x.
inline double eval_body(const std::string& body, double x) {
  auto l = load("activation f(x) = " + body + "\n");
  REQUIRE_MESSAGE(l->spec != nullptr, l->errors());
  return graph::evaluate(activation(*l), x);
}

// The first error message of a spec that must fail.
inline std::string first_error(const std::string& text, const std::vector<std::string>& sets = {}) {
  auto l = load(text, sets);
  REQUIRE(l->spec == nullptr);
  REQUIRE(!l->diags.all().empty());
  return l->diags.all().front().message;
}

}  // namespace sgntk::test
