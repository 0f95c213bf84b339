#include "runtime/kernel_tile.h"

#include <algorithm>
#include <array>
#include <initializer_list>
#include <cmath>
#include <memory>
#include <span>

#include "runtime/closed_forms.h"
#include "runtime/expectation.h"
#include "runtime/expectation_tails.h"
#include "runtime/variance_overflow.h"
#include "runtime/vector_math.h"

namespace sgntk::runtime {
namespace {

constexpr std::size_t entries = FusedTile::side * FusedTile::side;  // a multiple of vector_math::lanes
constexpr double rho_fixup = 0.25;     // ab - c^2 < ab / 4 (|rho| > 0.87): the exact (input) or analytic gap
constexpr double small_c = 1.0 / 1024;  // |c| below this fraction of its scale: the compensated input covariance
constexpr unsigned char fix_geometry = 1, fix_covariance = 2;  // needs_fixup's flags

std::size_t padded(std::size_t n) { return (n + vector_math::lanes - 1) / vector_math::lanes * vector_math::lanes; }

// The weight and bias scales of the affine map that reads layer l's activation (l = -1: input).
struct Scales {
  double w2, b2;
};
Scales reader_of(const KernelProgram& p, std::ptrdiff_t l) {
  const std::size_t next = static_cast<std::size_t>(l + 1);
  if (next < p.hidden.size()) return {p.hidden[next].sigma_w * p.hidden[next].sigma_w, p.hidden[next].sigma_b * p.hidden[next].sigma_b};
  return {p.readout_sigma_w * p.readout_sigma_w, p.readout_sigma_b * p.readout_sigma_b};
}

// The nearly collinear entries of a tile, gathered for the analytic gap (FusedTile::exact_gaps).
struct Gathered {
  alignas(64) std::array<double, entries> a, b, c, gap, dist, e, big_a, big_b, distance, gap_out, dist_out;
  TileQuantities q;
};

// Per-thread tile arrays, reused by every tile the thread runs.
struct Workspace {
  alignas(64) std::array<double, entries> a, b, c, gap, dist, theta, e, d, big_a, big_b, result;
  std::array<bool, entries> divergent;
  std::array<bool, entries> itself;  // the entry is a point with itself (x = x')
  std::array<unsigned char, entries> flag;
  std::array<std::size_t, entries> index;
  TileQuantities q;
  Gathered sub;
  std::array<std::vector<SeriesTile>, 2> series;  // this layer's Hermite table views
};

thread_local Workspace workspace;

// The exact gap and distance of the input covariance of x and x' (scales w2 / dim and b2):
// with a = alpha |x|^2 + beta, b = alpha |x'|^2 + beta, c = alpha x.x' + beta,
//   ab - c^2 = alpha^2 |x|^2 |r|^2 + alpha beta |x - x'|^2,   a + b - 2c = alpha |x - x'|^2,
// r = x' - t x the part of x' orthogonal to x. Formed with one rounding per component (fma) and
// projected twice, so that r keeps its relative precision also when x' is nearly parallel (or
// antiparallel) to x, whatever the norms; |x - x'| comes from differences, exact for close points.
struct InputGeometry {
  double gap, dist;
};
// The formula projects onto one of the two points; it takes the smaller one in a fixed order
// (norm, then lexicographic) so that the result is symmetric in (x, x') bit for bit.
InputGeometry input_geometry(const double* x, const double* y, std::size_t dim, double sq_norm_x, double sq_norm_y,
                             double alpha, double beta) {
  const bool keep = sq_norm_x < sq_norm_y ||
                    (sq_norm_x == sq_norm_y && !std::lexicographical_compare(y, y + dim, x, x + dim));
  if (!keep) {
    std::swap(x, y);
    std::swap(sq_norm_x, sq_norm_y);
  }
  double diff2 = 0, x_y = 0;
  for (std::size_t k = 0; k < dim; ++k) {
    const double diff = x[k] - y[k];
    diff2 += diff * diff;
    x_y += x[k] * y[k];
  }
  double r2 = sq_norm_y;
  if (sq_norm_x > 0) {
    // r = y - t x, then the rounding of t (a multiple of x) projected out once more
    const double t = x_y / sq_norm_x;
    double x_r = 0;
    for (std::size_t k = 0; k < dim; ++k) x_r += x[k] * std::fma(-t, x[k], y[k]);
    const double t2 = x_r / sq_norm_x;
    r2 = 0;
    for (std::size_t k = 0; k < dim; ++k) {
      const double r = std::fma(-t2, x[k], std::fma(-t, x[k], y[k]));
      r2 += r * r;
    }
  }
  // Zero parts stay zero also for infinite scales (sigma_w^2 overflowing: no 0 * inf = NaN).
  auto product = [](std::initializer_list<double> factors) {
    double p = 1.0;
    for (double f : factors) {
      if (f == 0.0) return 0.0;
      p *= f;
    }
    return p;
  };
  return {product({alpha, alpha, sq_norm_x, r2}) + product({alpha, beta, diff2}), product({alpha, diff2})};
}

// w2 x.x' / dim + b2 with x.x' and the sum in double-double (Ogita, Rump and Oishi's Dot2 with
// an exact product by fma): correct to about one rounding also where the terms cancel.
struct DoubleDouble {
  double hi, lo;
};
DoubleDouble two_sum(double a, double b) {
  const double s = a + b, bb = s - a;
  return {s, (a - (s - bb)) + (b - bb)};
}
DoubleDouble two_product(double a, double b) {
  const double p = a * b;
  return {p, std::fma(a, b, -p)};
}
double precise_covariance(const double* x, const double* y, std::size_t dim, double w2, double b2, int input_dim) {
  double hi = 0, lo = 0;
  for (std::size_t k = 0; k < dim; ++k) {
    const DoubleDouble p = two_product(x[k], y[k]);
    const DoubleDouble s = two_sum(hi, p.hi);
    hi = s.hi;
    lo += p.lo + s.lo;
  }
  // (w2 (hi + lo) + dim b2) / dim, the products exact and the sum compensated
  const DoubleDouble scaled = two_product(w2, hi), bias = two_product(static_cast<double>(input_dim), b2);
  const DoubleDouble sum = two_sum(scaled.hi, bias.hi);
  return (sum.hi + (sum.lo + scaled.lo + bias.lo + w2 * lo)) / input_dim;
}

}  // namespace

double point_dot(const double* x, const double* y, std::size_t d) {
  double s = 0;
  for (std::size_t k = 0; k < d; ++k) s += x[k] * y[k];
  return s;
}

// The expectation of a layer that a kernel of `kind` multiplies into theta (none for the NNGP).
const Expectation* dot_expectation(const LayerProgram& layer, KernelKind kind) {
  return kind == KernelKind::ntk ? &layer.ntk : kind == KernelKind::sgntk ? &layer.sgntk : nullptr;
}

std::vector<SeriesTables> tabulate_all(const Expectation* e, std::span<const double> sigma) {
  std::vector<SeriesTables> out;
  if (e)
    for (const QuadratureTerm* t : series_terms(*e)) out.push_back(tabulate(*t, sigma));
  return out;
}

PointDiagonals diagonal_recursion(const KernelProgram& p, const RowMatrix& x, KernelKind kind) {
  const std::size_t n = static_cast<std::size_t>(x.rows()), dim = static_cast<std::size_t>(x.cols()), m = padded(n);
  const Scales in = reader_of(p, -1);
  PointDiagonals diag;
  diag.sq_norm.resize(n);
  diag.norm.resize(n);
  diag.sigma.assign(p.hidden.size() + 1, std::vector<double>(n));
  diag.expect.assign(p.hidden.size(), std::vector<double>(n));
  diag.distance_ok.assign(p.hidden.size(), false);
  diag.series.resize(p.hidden.size());
  check_squared_scales(p);
  for (std::size_t i = 0; i < n; ++i) {
    const double* row = x.data() + i * dim;
    diag.sq_norm[i] = point_dot(row, row, dim);
    diag.norm[i] = std::sqrt(diag.sq_norm[i]);
    diag.sigma[0][i] = in.w2 * diag.sq_norm[i] / p.input_dim + in.b2;
    check_variance(p, 0, diag.sq_norm[i] / p.input_dim, diag.sigma[0][i], i);
  }
  // Each point as the entry (x, x): a = b = c = Sigma, gap = 0, padded with the last point.
  std::vector<double> s(m), zero(m, 0.0), e(m);
  DivergentEntries divergent(p);
  const auto bad = std::make_unique<bool[]>(m);
  for (std::size_t l = 0; l < p.hidden.size(); ++l) {
    for (std::size_t i = 0; i < m; ++i) s[i] = std::fmax(diag.sigma[l][std::min(i, n - 1)], 0.0);
    divergent.mark(l, 0, p.hidden[l].nngp, s.data(), s.data(), s.data(), bad.get(), n, 1);
    divergent.throw_if_any(n, "points (their variances Sigma(x, x))");
    diag.series[l][0] = tabulate_all(&p.hidden[l].nngp, diag.sigma[l]);
    diag.series[l][1] = tabulate_all(dot_expectation(p.hidden[l], kind), diag.sigma[l]);
    std::vector<SeriesTile> views;
    for (const SeriesTables& t : diag.series[l][0]) views.push_back({&t, &t, 0, 0, n, 1, true});
    const std::span<const SeriesTile> series[] = {views};
    TileQuantities q;
    q.reset({s.data(), s.data(), s.data(), zero.data(), m});
    const Expectation* es[] = {&p.hidden[l].nngp};
    double* outs[] = {e.data()};
    evaluate_all(es, q, outs, series);
    const Scales next = reader_of(p, static_cast<std::ptrdiff_t>(l));
    bool positive = true;
    for (std::size_t i = 0; i < n; ++i) {
      diag.expect[l][i] = e[i];
      diag.sigma[l + 1][i] = next.w2 * e[i] + next.b2;
      check_variance(p, l + 1, e[i], diag.sigma[l + 1][i], i);
      positive = positive && s[i] > 0;
    }
    diag.distance_ok[l] = positive && has_distance(p.hidden[l].nngp);
  }
  return diag;
}

FusedTile::FusedTile(const KernelProgram& p, KernelKind kind, const RowMatrix& x1, const RowMatrix& x2,
                     const PointDiagonals& d1, const PointDiagonals& d2, DivergentEntries& divergent)
    : p_(p), kind_(kind), x1_(x1), x2_(x2), d1_(d1), d2_(d2), divergent_(divergent) {
  // Columns padded with zeros to whole tiles: the tile's dot products always run 16 wide.
  x2t_ = RowMatrix::Zero(x2.cols(), (x2.rows() + side - 1) / side * side);
  x2t_.leftCols(x2.rows()) = x2.transpose();
}

namespace {

// Per-point values of a tile's rows and columns spread over its entries (row-major ni x nj);
// the padding repeats the last entry.
void spread_rows(const double* v, std::size_t ni, std::size_t nj, std::size_t m, double* out) {
  for (std::size_t i = 0; i < ni; ++i) std::fill_n(out + i * nj, nj, v[i]);
  std::fill(out + ni * nj, out + m, v[ni - 1]);
}
void spread_cols(const double* v, std::size_t ni, std::size_t nj, std::size_t m, double* out) {
  for (std::size_t i = 0; i < ni; ++i) std::copy_n(v, nj, out + i * nj);
  std::fill(out + ni * nj, out + m, v[nj - 1]);
}

}  // namespace

namespace detail {

// gap = ab - c^2 (stably) and dist = a + b - 2c, clamped at 0 (NaN also becomes 0, as fmax does).
SGNTK_VECTOR_CLONES void gap_and_distance(const double* a, const double* b, const double* c, double* gap, double* dist,
                                          std::size_t n) {
  for (std::size_t k = 0; k < n; ++k) {
    // ab - c^2 as (a - c)(b - c) + c ((a - c) + (b - c)): as accurate as the direct form (about
    // 2 eps ab; better near c = a = b, where a - c and b - c are exact), symmetric in a and b
    // bit for bit, and exactly 0 for a = b = c even where the compiler contracts it into FMAs
    // (a b - c c as fma(a, b, -c c) leaves the rounding error of c c, and the entry would no
    // longer count as a point with itself). The exact gaps come from elsewhere.
    const double da = a[k] - c[k], db = b[k] - c[k];
    const double g = da * db + c[k] * (da + db), d = a[k] + b[k] - 2 * c[k];
    gap[k] = g > 0 ? g : 0.0;
    dist[k] = d > 0 ? d : 0.0;
  }
}

// The next layer's gap and distance from the layer's distance D (see kernel_tile.h):
// a'b' - c'^2 = w2^2 ((D/2)((A + B)/2 + C) - ((A - B)/2)^2) + w2 b2 D, a' + b' - 2c' = w2 D.
SGNTK_VECTOR_CLONES void propagate_exact(const double* e, const double* distance, const double* big_a,
                                         const double* big_b, double w2, double b2, double* gap, double* dist,
                                         std::size_t n) {
  for (std::size_t k = 0; k < n; ++k) {
    const double dd = distance[k], half_diff = 0.5 * (big_a[k] - big_b[k]);
    const double gram = 0.5 * dd * (0.5 * (big_a[k] + big_b[k]) + e[k]) - half_diff * half_diff;
    gap[k] = w2 * w2 * (gram > 0 ? gram : 0.0) + w2 * b2 * dd;
    dist[k] = w2 * dd;
  }
}

// c[i][j] = alpha x1_i . x2_j + beta for a tile's rows, x2 transposed (columns contiguous); the
// sum over k runs in index order, as point_dot's does.
SGNTK_VECTOR_CLONES void tile_covariances(const double* x1, const double* x2t, std::size_t n2, std::size_t dim,
                                          std::size_t ni, std::size_t nj, double alpha, double beta, double* c) {
  // Two 8-wide accumulators per row in GCC's generic vectors (one zmm each on AVX-512, pairs
  // of narrower registers elsewhere): the vectoriser alone does not find this shape.
  typedef double v8 __attribute__((vector_size(64)));
  for (std::size_t i = 0; i < ni; ++i) {
    v8 lo = {}, hi = {};
    for (std::size_t k = 0; k < dim; ++k) {
      const double xk = x1[i * dim + k];
      v8 a, b;
      __builtin_memcpy(&a, x2t + k * n2, sizeof a);
      __builtin_memcpy(&b, x2t + k * n2 + 8, sizeof b);
      lo += xk * a;
      hi += xk * b;
    }
    alignas(64) double row[16];
    lo = alpha * lo + beta;
    hi = alpha * hi + beta;
    __builtin_memcpy(row, &lo, sizeof lo);
    __builtin_memcpy(row + 8, &hi, sizeof hi);
    for (std::size_t j = 0; j < nj; ++j) c[i * nj + j] = row[j];
  }
}

// Entries that need the exact input geometry (fix_geometry) or a compensated covariance
// (fix_covariance), as flags (see run()).
SGNTK_VECTOR_CLONES void needs_fixup(const double* a, const double* b, const double* c, const double* gap,
                                     const double* scale, unsigned char* flag, std::size_t n) {
  for (std::size_t k = 0; k < n; ++k)
    flag[k] = static_cast<unsigned char>((gap[k] < rho_fixup * a[k] * b[k] ? fix_geometry : 0) |
                                         (std::fabs(c[k]) < small_c * scale[k] ? fix_covariance : 0));
}

SGNTK_VECTOR_CLONES void affine(const double* e, double w2, double b2, double* c, std::size_t n) {
  for (std::size_t k = 0; k < n; ++k) c[k] = w2 * e[k] + b2;
}

SGNTK_VECTOR_CLONES void ntk_step(const double* d, const double* c, double w2, double* theta, std::size_t n) {
  for (std::size_t k = 0; k < n; ++k) theta[k] = theta[k] * (w2 * d[k]) + c[k];
}

}  // namespace detail

void FusedTile::exact_gaps(std::size_t l, std::size_t i0, std::size_t j0, std::size_t nj, std::size_t nf, double w2,
                           double b2) const {
  Workspace& w = workspace;
  Gathered& g = w.sub;
  const std::size_t mf = padded(nf);
  for (std::size_t f = 0; f < mf; ++f) {
    const std::size_t k = w.index[std::min(f, nf - 1)];  // padding repeats the last one
    g.a[f] = w.a[k], g.b[f] = w.b[k], g.c[f] = w.c[k], g.gap[f] = w.gap[k], g.dist[f] = w.dist[k], g.e[f] = w.e[k];
    g.big_a[f] = d1_.expect[l][i0 + k / nj];
    g.big_b[f] = d2_.expect[l][j0 + k % nj];
  }
  g.q.reset({g.a.data(), g.b.data(), g.c.data(), g.gap.data(), mf});
  expectation_distance(p_.hidden[l].nngp, g.q, g.dist.data(), g.distance.data());
  detail::propagate_exact(g.e.data(), g.distance.data(), g.big_a.data(), g.big_b.data(), w2, b2, g.gap_out.data(),
                          g.dist_out.data(), mf);
}

const double* FusedTile::run(std::size_t i0, std::size_t j0, std::size_t ni, std::size_t nj, std::size_t weight) const {
  Workspace& w = workspace;
  const std::size_t n = ni * nj, m = padded(n), dim = static_cast<std::size_t>(x1_.cols());

  // Input layer: c = alpha x.x' + beta, the dot products vectorised over the tile's columns.
  const Scales in = reader_of(p_, -1);
  const double alpha = in.w2 / p_.input_dim, beta = in.b2;
  detail::tile_covariances(x1_.data() + i0 * dim, x2t_.data() + j0, static_cast<std::size_t>(x2t_.cols()), dim, ni,
                           nj, alpha, beta, w.c.data());
  std::fill(w.c.begin() + n, w.c.begin() + m, w.c[n - 1]);
  spread_rows(d1_.sigma[0].data() + i0, ni, nj, m, w.a.data());
  spread_cols(d2_.sigma[0].data() + j0, ni, nj, m, w.b.data());
  detail::gap_and_distance(w.a.data(), w.b.data(), w.c.data(), w.gap.data(), w.dist.data(), m);
  std::fill_n(w.divergent.begin(), m, false);

  // Nearly collinear pairs (and identical points): the exact gap and distance. Covariances near
  // zero (nearly orthogonal points, or the bias cancelling the product): c from a compensated
  // dot product, so that it keeps its relative precision. Both are rare off the diagonal.
  spread_rows(d1_.norm.data() + i0, ni, nj, m, w.big_a.data());
  spread_cols(d2_.norm.data() + j0, ni, nj, m, w.big_b.data());
  for (std::size_t k = 0; k < m; ++k) w.big_a[k] = alpha * w.big_a[k] * w.big_b[k] + beta;
  detail::needs_fixup(w.a.data(), w.b.data(), w.c.data(), w.gap.data(), w.big_a.data(), w.flag.data(), m);
  for (std::size_t i = 0; i < ni; ++i)
    for (std::size_t j = 0; j < nj; ++j) {
      const std::size_t k = i * nj + j;
      if (!w.flag[k]) continue;
      const double* x = x1_.data() + (i0 + i) * dim;
      const double* y = x2_.data() + (j0 + j) * dim;
      if (w.flag[k] & fix_geometry) {
        const InputGeometry g = input_geometry(x, y, dim, d1_.sq_norm[i0 + i], d2_.sq_norm[j0 + j], alpha, beta);
        w.gap[k] = g.gap;
        w.dist[k] = g.dist;
      }
      if (w.flag[k] & fix_covariance)
        w.c[k] = precise_covariance(x, y, dim, in.w2, in.b2, p_.input_dim);
    }
  for (std::size_t k = n; k < m; ++k) {
    w.c[k] = w.c[n - 1];
    w.gap[k] = w.gap[n - 1];
    w.dist[k] = w.dist[n - 1];
  }
  // A point with itself has c = Sigma(x, x) exactly: the tile's dot product sums in another
  // order than the norm, and one unit apart would make rho = 1 - 1e-16, where a kernel with a
  // square-root branch at rho = 1 (log|x|: arcsin(rho)^2) moves by 1e-8.
  for (std::size_t k = 0; k < m; ++k) {
    w.itself[k] = w.dist[k] == 0 && w.gap[k] == 0 && w.a[k] == w.b[k];
    if (w.itself[k]) w.c[k] = w.a[k];
  }
  std::copy_n(w.c.begin(), m, w.theta.begin());

  const bool with_dot = kind_ != KernelKind::nngp;
  // a and b hold Sigma^l of the tile's rows and columns: set above for l = 0, and by the end
  // of the previous layer after that.
  for (std::size_t l = 0; l < p_.hidden.size(); ++l) {
    const LayerProgram& layer = p_.hidden[l];
    const Expectation* dot_e = dot_expectation(layer, kind_);
    // A divergent entry is counted (the run then fails) and evaluated at a harmless zero law.
    if (layer.nngp.growth != program::TailGrowth{} || (dot_e && dot_e->growth != program::TailGrowth{})) {
      divergent_.mark(l, 0, layer.nngp, w.a.data(), w.b.data(), w.c.data(), w.divergent.data(), n, weight);
      if (dot_e) divergent_.mark(l, 1, *dot_e, w.a.data(), w.b.data(), w.c.data(), w.divergent.data(), n, weight);
      for (std::size_t k = 0; k < n; ++k)
        if (w.divergent[k]) w.a[k] = w.b[k] = w.c[k] = w.gap[k] = w.dist[k] = 0.0;
    }

    w.q.reset({w.a.data(), w.b.data(), w.c.data(), w.gap.data(), m});
    const Expectation* es[] = {&layer.nngp, dot_e};
    double* outs[] = {w.e.data(), w.d.data()};
    std::array<std::vector<SeriesTile>, 2>& views = w.series;
    for (std::size_t slot = 0; slot < 2; ++slot) {
      views[slot].clear();
      const std::vector<SeriesTables>& rows = d1_.series[l][slot];
      const std::vector<SeriesTables>& cols = d2_.series[l][slot];
      for (std::size_t t = 0; t < rows.size(); ++t) views[slot].push_back({&rows[t], &cols[t], i0, j0, ni, nj, false});
    }
    const std::span<const SeriesTile> series[] = {views[0], views[1]};
    evaluate_all(std::span(es, with_dot ? 2 : 1), w.q, std::span(outs, with_dot ? 2 : 1), series);

    const Scales next = reader_of(p_, static_cast<std::ptrdiff_t>(l));
    // After the last hidden layer only c (and theta) are read: no gap, no distance.
    const bool last = l + 1 == p_.hidden.size();
    if (last) {
      detail::affine(w.e.data(), next.w2, next.b2, w.c.data(), m);
    } else {
      // The analytic gap only for the nearly collinear entries (|rho| > 0.87), gathered into a
      // short array: elsewhere the gap formed from (a', b', c') is as precise (rho' stays
      // below 0.9 there, so ab - c^2 >= ab / 5 and its rounding is 1e-15 of it).
      std::size_t nf = 0;
      if (d1_.distance_ok[l] && d2_.distance_ok[l])
        for (std::size_t k = 0; k < n; ++k)  // (the padding beyond n is never read)
          if (w.gap[k] < rho_fixup * w.a[k] * w.b[k]) w.index[nf++] = k;
      if (nf > 0) exact_gaps(l, i0, j0, nj, nf, next.w2, next.b2);
      detail::affine(w.e.data(), next.w2, next.b2, w.c.data(), m);
      spread_rows(d1_.sigma[l + 1].data() + i0, ni, nj, m, w.a.data());
      spread_cols(d2_.sigma[l + 1].data() + j0, ni, nj, m, w.b.data());
      detail::gap_and_distance(w.a.data(), w.b.data(), w.c.data(), w.gap.data(), w.dist.data(), m);
      for (std::size_t f = 0; f < nf; ++f) {
        w.gap[w.index[f]] = w.sub.gap_out[f];
        w.dist[w.index[f]] = w.sub.dist_out[f];
      }
      // A point with itself stays one: its c is Sigma(x, x) of the diagonal recursion, not the
      // tile's own sum of the same terms, which may round one unit apart and would then read as
      // 1 - rho^2 ~ 1e-16 (a jump turns that into an error of 1e-8).
      for (std::size_t k = 0; k < m; ++k)
        if (w.itself[k]) w.c[k] = w.a[k], w.gap[k] = 0.0, w.dist[k] = 0.0;
    }
    if (with_dot) detail::ntk_step(w.d.data(), w.c.data(), next.w2, w.theta.data(), m);
  }
  const std::array<double, entries>& value = with_dot ? w.theta : w.c;
  for (std::size_t k = 0; k < n; ++k) w.result[k] = w.divergent[k] ? std::nan("") : value[k];
  return w.result.data();
}

}  // namespace sgntk::runtime
