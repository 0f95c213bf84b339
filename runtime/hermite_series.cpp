#include "runtime/hermite_series.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <Eigen/Core>
#include <boost/math/quadrature/gauss.hpp>
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numbers>

#include "runtime/gauss_expect_1d.h"
#include "runtime/quadrature_2d.h"
#include "runtime/vector_math.h"

namespace sgntk::runtime {
namespace {

using Matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

constexpr int max_order = 320;          // beyond this the entries near rho = 1 take quadrature
constexpr double min_step = 0.01;       // a finer rule costs more than the quadrature it replaces
constexpr double rule_accuracy = 1e-12; // |coefficient change on halving the step| / sqrt(E f^2)
constexpr std::size_t side = 16;        // the kernel tile's side (kernel_tile.h)

// The trapezoidal rule on z in [-L, L] with step h and the Gaussian weight: nodes z_m and
// weights w_m = h N(z_m; 0, 1).
struct Rule {
  double half_width = 13, step = 0.04;
  std::vector<double> z, w;
  Rule(double half_width_, double step_) : half_width(half_width_), step(step_) {
    const int half = static_cast<int>(std::ceil(half_width / step));
    for (int m = -half; m <= half; ++m) {
      const double x = m * step;
      z.push_back(x);
      w.push_back(step * std::exp(-0.5 * x * x) / std::sqrt(2 * std::numbers::pi));
    }
  }
  std::size_t size() const { return z.size(); }
};

// w_m He_k(z_m) / sqrt(k!) for k <= order, row k; the recursion of the normalised polynomials
// (h_{k+1} = (z h_k - sqrt(k) h_{k-1}) / sqrt(k + 1)) is stable for |z| < 30 and k <= 320.
Matrix weighted_hermite(const Rule& r, int order) {
  const std::size_t n = r.size();
  Matrix h(order + 1, n);
  std::vector<double> prev(n, 0.0), cur(n, 1.0);
  for (int k = 0; k <= order; ++k) {
    for (std::size_t m = 0; m < n; ++m) h(k, m) = r.w[m] * cur[m];
    const double up = std::sqrt(k + 1.0), down = std::sqrt(static_cast<double>(k));
    for (std::size_t m = 0; m < n; ++m) {
      const double next = (r.z[m] * cur[m] - down * prev[m]) / up;
      prev[m] = cur[m];
      cur[m] = next;
    }
  }
  return h;
}

// f(sqrt(a_i) z_m) as an n x count matrix (column i: point i).
Matrix node_values(const ArrayFunction& f, const Rule& r, const double* a, std::size_t count) {
  Matrix x(r.size(), count), v(r.size(), count);
  for (std::size_t m = 0; m < r.size(); ++m)
    for (std::size_t i = 0; i < count; ++i) x(m, i) = std::sqrt(a[i]) * r.z[m];
  f.eval(x.data(), v.data(), x.size());
  return v;
}

// The coefficients of f at one variance, and E[f^2], with rule r.
struct Coefficients {
  std::vector<double> c;
  double mean_square = 0;
};
Coefficients coefficients_at(const ArrayFunction& f, const Rule& r, const Matrix& hermite, double a) {
  const Matrix v = node_values(f, r, &a, 1);
  const Matrix c = hermite.lazyProduct(v);  // (no BLAS: one column)
  Coefficients out;
  out.c.assign(c.data(), c.data() + c.size());
  for (std::size_t m = 0; m < r.size(); ++m) out.mean_square += r.w[m] * v(m, 0) * v(m, 0);
  return out;
}

// A side with kinks, jumps or compact support (a triangle or boxcar surrogate): the trapezoidal
// rule converges only algebraically across a break point, so its coefficients take Gauss-Legendre
// panels between the break points, which sit at z = x_b / sqrt(a) and so differ per point. The
// series still converges fast when the other side is smooth: the truncation bound is
// sqrt(T_f T_g), and the smooth side's tail falls geometrically while the piecewise side's stays
// below 1.
//
// Nodes and weights (Gaussian weight included) in z for a piecewise side at sqrt(a) = root:
// [-L, L] cut to the support and at the break points, panels of 8 steps with 16 nodes each
// (about two nodes per step, like the trapezoidal rule it stands in for). Graded: the panel beside
// each break point is cut geometrically towards it as well (halves down to 2^-20 of it), for a
// side that is nearly singular there (a fast-sigmoid surrogate 1/(1 + 25|x|)^2, whose poles sit
// 0.04 from its kink), where panels of any reasonable width do not settle.
constexpr int graded_levels = 20;
struct Nodes {
  std::vector<double> z, w;
};
Nodes split_nodes(const Shape& shape, double root, double half_width, double step, bool graded) {
  using Legendre = boost::math::quadrature::gauss<double, 16>;
  Nodes out;
  const double lo = std::max(-half_width, shape.support_lo / root), hi = std::min(half_width, shape.support_hi / root);
  if (!(lo < hi)) return out;  // the support lies outside the window: f = 0 there
  std::vector<double> cuts{lo, hi};
  for (double x : shape.breakpoints)
    if (x / root > lo && x / root < hi) cuts.push_back(x / root);
  std::sort(cuts.begin(), cuts.end());
  const auto& abscissa = Legendre::abscissa();
  const auto& weights = Legendre::weights();
  auto panel = [&](double from, double to) {
    const double mid = 0.5 * (from + to), half = 0.5 * (to - from);
    for (std::size_t m = 0; m < abscissa.size(); ++m)
      for (const double sign : {-1.0, 1.0}) {
        if (abscissa[m] == 0 && sign > 0) continue;  // a node at the centre counts once
        const double z = mid + sign * half * abscissa[m];
        out.z.push_back(z);
        out.w.push_back(half * weights[m] * std::exp(-0.5 * z * z) / std::sqrt(2 * std::numbers::pi));
      }
  };
  auto is_break = [&](double z) { return z != lo && z != hi; };  // not the window's or the support's ends
  for (std::size_t p = 0; p + 1 < cuts.size(); ++p) {
    const int panels = std::max(1, static_cast<int>(std::ceil((cuts[p + 1] - cuts[p]) / (8 * step))));
    const double width = (cuts[p + 1] - cuts[p]) / panels;
    for (int q = 0; q < panels; ++q) {
      double from = cuts[p] + q * width, to = q + 1 == panels ? cuts[p + 1] : from + width;
      const bool towards_lo = graded && q == 0 && is_break(cuts[p]);
      const bool towards_hi = graded && q + 1 == panels && is_break(cuts[p + 1]);
      if (!towards_lo && !towards_hi) {
        panel(from, to);
        continue;
      }
      // Geometric halves from `edge` towards the break point `at`; a panel with both ends at
      // breaks is split in the middle first.
      auto towards = [&](double at, double edge) {
        for (int level = 0; level < graded_levels; ++level) {
          const double next = at + 0.5 * (edge - at);
          panel(std::min(next, edge), std::max(next, edge));
          edge = next;
        }
        panel(std::min(at, edge), std::max(at, edge));
      };
      const double mid = towards_lo && towards_hi ? 0.5 * (from + to) : towards_lo ? to : from;
      if (towards_lo) towards(from, mid);
      if (towards_hi) towards(to, mid);
    }
  }
  return out;
}

}  // namespace

namespace detail {

// c[k] = sum_m wv[m] h_k(z[m]) for k <= order, with the normalised Hermite polynomials' recursion
// run across the nodes; prev and cur are scratch of n values.
SGNTK_VECTOR_CLONES void project_nodes(const double* z, const double* wv, std::size_t n, int order, double* c,
                                       double* prev, double* cur) {
  for (std::size_t m = 0; m < n; ++m) prev[m] = 0.0, cur[m] = 1.0;
  for (int k = 0; k <= order; ++k) {
    double sum = 0.0;
    for (std::size_t m = 0; m < n; ++m) sum += wv[m] * cur[m];
    c[k] = sum;
    const double up = 1.0 / std::sqrt(k + 1.0), down = std::sqrt(static_cast<double>(k));
    for (std::size_t m = 0; m < n; ++m) {
      const double next = (z[m] * cur[m] - down * prev[m]) * up;
      prev[m] = cur[m];
      cur[m] = next;
    }
  }
}

}  // namespace detail

namespace {

// The coefficients of f at variance a for a piecewise side, and E[f^2]; and the node values
// (values) for callers that need them.
Coefficients split_coefficients(const ArrayFunction& f, const Shape& shape, double a, double half_width, double step,
                                bool graded, int order, std::vector<double>* values = nullptr,
                                Nodes* nodes_out = nullptr) {
  Coefficients out;
  out.c.assign(static_cast<std::size_t>(order) + 1, 0.0);
  const double root = std::sqrt(std::max(a, 0.0));
  if (root == 0) {  // u = 0: the constant f(0)
    const double x = 0;
    double v;
    f.eval(&x, &v, 1);
    out.c[0] = v;
    out.mean_square = v * v;
    if (values) values->clear();
    if (nodes_out) *nodes_out = Nodes{};
    return out;
  }
  const Nodes nodes = split_nodes(shape, root, half_width, step, graded);
  const std::size_t n = nodes.z.size();
  std::vector<double> x(n), v(n), wv(n), prev(n), cur(n);
  for (std::size_t m = 0; m < n; ++m) x[m] = root * nodes.z[m];
  f.eval(x.data(), v.data(), n);
  for (std::size_t m = 0; m < n; ++m) {
    wv[m] = nodes.w[m] * v[m];
    out.mean_square += wv[m] * v[m];
  }
  detail::project_nodes(nodes.z.data(), wv.data(), n, order, out.c.data(), prev.data(), cur.data());
  if (values) *values = std::move(v);
  if (nodes_out) *nodes_out = nodes;
  return out;
}

// One side of a series term: its function, and how its coefficient integrals are taken.
struct Side {
  const ArrayFunction& f;
  const Shape& shape;
  bool piecewise() const { return program::is_piecewise(shape); }
  // Its coefficients at variance a with the rule of (half_width, step), graded at break points.
  Coefficients at(double a, double half_width, double step, int order, bool graded = false) const;
};

// Coefficients computed beyond a table's order, only to estimate what lies beyond it.
constexpr std::size_t lookahead = 16;

// T_f(k) / E[f^2] for k <= order from the coefficients c[0 .. order + lookahead] (read with
// stride) and E[f^2]: sums of squares from the top down. Beyond the order: the lookahead's
// squares, plus E[f^2] - sum c_k^2 where that exceeds its own rounding. The plain difference
// alone cannot see a tail below its rounding (about 1e-16 of E[f^2]), and the bound multiplies
// the tails of both sides: with a piecewise side whose tail is 1e-5, a smooth side's true 1e-15
// read as 0 would pass entries near rho = 1 that miss the target by 10x.
void relative_tails(const double* c, std::size_t stride, std::size_t order, double mean_square, double* tails,
                    std::size_t tail_stride) {
  if (!(mean_square > 0)) {
    for (std::size_t k = 0; k <= order; ++k) tails[k * tail_stride] = 0.0;
    return;
  }
  double sum = 0, beyond = 0;
  for (std::size_t k = 0; k <= order + lookahead; ++k) {
    const double x = c[k * stride];
    sum += x * x;
    if (k > order) beyond += x * x;
  }
  constexpr double rounding = 8 * std::numeric_limits<double>::epsilon();
  if (mean_square - sum > rounding * mean_square) beyond += mean_square - sum;
  for (std::size_t k = order + 1; k-- > 0;) {
    tails[k * tail_stride] = beyond / mean_square;
    beyond += c[k * stride] * c[k * stride];
  }
}

// The tails of coefficients computed to order + lookahead, for k <= order.
std::vector<double> relative_tails(const Coefficients& f) {
  const std::size_t order = f.c.size() - 1 - lookahead;
  std::vector<double> t(order + 1);
  relative_tails(f.c.data(), 1, order, f.mean_square, t.data(), 1);
  return t;
}

Coefficients Side::at(double a, double half_width, double step, int order, bool graded) const {
  if (piecewise()) return split_coefficients(f, shape, a, half_width, step, graded, order);
  const Rule r(half_width, step);
  return coefficients_at(f, r, weighted_hermite(r, order), a);
}

struct Plan {
  double half_width = 13, step = 0.5;
  int order = 0;
  bool graded = false;  // the piecewise side's panels graded at its break points
  bool ok = false;
};

// Whether the plan's rule gives E[f^2] at variance a as an independent adaptive integral does: a
// function that oscillates faster than any step (x sin(1000 x)) aliases on a uniform rule, and
// its halved step can agree with it all the same.
bool rule_agrees(const Side& f, double a, const Plan& plan) {
  if (!(a > 0)) return true;
  const double rule = f.at(a, plan.half_width, plan.step, 0, plan.graded).mean_square;
  const double mean = 0;
  double want = 0;
  adaptive_gauss_1d(
      [&f](const std::uint32_t*, const double* t, double* y, std::size_t n) {
        f.f.eval(t, y, n);
        for (std::size_t i = 0; i < n; ++i) y[i] *= y[i];
      },
      f.shape, &mean, &a, &want, 1, 1e-12);
  return std::fabs(rule - want) <= 1e-10 * want;
}

// The rule and order for functions fu, fv over variances in [a_lo, a_hi]: the order where
// the truncation bound at rho = 1 meets `target` at both ends (larger variances make the
// functions of z steeper), then the step at which halving it changes no coefficient.
Plan choose_plan(const Side& fu, const Side& fv, double a_lo, double a_hi, double target) {
  Plan plan;
  if (!(a_hi > 0)) {  // every point has zero variance: f(0) g(0) is the whole series
    plan.ok = true;
    return plan;
  }
  // The window: where the weight exp(-z^2/4) that bounds each coefficient's integrand (the
  // normalised He_k times exp(-z^2/4) stay below 1.1) has made f negligible.
  {
    const double rms = std::sqrt(std::max(fu.at(a_hi, 13, 0.05, 0).mean_square, fv.at(a_hi, 13, 0.05, 0).mean_square));
    for (;; plan.half_width += 2) {
      const double ends[] = {-std::sqrt(a_hi) * plan.half_width, std::sqrt(a_hi) * plan.half_width};
      double vu[2], vv[2];
      fu.f.eval(ends, vu, 2);
      fv.f.eval(ends, vv, 2);
      const double size = std::max({std::fabs(vu[0]), std::fabs(vu[1]), std::fabs(vv[0]), std::fabs(vv[1])});
      if (size * std::exp(-0.25 * plan.half_width * plan.half_width) <= 1e-17 * rms) break;
      if (plan.half_width >= 29) return plan;  // grows too fast for this window
    }
  }
  // The order, from a rule fine enough for every order up to max_order.
  {
    plan.order = 0;
    for (double a : {a_lo, a_hi}) {
      const std::vector<double> tu = relative_tails(fu.at(a, plan.half_width, 0.04, max_order + lookahead));
      const std::vector<double> tv = relative_tails(fv.at(a, plan.half_width, 0.04, max_order + lookahead));
      int k = 0;
      while (k < max_order && std::sqrt(tu[k] * tv[k]) > target) ++k;
      plan.order = std::max(plan.order, k);
    }
  }
  // The step: about 3 nodes per oscillation of He_order, halved until the coefficients settle;
  // for a piecewise side that does not settle so, again with its panels graded at its break points.
  for (const bool graded : {false, true}) {
    if (graded && !fu.piecewise() && !fv.piecewise()) break;
    plan.graded = graded;
    for (plan.step = std::min(0.5, 0.75 * std::numbers::pi / std::sqrt(2.0 * plan.order + 1)); plan.step >= min_step;
         plan.step /= 2) {
      // A fast oscillation needs at least four nodes per period at the largest variance: coarser,
      // the rule aliases it, and halving the step, or E[f^2], can agree with it by chance.
      bool settled = plan.step * std::sqrt(a_hi) <= 0.25 * std::min(fu.shape.period, fv.shape.period);
      for (double a : {a_lo, a_hi})
        for (const Side* f : {&fu, &fv}) {
          const Coefficients x = f->at(a, plan.half_width, plan.step, plan.order, graded),
                             y = f->at(a, plan.half_width, plan.step / 2, plan.order, graded);
          double change = 0;
          for (std::size_t k = 0; k < x.c.size(); ++k) change += (x.c[k] - y.c[k]) * (x.c[k] - y.c[k]);
          settled = settled && std::sqrt(change) <= rule_accuracy * std::sqrt(y.mean_square);
        }
      if (settled) {
        plan.ok = rule_agrees(fu, a_lo, plan) && rule_agrees(fu, a_hi, plan) && rule_agrees(fv, a_lo, plan) &&
                  rule_agrees(fv, a_hi, plan);
        return plan;
      }
    }
  }
  return plan;
}

std::size_t padded_to_tile(std::size_t n) { return (n + side - 1) / side * side; }

HermiteTable empty_table(int order, std::size_t points) {
  HermiteTable t;
  t.order = order;
  t.points = points;
  t.stride = padded_to_tile(points);
  t.coef.assign(static_cast<std::size_t>(order + 1) * t.stride, 0.0);
  t.tile_tail.assign(static_cast<std::size_t>(order + 1) * (t.stride / side), 0.0);
  t.root_tail.assign(t.stride, 0.0);
  return t;
}

}  // namespace

namespace detail {

// c[k][j] = sum_m hw[k][m] v[m][j] for k < rows and the 16 columns of v (n x 16, row-major):
// the coefficient integrals of 16 points at once, four rows of hw per pass so that each loaded
// row of v feeds eight vector FMAs. (OpenBLAS would do this too, but its kernel for this CPU
// and its spinning threads cost more than they save at these shapes.)
SGNTK_VECTOR_CLONES void project_block(const double* hw, std::size_t rows, std::size_t n, const double* v, double* c) {
  typedef double v8 __attribute__((vector_size(64)));
  std::size_t k = 0;
  for (; k + 4 <= rows; k += 4) {
    v8 acc[4][2] = {};
    for (std::size_t m = 0; m < n; ++m) {
      v8 lo, hi;
      __builtin_memcpy(&lo, v + m * side, sizeof lo);
      __builtin_memcpy(&hi, v + m * side + 8, sizeof hi);
      for (std::size_t r = 0; r < 4; ++r) {
        const double h = hw[(k + r) * n + m];
        acc[r][0] += h * lo;
        acc[r][1] += h * hi;
      }
    }
    for (std::size_t r = 0; r < 4; ++r) {
      __builtin_memcpy(c + (k + r) * side, &acc[r][0], sizeof acc[r][0]);
      __builtin_memcpy(c + (k + r) * side + 8, &acc[r][1], sizeof acc[r][1]);
    }
  }
  for (; k < rows; ++k) {
    v8 lo = {}, hi = {};
    for (std::size_t m = 0; m < n; ++m) {
      v8 a, b;
      __builtin_memcpy(&a, v + m * side, sizeof a);
      __builtin_memcpy(&b, v + m * side + 8, sizeof b);
      lo += hw[k * n + m] * a;
      hi += hw[k * n + m] * b;
    }
    __builtin_memcpy(c + k * side, &lo, sizeof lo);
    __builtin_memcpy(c + k * side + 8, &hi, sizeof hi);
  }
}

}  // namespace detail

namespace {

// Stores the coefficients c (rows x 16, row-major) of the 16 points [i0, i0 + 16) of table t
// (beyond t.points: ignored) with their E[f^2], and their relative tails.
void store_tile(HermiteTable& t, const double* c, const std::array<double, side>& mean_square, std::size_t i0) {
  const std::size_t rows = static_cast<std::size_t>(t.order) + 1;  // (c holds lookahead more)
  const std::size_t tiles = t.stride / side, tile = i0 / side;
  std::vector<double> tails(rows * side);  // tails[k * 16 + j]
  for (std::size_t j = 0; j < side; ++j) relative_tails(c + j, side, rows - 1, mean_square[j], tails.data() + j, side);
  for (std::size_t k = 0; k < rows; ++k) {
    double worst = 0;
    for (std::size_t j = 0; j < side && i0 + j < t.points; ++j) {
      const double tail = tails[k * side + j];
      t.coef[k * t.stride + i0 + j] = c[k * side + j];
      if (k + 1 == rows) t.root_tail[i0 + j] = std::pow(tail, -0.5 / static_cast<double>(rows));
      worst = std::max(worst, tail);
    }
    t.tile_tail[k * tiles + tile] = worst;
  }
}

// Fills the 16 points [i0, i0 + 16) of table t from their node values v (n x 16, row-major),
// with the rule's weighted Hermite rows hw.
void fill_tile(HermiteTable& t, const Matrix& hermite, const Rule& r, const double* v, std::size_t i0) {
  const std::size_t rows = static_cast<std::size_t>(t.order) + 1 + lookahead, n = r.size();
  std::vector<double> c(rows * side);
  detail::project_block(hermite.data(), rows, n, v, c.data());
  std::array<double, side> mean_square{};
  for (std::size_t m = 0; m < n; ++m)
    for (std::size_t j = 0; j < side; ++j) mean_square[j] += r.w[m] * v[m * side + j] * v[m * side + j];
  store_tile(t, c.data(), mean_square, i0);
}

// The same for a piecewise side, point by point on its split rule; also E[f(u) g(u)] of the
// tile's points into on_diagonal, on the same nodes (other: the term's smooth side g).
void fill_tile_split(HermiteTable& t, const Side& f, const ArrayFunction& other, const double* a, std::size_t count,
                     const Plan& plan, std::size_t i0, std::vector<double>& on_diagonal) {
  const std::size_t rows = static_cast<std::size_t>(t.order) + 1 + lookahead;
  std::vector<double> c(rows * side), values, g;
  std::array<double, side> mean_square{};
  for (std::size_t j = 0; j < side; ++j) {
    const std::size_t i = std::min(i0 + j, count - 1);
    Nodes nodes;
    const Coefficients x =
        split_coefficients(f.f, f.shape, a[i], plan.half_width, plan.step, plan.graded, t.order + static_cast<int>(lookahead),
                           &values, &nodes);
    for (std::size_t k = 0; k < rows; ++k) c[k * side + j] = x.c[k];
    mean_square[j] = x.mean_square;
    if (i0 + j >= count) continue;
    if (nodes.z.empty()) {  // u = 0 (f(0) g(0)), or the support outside the window (0)
      const double zero = 0;
      double g0;
      other.eval(&zero, &g0, 1);
      on_diagonal[i] = values.empty() && a[i] <= 0 ? x.c[0] * g0 : 0.0;
      continue;
    }
    const double root = std::sqrt(a[i]);
    std::vector<double> xs(nodes.z.size());
    for (std::size_t m = 0; m < xs.size(); ++m) xs[m] = root * nodes.z[m];
    g.resize(xs.size());
    other.eval(xs.data(), g.data(), xs.size());
    double sum = 0;
    for (std::size_t m = 0; m < xs.size(); ++m) sum += nodes.w[m] * values[m] * g[m];
    on_diagonal[i] = sum;
  }
  store_tile(t, c.data(), mean_square, i0);
}

bool same_function(const ArrayFunctionRef& f, const ArrayFunctionRef& g) { return f == g || f->text() == g->text(); }

}  // namespace

std::vector<const QuadratureTerm*> series_terms(const Expectation& e) {
  std::vector<const QuadratureTerm*> out;
  for (const Term& t : e.terms)
    if (const auto* q = std::get_if<QuadratureTerm>(&t.what); q && q->method == QuadratureTerm::Method::hermite_series)
      out.push_back(q);
  return out;
}

SeriesTables tabulate(const QuadratureTerm& t, std::span<const double> a) {
  SeriesTables out;
  out.term = &t;
  if (a.empty()) return out;
  // The u side (rows) is f, the v side g; a swapped term has them the other way round.
  const Side fu{*(t.swap ? t.g : t.f), t.swap ? t.g_shape : t.f_shape};
  const Side fv{*(t.swap ? t.f : t.g), t.swap ? t.f_shape : t.g_shape};
  if (fu.piecewise() && fv.piecewise()) return out;  // (the planner never asks: the series would crawl)
  const auto [lo, hi] = std::minmax_element(a.begin(), a.end());
  const Plan plan = choose_plan(fu, fv, std::max(*lo, 0.0), std::max(*hi, 0.0), t.tolerance / 4);
  if (!plan.ok) return out;
  const Rule rule(plan.half_width, plan.step);
  const Matrix hermite = weighted_hermite(rule, plan.order + static_cast<int>(lookahead));
  const bool shared = same_function(t.f, t.g) && !fu.piecewise();
  auto u = std::make_shared<HermiteTable>(empty_table(plan.order, a.size()));
  auto v = shared ? u : std::make_shared<HermiteTable>(empty_table(plan.order, a.size()));
  out.on_diagonal.assign(a.size(), 0.0);
  const std::size_t n = rule.size(), tiles = u->stride / side;
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, tiles), [&](const tbb::blocked_range<std::size_t>& r) {
    // node values of 16 points (n x 16, row-major), the padding repeating the last point
    std::vector<double> x(n * side), vu(n * side), vv(shared ? 0 : n * side);
    for (std::size_t tile = r.begin(); tile != r.end(); ++tile) {
      const std::size_t i0 = tile * side;
      for (std::size_t j = 0; j < side; ++j) {
        const double root = std::sqrt(std::max(a[std::min(i0 + j, a.size() - 1)], 0.0));
        for (std::size_t m = 0; m < n; ++m) x[m * side + j] = root * rule.z[m];
      }
      if (fu.piecewise() || fv.piecewise()) {  // one smooth side on the trapezoidal rule, one split
        const bool u_split = fu.piecewise();
        HermiteTable& smooth_table = u_split ? *v : *u;
        const Side& smooth = u_split ? fv : fu;
        smooth.f.eval(x.data(), vu.data(), x.size());
        fill_tile(smooth_table, hermite, rule, vu.data(), i0);
        fill_tile_split(u_split ? *u : *v, u_split ? fu : fv, smooth.f, a.data(), a.size(), plan, i0, out.on_diagonal);
        continue;
      }
      fu.f.eval(x.data(), vu.data(), x.size());
      fill_tile(*u, hermite, rule, vu.data(), i0);
      if (!shared) {
        fv.f.eval(x.data(), vv.data(), x.size());
        fill_tile(*v, hermite, rule, vv.data(), i0);
      }
      const std::vector<double>& other = shared ? vu : vv;
      for (std::size_t j = 0; j < side && i0 + j < a.size(); ++j) {
        double s = 0;
        for (std::size_t m = 0; m < n; ++m) s += rule.w[m] * vu[m * side + j] * other[m * side + j];
        out.on_diagonal[i0 + j] = s;
      }
    }
  });
  out.u_side = std::move(u);
  out.v_side = std::move(v);
  return out;
}

