#include "runtime/expectation.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "runtime/closed_forms.h"
#include "runtime/errors.h"
#include "runtime/expectation_tails.h"
#include "runtime/quadrature_2d.h"

namespace sgntk::runtime {

namespace {

// Per-thread buffers, grown on demand and reused by every later call on the same thread.
struct Workspace {
  std::vector<double> a, b, c, gap, term;
  void resize(std::size_t n) {
    if (a.size() < n) {
      a.resize(n);
      b.resize(n);
      c.resize(n);
      gap.resize(n);
      term.resize(n);
    }
  }
};

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;  // clang 14 does not deduce aggregate bases by itself

}  // namespace

namespace {

// The clamped covariances of one tile and their gaps ab - c^2, shared by every term.
struct Clamped {
  const double *a, *b, *c, *gap;
};

void evaluate_clamped(const Expectation& e, const Clamped& k, double* term, double* out, std::size_t n) {
  if (e.unavailable)  // the kernels refuse these before they start; this guards other callers
    throw EvalError(fmt::format("cannot compute E[{} * {}]: {}", e.f_text, e.g_text, *e.unavailable));
  for (std::size_t i = 0; i < n; ++i) out[i] = 0.0;
  for (const Term& t : e.terms) {
    std::visit(Overloaded{
                   [&](const ClosedFormTerm& x) { evaluate_closed_form(x, k.a, k.b, k.c, k.gap, term, n); },
                   [&](const BumpConditionalTerm& x) { evaluate_bump_conditional(x, k.a, k.b, k.c, term, n); },
                   [&](const QuadratureTerm& x) { evaluate_quadrature(x, k.a, k.b, k.c, term, n); },
               },
               t.what);
    for (std::size_t i = 0; i < n; ++i) out[i] += t.coef * term[i];
  }
  if (e.infinite_on_diagonal)
    for (std::size_t i = 0; i < n; ++i)
      if (k.gap[i] == 0.0) out[i] = HUGE_VAL;
}

}  // namespace

void evaluate_all(std::span<const Expectation* const> es, const double* a_in, const double* b_in, const double* c_in,
                  std::span<double* const> outs, std::size_t n) {
  thread_local Workspace ws;
  ws.resize(n);
  double *a = ws.a.data(), *b = ws.b.data(), *c = ws.c.data(), *gap = ws.gap.data(), *term = ws.term.data();
  // Rounding in the previous layer can leave c^2 slightly above ab; every formula downstream
  // relies on c^2 <= ab, and the clamp makes c = +-sqrt(ab) exactly at the edge.
  for (std::size_t i = 0; i < n; ++i) {
    a[i] = std::fmax(a_in[i], 0.0);
    b[i] = std::fmax(b_in[i], 0.0);
    const double s = std::sqrt(a[i] * b[i]);
    c[i] = std::clamp(c_in[i], -s, s);
    const double ac = std::fabs(c[i]);
    gap[i] = std::fmax(0.0, (s - ac) * (s + ac));
  }
  const Clamped k{a, b, c, gap};
  for (std::size_t j = 0; j < es.size(); ++j) evaluate_clamped(*es[j], k, term, outs[j], n);
}

void evaluate(const Expectation& e, const double* a, const double* b, const double* c, double* out, std::size_t n) {
  const Expectation* es[] = {&e};
  double* outs[] = {out};
  evaluate_all(es, a, b, c, outs, n);
}

std::string describe(const Expectation& e) {
  if (e.unavailable) return "unavailable: " + *e.unavailable + "\n";
  std::string s;
  if (e.terms.empty()) s = "0 (no terms)\n";
  for (const Term& t : e.terms) {
    const std::string what = std::visit(Overloaded{
                                            [](const ClosedFormTerm& x) { return "closed form " + describe(x) + ", exact to 1e-12"; },
                                            [](const BumpConditionalTerm& x) { return describe(x); },
                                            [](const QuadratureTerm& x) { return describe(x); },
                                        },
                                        t.what);
    s += fmt::format("{:+.17g} * {}\n", t.coef, what);
  }
  if (e.infinite_on_diagonal && !e.terms.empty()) s += "+inf where c^2 = ab (delta times delta)\n";
  if (e.growth != program::TailGrowth{})
    s += fmt::format("tails grow like {}: finite only where the Gaussian weight bounds them (on the diagonal where "
                     "({:g} + {:g}) * Sigma(x, x) < 1/2); other entries are refused\n",
                     describe(e.growth), e.growth.f, e.growth.g);
  return s;
}

}  // namespace sgntk::runtime
