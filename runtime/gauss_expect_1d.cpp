#include "runtime/gauss_expect_1d.h"
#include "runtime/quadrature_misses.h"

#include <boost/math/quadrature/gauss.hpp>
#include <boost/math/quadrature/gauss_kronrod.hpp>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

namespace sgntk::runtime {

namespace {

constexpr double z_max = 9.0;         // P(|Z| > 9) = 2.3e-19
constexpr double z_limit = 60.0;      // how far panels reach out for integrands with heavy tails
constexpr double max_panel = 1.5;     // initial panel width in z: resolves features of width ~0.1
constexpr int max_depth = 50;         // bisections of one initial panel
constexpr double min_relative_width = 1e-12;  // narrowest panel, relative to max(1, |z|)
constexpr int panel_budget = 20000;   // evaluated panels per entry before giving up refining
constexpr std::size_t chunk = 64;     // entries integrated together (bounds the workspace)
// Integrable singularities at a break point (log|t|, |t|^-0.4): the panel beside one has an error
// proportional to its width (a power of it), as its share is, so bisection alone never meets the
// share. A panel beside a break point from this depth on, whose error fell by less than 4x on the
// last halving (a kink's falls by far more), takes its nodes graded towards the break point
// (t = p + w s^graded_power), and it is accepted once its error fits a room kept for the
// singular ends: the later panels of such a chain would add a geometric series below it.
constexpr int graded_depth = 4;
constexpr int graded_power = 8;
constexpr double singular_room = 0.25;   // of the tolerance, for all singular ends of one entry
constexpr double singular_panel = 0.1;   // of the tolerance, for one of them

// The G7K15 pair on [-1, 1] as 15 nodes, Kronrod weights and Gauss weights (0 off the Gauss nodes).
struct Rule {
  double x[15], wk[15], wg[15];
};
const Rule& gk15() {
  static const Rule rule = [] {
    using boost::math::quadrature::gauss;
    using boost::math::quadrature::gauss_kronrod;
    const auto& ax = gauss_kronrod<double, 15>::abscissa();  // 0 first, then ascending
    const auto& wk = gauss_kronrod<double, 15>::weights();
    const auto& wg = gauss<double, 7>::weights();            // on ax[0], ax[2], ax[4], ax[6]
    Rule r{};
    int k = 0;
    for (std::size_t j = 0; j < ax.size(); ++j)
      for (int side : {-1, 1}) {
        if (j == 0 && side == 1) continue;
        r.x[k] = side * ax[j];
        r.wk[k] = wk[j];
        r.wg[k] = j % 2 == 0 ? wg[j / 2] : 0.0;
        ++k;
      }
    return r;
  }();
  return rule;
}

double phi(double z) { return std::exp(-0.5 * z * z) * (0.5 * std::numbers::inv_sqrtpi * std::numbers::sqrt2); }

struct Panel {
  std::uint32_t entry;  // global entry index
  int depth;
  double lo, hi;        // in z
  bool lo_break = false, hi_break = false;  // an end at one of the shape's break points
  // The break point the panel descends from (z, and t exactly as the shape gives it), or z = 0
  // and t = the mean: nodes are placed at t = anchor_t + sd (z - anchor_z) with z - anchor_z
  // formed without cancellation, so that near a singular point (|t|^-0.4 at t = 0) t keeps its
  // relative precision and the integrand no rounding noise that no refinement could remove.
  double anchor_z = 0.0, anchor_t = 0.0;
  double hi_t = 0.0;  // t of the upper end when it is a break point (hi_break)

  bool graded = false;    // nodes graded towards the break point (a singular end)
  double parent_err = 0;  // the error estimate of the panel this one is half of