namespace detail {

// out[i][j] = sum_{k <= order} rho[i][j]^k u[k][i] v[k][j] by Horner's rule, for a tile of
// 16 x 16 entries: u points at the tile's first row in row k = 0 of its table, v at its first
// column (both tables have 16 valid values from there). Four rows at a time, so that eight
// independent FMA chains hide the FMA's latency.
SGNTK_VECTOR_CLONES void horner_tile(const double* u, std::size_t u_stride, const double* v, std::size_t v_stride,
                                     int order, const double* rho, double* out) {
  constexpr std::size_t group = 4;
  for (std::size_t i = 0; i < side; i += group) {
    alignas(64) double acc[group][side];
    const double* vk = v + static_cast<std::size_t>(order) * v_stride;
    for (std::size_t r = 0; r < group; ++r) {
      const double top = u[static_cast<std::size_t>(order) * u_stride + i + r];
      for (std::size_t j = 0; j < side; ++j) acc[r][j] = top * vk[j];
    }
    for (int k = order - 1; k >= 0; --k) {
      const double* uk = u + static_cast<std::size_t>(k) * u_stride + i;
      vk = v + static_cast<std::size_t>(k) * v_stride;
      for (std::size_t r = 0; r < group; ++r)
        for (std::size_t j = 0; j < side; ++j) acc[r][j] = std::fma(acc[r][j], rho[(i + r) * side + j], uk[r] * vk[j]);
    }
    for (std::size_t r = 0; r < group; ++r)
      for (std::size_t j = 0; j < side; ++j) out[(i + r) * side + j] = acc[r][j];
  }
}

// |rho|, or -1 where the entry is a point with itself (u = v: gap 0, a = b, c > 0); and the
// largest of them.
SGNTK_VECTOR_CLONES double distinct_correlations(const double* a, const double* b, const double* c, const double* gap,
                                                 const double* rho, double* out, std::size_t n) {
  typedef double v8 __attribute__((vector_size(64)));
  v8 largest = {};
  for (std::size_t e = 0; e < n; e += 8) {  // n is a multiple of 8 (the tile's padding)
    for (std::size_t l = 0; l < 8; ++l) {
      const bool identical = gap[e + l] == 0 && a[e + l] == b[e + l] && c[e + l] > 0;
      out[e + l] = identical ? -1.0 : std::fabs(rho[e + l]);
    }
    v8 x;
    __builtin_memcpy(&x, out + e, sizeof x);
    largest = x > largest ? x : largest;
  }
  double m = 0;
  for (std::size_t l = 0; l < 8; ++l) m = std::max(m, largest[l]);
  return m;
}

}  // namespace detail

