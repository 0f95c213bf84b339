#include "compiler/passes/check_integrable.h"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <unordered_set>
#include <vector>

#include "compiler/graph/evaluate.h"
#include "compiler/graph/print.h"
#include "compiler/passes/analyze_shape.h"

namespace sgntk::passes {
namespace {

using graph::Expr;
using graph::Kind;

// The zero of e when e is affine in x with a nonzero slope.
std::optional<double> affine_zero(Expr e) {
  const auto a = affine(e);
  if (!a || a->slope == 0) return std::nullopt;
  return -a->intercept / a->slope;
}

bool same_point(double p, double q) { return std::fabs(p - q) <= 1e-12 * std::fmax(1.0, std::fabs(q)); }

// Where e vanishes, when that is read off directly: the zero of an affine e, or of the argument
// of abs, relu, or of a positive power.
std::optional<double> zero_of(Expr e) {
  if (const auto z = affine_zero(e)) return z;
  if (e->is(Kind::Abs) || e->is(Kind::Relu)) return zero_of(e->kids[0]);
  if (e->is(Kind::Pow) && e->kids[1]->is_const() && e->kids[1]->value > 0) return zero_of(e->kids[0]);
  return std::nullopt;
}

// Candidate singular points: zeros of bases raised to a negative power.
void poles(Expr e, std::unordered_set<Expr>& seen, std::vector<double>& out) {
  if (!seen.insert(e).second) return;
  for (Expr k : e->children()) poles(k, seen, out);
  if (e->is(Kind::Pow) && e->kids[1]->is_const() && e->kids[1]->value < 0)
    if (const auto s = zero_of(e->kids[0])) out.push_back(*s + 0.0);  // + 0.0: no "-0" in messages
}

// The order p of e near x = s: |e(x)| ~ |x - s|^p (0: bounded and nonzero, or log-like; +inf:
// identically zero). A lower bound where it cannot tell: a sum that vanishes at s counts as order
// 1 (or the order of its most singular part), so the result errs towards "more singular" only
// through sums of singular parts that cancel.
double order_at(Expr e, double s) {
  if (!e->depends_on_x()) return graph::evaluate(e, s) == 0 ? HUGE_VAL : 0.0;
  if (const auto z = affine_zero(e)) return same_point(*z, s) ? 1.0 : 0.0;
  const auto& k = e->kids;
  switch (e->kind) {
    case Kind::Add: {
      const double l = order_at(k[0], s), r = order_at(k[1], s);
      if (l < 0 || r < 0) return std::min(l, r);
      return graph::evaluate(e, s) == 0 ? std::max(1.0, std::min(l, r)) : 0.0;
    }
    case Kind::Mul: return order_at(k[0], s) + order_at(k[1], s);
    case Kind::Pow: {
      if (!k[1]->is_const()) return 0.0;
      const double base = order_at(k[0], s);
      if (base == 0) return 0.0;
      return std::isinf(base) ? (k[1]->value > 0 ? HUGE_VAL : -HUGE_VAL) : k[1]->value * base;
    }
    case Kind::Abs: case Kind::Relu: return order_at(k[0], s);  // |A| and relu(A) are of A's order
    case Kind::Erf: case Kind::Tanh: case Kind::Sin: case Kind::Atan: {
      const double q = order_at(k[0], s);  // bounded, and ~ A where A vanishes
      return q > 0 ? q : 0.0;
    }
    case Kind::Select: return std::min(order_at(k[1], s), order_at(k[2], s));
    case Kind::Min: case Kind::Max: return std::min(order_at(k[0], s), order_at(k[1], s));
    default: return 0.0;  // exp, log (an integrable singularity), cos, sigmoid, sign, heaviside
  }
}

// The arguments that must not be negative: of log, and of powers with a non-integer exponent.
void domain_arguments(Expr e, std::unordered_set<Expr>& seen, std::vector<Expr>& out) {
  if (!seen.insert(e).second) return;
  for (Expr k : e->children()) domain_arguments(k, seen, out);
  const bool fractional_power = e->is(Kind::Pow) && e->kids[1]->is_const() &&
                                e->kids[1]->value != std::floor(e->kids[1]->value);
  if ((e->is(Kind::Log) || fractional_power) && e->kids[0]->depends_on_x()) out.push_back(e->kids[0]);
}

// Whether e is undefined at x: NaN there because an argument left its domain (a NaN of
// 0 * inf from overflow far out does not count, nor a guarded branch that is not taken).
bool undefined_at(Expr e, const std::vector<Expr>& arguments, double x) {
  if (!std::isnan(graph::evaluate(e, x))) return false;
  for (Expr a : arguments)
    if (graph::evaluate(a, x) < 0) return true;
  return false;
}

// The order at s read symbolically, and, where that says non-integrable, confirmed on the
// values at distances 1e-2 and 1e-3 from s on both sides: singular parts of a sum can cancel
// (cos(x)/x - sin(x)/x^2 is regular at 0), which the symbolic order does not see.
double singular_order(Expr e, double s) {
  const double symbolic = order_at(e, s);
  if (!(symbolic <= -1)) return symbolic;
  double numeric = HUGE_VAL;
  for (double side : {-1.0, 1.0}) {
    const double far = std::fabs(graph::evaluate(e, s + side * 1e-2));
    const double near = std::fabs(graph::evaluate(e, s + side * 1e-3));
    if (!std::isfinite(far) || !std::isfinite(near) || far == 0 || near == 0) return symbolic;
    numeric = std::min(numeric, std::log(near / far) / std::log(0.1));
  }
  return numeric < -0.9 ? symbolic : numeric;
}

// Where e is undefined on a stretch of the line (two neighbouring samples), if anywhere: the
// samples cover |x| from 1e-3 to 1e3 on both sides, off the special points 0, +-1, ...
// Described as "x < t" or "x > t" when a whole side is undefined up to the sample t nearest to
// the other side, else by the undefined sample nearest to 0.
std::optional<std::string> undefined_where(Expr e) {
  std::unordered_set<Expr> seen;
  std::vector<Expr> arguments;
  domain_arguments(e, seen, arguments);
  if (arguments.empty()) return std::nullopt;
  std::vector<double> grid;  // ascending
  for (double x = 1.00731e3; x > 1e-3; x /= 1.05) grid.push_back(-x);
  for (double x = 1.00731e-3; x < 1e3; x *= 1.05) grid.push_back(x);
  std::vector<bool> bad(grid.size());
  for (std::size_t k = 0; k < grid.size(); ++k) bad[k] = undefined_at(e, arguments, grid[k]);
  std::optional<std::size_t> nearest;
  for (std::size_t k = 1; k < grid.size(); ++k)
    if (bad[k] && bad[k - 1] && (!nearest || std::fabs(grid[k]) < std::fabs(grid[*nearest]))) nearest = k;
  if (!nearest) return std::nullopt;
  auto describe_edge = [&](double t, const char* side) {
    return std::fabs(t) < 2e-3 ? fmt::format("x {} 0", side) : fmt::format("x {} about {:.3g}", side, t);
  };
  std::size_t k = 0;
  while (k < grid.size() && bad[k]) ++k;  // undefined from the left end up to grid[k]
  if (k > 1 && k < grid.size()) return describe_edge(grid[k], "<");
  k = grid.size();
  while (k > 0 && bad[k - 1]) --k;  // undefined from grid[k - 1] to the right end
  if (k + 1 < grid.size() && k > 0) return describe_edge(grid[k - 1], ">");
  return fmt::format("x near {:.3g}", grid[*nearest]);
}

}  // namespace

std::optional<std::string> integrability_problem(Expr e) {
  if (e->has_delta || !e->depends_on_x()) return std::nullopt;
  const std::string text = graph::to_spec(e);
  if (const auto where = undefined_where(e))
    return fmt::format("'{}' is undefined (NaN) for {}, where the Gaussian puts mass", text, *where);
  std::unordered_set<Expr> seen;
  std::vector<double> candidates;
  poles(e, seen, candidates);
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  for (double s : candidates) {
    const double p = singular_order(e, s);
    if (p <= -1)
      return fmt::format("'{}' has a non-integrable singularity at x = {:g} (it grows like |x - {:g}|^{:g}, and only "
                         "powers above -1 are integrable), so its Gaussian expectation diverges",
                         text, s, s, p);
  }
  return std::nullopt;
}

std::optional<std::string> diagonal_singularity(Expr f, Expr g) {
  if (f->has_delta || g->has_delta) return std::nullopt;
  std::unordered_set<Expr> seen;
  std::vector<double> fp, gp;
  poles(f, seen, fp);
  seen.clear();
  poles(g, seen, gp);
  const bool both = std::any_of(fp.begin(), fp.end(), [](double s) { return s == 0; }) &&
                    std::any_of(gp.begin(), gp.end(), [](double s) { return s == 0; });
  if (!both) return std::nullopt;
  const double p = singular_order(f, 0.0) + singular_order(g, 0.0);
  if (!(p <= -1)) return std::nullopt;
  return fmt::format("'{}' times '{}' grows like |x|^{:g} at x = 0, and only powers above -1 are integrable: "
                     "E[f(u) g(v)] is infinite wherever u and v are proportional (c^2 = ab, e.g. every diagonal "
                     "entry x = x')",
                     graph::to_spec(f), graph::to_spec(g), p);
}

}  // namespace sgntk::passes