  // Node j of `rule`: its z, its offset z - anchor_z, and dz relative to the plain rule's (half dx).
  void node(const double* x, int j, double& z, double& offset, double& jacobian) const {
    if (!graded) {
      const double mid = 0.5 * (lo + hi), half = 0.5 * (hi - lo);
      z = mid + half * x[j];
      offset = anchor_z == 0.0 ? z : (mid - anchor_z) + half * x[j];
      jacobian = 1.0;
      return;
    }
    const double s = lo_break ? 0.5 * (1 + x[j]) : 0.5 * (1 - x[j]);  // 0 at the break point
    const double sm1 = std::pow(s, graded_power - 1), step = (hi - lo) * sm1 * s;
    z = lo_break ? lo + step : hi - step;
    offset = lo_break ? (lo - anchor_z) + step : (hi - anchor_z) - step;
    jacobian = graded_power * sm1;
  }
  // The halves of a panel being refined (its error estimate err): each keeps the break point it
  // touches, and the anchor; the one at a break point is graded from there on when the error
  // falls as slowly as a singularity's.
  Panel half(bool upper, double err) const {
    Panel p = *this;
    ++p.depth;
    p.parent_err = err;
    const double mid = 0.5 * (lo + hi);
    if (upper) {
      p.lo = mid, p.lo_break = false;
      if (hi_break && lo_break) p.anchor_z = hi, p.anchor_t = hi_t;  // now the nearer one
    } else {
      p.hi = mid, p.hi_break = false;
    }
    p.graded = (p.lo_break || p.hi_break) &&
               (graded || (p.depth >= graded_depth && parent_err > 0 && err > 0.25 * parent_err));
    return p;
  }
};

}  // namespace

void transition_cuts(double center, double width, double sd, std::vector<double>& cuts) {
  cuts.push_back(center);
  if (!(width > 0) || !(sd > 0)) return;
  for (double d = width; d < max_panel * sd; d *= 4) cuts.insert(cuts.end(), {center - d, center + d});
}

namespace {

// The initial panels of one entry: [-9, 9] cut to the support, split at the break points and at
// t = 0, each piece divided into panels of width <= max_panel.
// Where an entry's panels end; an end at -z_max or z_max (not a support edge) may move out.
struct Reach {
  double lo = 0, hi = 0;
  bool unresolved = false;  // oscillating faster than the panel budget can follow
};

void initial_panels(const Shape& shape, const ExtraCuts& extra_cuts, std::uint32_t entry, double mean, double sd,
                    std::vector<Panel>& out, Reach& reach) {
  const double lo = std::max(-z_max, (shape.support_lo - mean) / sd);
  const double hi = std::min(z_max, (shape.support_hi - mean) / sd);
  reach = {lo, hi};
  if (!(lo < hi)) return;  // no mass on the support: the integral is 0
  std::vector<double> cuts{lo, hi};
  auto add = [&](double t) {
    const double z = (t - mean) / sd;
    if (z > lo && z < hi) cuts.push_back(z);
  };
  std::vector<std::pair<double, double>> breaks;  // the break points: z, t
  for (double t : shape.breakpoints) {
    add(t);
    breaks.emplace_back((t - mean) / sd, t);
  }
  add(0.0);
  std::vector<double> steep;
  for (const program::Transition& tr : shape.transitions) transition_cuts(tr.center, tr.width, sd, steep);
  for (double t : steep) add(t);
  if (extra_cuts) {
    std::vector<double> extra;
    extra_cuts(entry, extra);
    for (double t : extra) add(t);
  }
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  // A fast oscillation (sin(k x), period P in x): panels of at most a quarter period, or the rule
  // samples it blindly and its error estimate with it. Where that takes more panels than the
  // budget, the panels stay wide and the integral counts as missing its target.
  double widest = max_panel;
  if (std::isfinite(shape.period)) {
    const double quarter = 0.25 * shape.period / sd;
    if ((hi - lo) / quarter <= panel_budget / 4)
      widest = std::min(widest, quarter);
    else
      reach.unresolved = true;
  }
  for (std::size_t k = 0; k + 1 < cuts.size(); ++k) {
    const double width = cuts[k + 1] - cuts[k];
    const int pieces = std::max(1, static_cast<int>(std::ceil(width / widest)));
    auto break_at = [&](double z) {
      return std::find_if(breaks.begin(), breaks.end(), [z](const auto& b) { return b.first == z; });
    };
    const auto lo_break = break_at(cuts[k]), hi_break = break_at(cuts[k + 1]);
    for (int p = 0; p < pieces; ++p) {
      Panel panel{entry, 0, cuts[k] + width * p / pieces, p + 1 == pieces ? cuts[k + 1] : cuts[k] + width * (p + 1) / pieces};
      panel.lo_break = p == 0 && lo_break != breaks.end();
      panel.hi_break = p + 1 == pieces && hi_break != breaks.end();
      panel.anchor_t = mean;
      if (panel.hi_break) panel.hi_t = hi_break->second;
      if (panel.lo_break)
        panel.anchor_z = lo_break->first, panel.anchor_t = lo_break->second;
      else if (panel.hi_break)
        panel.anchor_z = hi_break->first, panel.anchor_t = hi_break->second;
      out.push_back(panel);
    }
  }
}

// Entries [first, first + count) of one adaptive_gauss_1d call.
void integrate_chunk(const BatchIntegrand& h, const Shape& shape, const ExtraCuts& extra_cuts, const double* mean,
                     const double* var, double* out, std::size_t first, std::size_t count, double tolerance,
                     double noise) {
  const Rule& rule = gk15();
  std::vector<double> sd(count), scale(count, 0.0), short_by(count, 0.0), room(count, 0.0), t, y;
  std::vector<int> evaluated(count, 0);
  std::vector<Reach> reach(count);
  std::vector<std::uint32_t> entry;
  std::vector<Panel> pending, next;

  // Zero-variance entries: h(mean), all in one call.
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t e = first + i;
    out[e] = 0.0;
    sd[i] = var[e] > 0 ? std::sqrt(var[e]) : 0.0;
    if (sd[i] > 0) {
      initial_panels(shape, extra_cuts, static_cast<std::uint32_t>(e), mean[e], sd[i], pending, reach[i]);
    } else {
      entry.push_back(static_cast<std::uint32_t>(e));
      t.push_back(mean[e]);
    }
  }
  if (!entry.empty()) {
    y.resize(t.size());
    h(entry.data(), t.data(), y.data(), t.size());
    for (std::size_t k = 0; k < entry.size(); ++k) out[entry[k]] = y[k];
  }

