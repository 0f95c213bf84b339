#include "runtime/expectation.h"

#include <fmt/format.h>

#include <algorithm>
#include <variant>
#include <cmath>
#include <vector>

#include "runtime/closed_forms.h"
#include "runtime/errors.h"
#include "runtime/expectation_tails.h"
#include "runtime/quadrature_2d.h"
#include "runtime/vector_math.h"

namespace sgntk::runtime {

namespace {

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;  // clang 14 does not deduce aggregate bases by itself

std::size_t padded(std::size_t n) { return (n + vector_math::lanes - 1) / vector_math::lanes * vector_math::lanes; }

// The numeric terms take c clamped to [-sqrt(ab), sqrt(ab)] (rounding in the previous layer
// can leave it slightly outside); the closed forms use the carried gap instead.
const double* clamped_c(TileQuantities& q, double* scratch) {
  const CovarianceTile& k = q.tile();
  const double* s = q.s();
  for (std::size_t i = 0; i < k.n; ++i) scratch[i] = std::clamp(k.c[i], -s[i], s[i]);
  return scratch;
}

// E[delta delta]-type expectations are +inf where the law is degenerate (gap 0).
void finish_diagonal(const Expectation& e, const CovarianceTile& k, double* out) {
  if (e.infinite_on_diagonal)
    for (std::size_t i = 0; i < k.n; ++i)
      if (k.gap[i] == 0.0) out[i] = HUGE_VAL;
}

void evaluate_one(const Expectation& e, TileQuantities& q, double* out, std::span<const SeriesTile> series) {
  if (e.unavailable)  // the kernels refuse these before they start; this guards other callers
    throw EvalError(fmt::format("cannot compute E[{} * {}]: {}", e.f_text, e.g_text, *e.unavailable));
  const CovarianceTile& k = q.tile();
  if (e.terms.size() == 2) {  // the heaviside form, in either order
    const auto* t0 = std::get_if<ClosedFormTerm>(&e.terms[0].what);
    const auto* t1 = std::get_if<ClosedFormTerm>(&e.terms[1].what);
    if (t0 && t1 && (is_one_plus_sign_sign(*t0, e.terms[0].coef, *t1, e.terms[1].coef) ||
                     is_one_plus_sign_sign(*t1, e.terms[1].coef, *t0, e.terms[0].coef))) {
      evaluate_one_plus_sign_sign(e.terms[0].coef, q, out);
      return finish_diagonal(e, k, out);
    }
  }
  if (e.terms.size() == 1)  // one term: straight into out
    if (const auto* closed = std::get_if<ClosedFormTerm>(&e.terms[0].what)) {
      evaluate_closed_form(*closed, q, out);
      const double coef = e.terms[0].coef;
      if (coef != 1.0)
        for (std::size_t i = 0; i < k.n; ++i) out[i] *= coef;
      return finish_diagonal(e, k, out);
    }
  double* term = q.scratch(0);
  const double* c_numeric = nullptr;
  std::fill_n(out, k.n, 0.0);
  std::size_t series_seen = 0;
  for (const Term& t : e.terms) {
    std::visit(Overloaded{
                   [&](const ClosedFormTerm& x) { evaluate_closed_form(x, q, term); },
                   [&](const BumpConditionalTerm& x) {
                     if (!c_numeric) c_numeric = clamped_c(q, q.scratch(1));
                     evaluate_bump_conditional(x, k.a, k.b, c_numeric, term, k.n);
                   },
                   [&](const QuadratureTerm& x) {
                     if (x.method == QuadratureTerm::Method::hermite_series) {
                       const SeriesTile* view = series_seen < series.size() ? &series[series_seen] : nullptr;
                       ++series_seen;
                       if (view && view->rows->u_side && (view->diagonal || view->cols->v_side))
                         return sum_tile(x, *view, q, term);
                     }
                     if (!c_numeric) c_numeric = clamped_c(q, q.scratch(1));
                     evaluate_quadrature(x, k.a, k.b, c_numeric, term, k.n);
                   },
               },
               t.what);
    const double coef = t.coef;
    for (std::size_t i = 0; i < k.n; ++i) out[i] += coef * term[i];
  }
  finish_diagonal(e, k, out);
}

}  // namespace

void evaluate_all(std::span<const Expectation* const> es, TileQuantities& q, std::span<double* const> outs,
                  std::span<const std::span<const SeriesTile>> series) {
  for (std::size_t j = 0; j < es.size(); ++j)
    evaluate_one(*es[j], q, outs[j], j < series.size() ? series[j] : std::span<const SeriesTile>{});
}

bool has_distance(const Expectation& e) {
  if (e.unavailable || e.infinite_on_diagonal) return false;
  for (const Term& t : e.terms) {
    const auto* closed = std::get_if<ClosedFormTerm>(&t.what);
    if (!closed || !has_distance(*closed)) return false;
  }
  return true;
}

void expectation_distance(const Expectation& e, TileQuantities& q, const double* dist, double* out) {
  const CovarianceTile& k = q.tile();
  double* term = q.scratch(0);
  std::fill_n(out, k.n, 0.0);
  for (const Term& t : e.terms) {
    closed_form_distance(std::get<ClosedFormTerm>(t.what), q, dist, term);
    const double coef = t.coef;
    for (std::size_t i = 0; i < k.n; ++i) out[i] += coef * term[i];
  }
}

void evaluate(const Expectation& e, const double* a_in, const double* b_in, const double* c_in, double* out,
              std::size_t n) {
  // Padded, clamped copies and their gaps (the kernel engine carries its gaps instead).
  const std::size_t m = padded(n);
  std::vector<double> buf(5 * m, 0.0);
  double *a = buf.data(), *b = a + m, *c = b + m, *gap = c + m, *o = gap + m;
  for (std::size_t i = 0; i < n; ++i) {
    a[i] = std::fmax(a_in[i], 0.0);
    b[i] = std::fmax(b_in[i], 0.0);
    const double s = std::sqrt(a[i] * b[i]);
    c[i] = std::clamp(c_in[i], -s, s);
    gap[i] = covariance_gap(a[i], b[i], c[i]);
  }
  TileQuantities q;
  q.reset({a, b, c, gap, m});
  evaluate_one(e, q, o, {});
  std::copy_n(o, n, out);
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