void sum_tile(const QuadratureTerm& t, const SeriesTile& view, TileQuantities& q, double* out) {
  const CovarianceTile& k = q.tile();
  const SeriesTables& rows = *view.rows;
  if (view.diagonal) {  // entries (x, x): u = v
    const std::size_t n = rows.on_diagonal.size();
    for (std::size_t e = 0; e < k.n; ++e) out[e] = rows.on_diagonal[std::min(e, n - 1)];
    return;
  }
  const HermiteTable& u = *rows.u_side;
  const HermiteTable& v = *view.cols->v_side;
  const std::size_t ni = view.ni, nj = view.nj, n = ni * nj;
  const double target = t.tolerance / 4;
  if (u.order == 0 || v.order == 0) {  // a constant side (E[f(u) * 1]): E[f] E[g], exactly
    for (std::size_t i = 0; i < ni; ++i)
      for (std::size_t j = 0; j < nj; ++j) out[i * nj + j] = u.coef[view.i0 + i] * v.coef[view.j0 + j];
    for (std::size_t e = n; e < k.n; ++e) out[e] = out[n - 1];
    return;
  }

  // rho on a 16-wide grid (zero beyond the tile); |rho| of the entries that are not a point
  // with itself (u = v), whose largest sets the tile's order.
  alignas(64) std::array<double, side * side> distinct, rho{}, sum;
  const double* rho_flat = q.rho();
  const double largest = detail::distinct_correlations(k.a, k.b, k.c, k.gap, rho_flat, distinct.data(), k.n);
  for (std::size_t i = 0; i < ni; ++i) std::copy_n(rho_flat + i * nj, nj, rho.data() + i * side);

  // The tile's order: the first whose bound meets the target at the tile's largest |rho| and
  // its rows' and columns' largest tails; else the full order, checked entry by entry.
  const int full = std::min(u.order, v.order);
  const std::size_t tu = view.i0 / side, tv = view.j0 / side, u_tiles = u.stride / side, v_tiles = v.stride / side;
  auto meets = [&](int kk) {  // the bound at order kk holds for every entry of the tile
    return std::pow(largest, kk + 1) * std::sqrt(u.tile_tail[kk * u_tiles + tu] * v.tile_tail[kk * v_tiles + tv]) <=
           target;
  };
  // The bound decreases with the order (tails and powers do): the first order that meets it
  // by bisection; else the full order, checked entry by entry.
  int order = full;
  bool check_each = !meets(full);
  if (!check_each) {
    int lo = -1;  // meets(lo) is false or lo = -1
    while (order - lo > 1) {
      const int mid = (lo + order) / 2;
      (meets(mid) ? order : lo) = mid;
    }
  }
  detail::horner_tile(u.coef.data() + view.i0, u.stride, v.coef.data() + view.j0, v.stride, order, rho.data(),
                      sum.data());

  // Entries the series cannot serve: the conditional quadrature.
  std::vector<std::size_t> rest;
  const double root_target = check_each ? std::pow(target, 1.0 / (order + 1)) : 0.0;
  for (std::size_t i = 0; i < ni; ++i)
    for (std::size_t j = 0; j < nj; ++j) {
      const std::size_t e = i * nj + j, g = i * side + j;
      if (distinct[e] < 0) {  // a point with itself
        out[e] = rows.on_diagonal[view.i0 + i];
        continue;
      }
      out[e] = sum[g];
      // |rho|^(K+1) sqrt(T_u T_v) <= target  <=>  |rho| <= target^(1/(K+1)) r_u r_v with the
      // per-point r = T^(-1/(2(K+1))); tables of two orders (two point sets): the tiles' tails
      // at the smaller order bound the points'.
      if (check_each && !(u.order == v.order
                              ? distinct[e] <= root_target * u.root_tail[view.i0 + i] * v.root_tail[view.j0 + j]
                              : std::pow(distinct[e], order + 1) * std::sqrt(u.tile_tail[order * u_tiles + tu] *
                                                                             v.tile_tail[order * v_tiles + tv]) <=
                                    target))
        rest.push_back(e);
    }
  if (!rest.empty()) {
    const std::size_t r = rest.size();
    std::vector<double> a(r), b(r), c(r), o(r);
    const double* s = q.s();  // sqrt(ab), shared with the tile's other terms
    for (std::size_t x = 0; x < r; ++x) {
      const std::size_t e = rest[x];
      a[x] = k.a[e], b[x] = k.b[e];
      c[x] = std::clamp(k.c[e], -s[e], s[e]);
    }
    // (t.swap is applied inside: the conditional method wants (a, b) of the term's own f, g)
    evaluate_quadrature(t, a.data(), b.data(), c.data(), o.data(), r);
    for (std::size_t x = 0; x < r; ++x) out[rest[x]] = o[x];
  }
  for (std::size_t e = n; e < k.n; ++e) out[e] = out[n - 1];
}

}  // namespace sgntk::runtime