  for (bool first_round = true; !pending.empty(); first_round = false) {
    const std::size_t np = pending.size() * 15;
    t.resize(np);
    y.resize(np);
    entry.resize(np);
    for (std::size_t p = 0; p < pending.size(); ++p) {
      const Panel& panel = pending[p];
      const std::size_t i = panel.entry - first;
      for (int j = 0; j < 15; ++j) {
        double z, offset, jacobian;
        panel.node(rule.x, j, z, offset, jacobian);
        t[p * 15 + j] = panel.anchor_t + sd[i] * offset;
        entry[p * 15 + j] = panel.entry;
      }
    }
    h(entry.data(), t.data(), y.data(), np);

    // K15, G7 and the K15 estimate of E|h| per panel; the first round fixes each entry's scale.
    struct Estimate { double k, g, abs; };
    std::vector<Estimate> est(pending.size());
    for (std::size_t p = 0; p < pending.size(); ++p) {
      const Panel& panel = pending[p];
      const double half = 0.5 * (panel.hi - panel.lo);
      double k = 0, g = 0, abs = 0;
      for (int j = 0; j < 15; ++j) {
        double z, offset, jacobian;
        panel.node(rule.x, j, z, offset, jacobian);
        const double weight = phi(z) * jacobian;
        // Far out: never 0 * inf. A graded node so close to the break point that it rounds onto
        // a singular point (log 0) carries a weight below 1e-15 of the panel's: it counts 0.
        const double yj = y[p * 15 + j];
        const double v = weight == 0.0 || (panel.graded && !std::isfinite(yj)) ? 0.0 : yj * weight;
        k += rule.wk[j] * v;
        g += rule.wg[j] * v;
        abs += rule.wk[j] * std::fabs(v);
      }
      est[p] = {k * half, g * half, abs * half};
      if (first_round) scale[panel.entry - first] += abs * half;
    }

    if (first_round)
      for (std::size_t i = 0; i < count; ++i) room[i] = singular_room * tolerance * scale[i];
    next.clear();
    for (std::size_t p = 0; p < pending.size(); ++p) {
      const Panel& panel = pending[p];
      const std::size_t i = panel.entry - first;
      const double err = std::fabs(est[p].k - est[p].g);
      const double share = tolerance * scale[i] * (panel.hi - panel.lo) / (2 * z_max);
      // A panel is not bisected below 1e-12 of its position either: near an integrable
      // singularity (log|t|) at a cut, deeper nodes would round onto the singular point itself.
      const bool too_narrow = panel.hi - panel.lo <= min_relative_width * std::fmax(1.0, std::fmax(std::fabs(panel.lo), std::fabs(panel.hi)));
      // Nor is a panel refined whose error is negligible in absolute terms: beside a singular
      // point (log|t|) the share falls with the width below the noise of the integrand there,
      // and the regular neighbours would split without end. At most panel_budget panels are
      // accepted so, 1e-6 of the target each: 2% of the target in all.
      // An integrand known only to a relative `noise` (an inner integral) gives the panel an
      // error estimate of about 2 noise |h| even where the rule has converged: that much is not
      // refined either (the caller's tolerance has room for it).
      const bool negligible = err <= 1e-6 * tolerance * scale[i] + 2 * noise * est[p].abs;
      const bool singular_end = panel.graded && err <= singular_panel * tolerance * scale[i] && err <= room[i];
      if (singular_end && err > share) room[i] -= err;
      // An oscillation beyond the panel budget is not refined at all (it would only exhaust the
      // budget, and nested in an outer integral, the time): counted as a miss instead.
      const bool done = !(err > share)  // also NaN/inf: refining cannot help, the caller sees it
                        || reach[i].unresolved || negligible || singular_end || panel.depth >= max_depth || too_narrow || ++evaluated[i] > panel_budget;
      if (done) {
        out[panel.entry] += est[p].k;
        if (err > share && !negligible && !singular_end) short_by[i] += err;  // left at a limit, its estimate above its share
        // A function growing almost as fast as the Gaussian decays (exp(0.3 t^2) at variance
        // 0.8) still has mass beyond |z| = 9: while the outermost panel holds more than a
        // sliver of the tolerance, one more panel goes beyond it.
        const bool outermost_hi = panel.hi == reach[i].hi && reach[i].hi >= z_max,
                   outermost_lo = panel.lo == reach[i].lo && reach[i].lo <= -z_max;
        if ((outermost_hi || outermost_lo) && std::fabs(est[p].k) > 1e-3 * tolerance * scale[i]) {
          double& edge = outermost_hi ? reach[i].hi : reach[i].lo;
          const double next_edge = edge + (outermost_hi ? 2 * max_panel : -2 * max_panel);
          if (std::fabs(next_edge) <= z_limit) {
            Panel beyond{panel.entry, 0, std::min(edge, next_edge), std::max(edge, next_edge)};
            beyond.anchor_t = mean[panel.entry];
            next.push_back(beyond);
            edge = next_edge;
          }
        }
      } else {
        next.push_back(panel.half(false, err));
        next.push_back(panel.half(true, err));
      }
    }
    std::swap(pending, next);
  }
  for (std::size_t i = 0; i < count; ++i)
    if (reach[i].unresolved)
      note_quadrature_miss(1.0);  // its error is unknown: as large as the integrand's scale
    else if (short_by[i] > tolerance * scale[i])
      note_quadrature_miss(short_by[i] / scale[i]);
}

}  // namespace

void adaptive_gauss_1d(const BatchIntegrand& h, const Shape& shape, const double* mean, const double* var,
                       double* out, std::size_t n, double tolerance, const ExtraCuts& extra_cuts, double noise) {
  for (std::size_t first = 0; first < n; first += chunk)
    integrate_chunk(h, shape, extra_cuts, mean, var, out, first, std::min(chunk, n - first), tolerance, noise);
}

void gauss_expect_1d(const ArrayFunction& g, const Shape& g_shape, const double* mean, const double* var,
                     double* out, std::size_t n, double tolerance) {
  adaptive_gauss_1d([&g](const std::uint32_t*, const double* t, double* y, std::size_t m) { g.eval(t, y, m); },
                    g_shape, mean, var, out, n, tolerance);
}

}  // namespace sgntk::runtime
