#include "runtime/closed_forms.h"
#include "runtime/shifted_steps.h"

#include "runtime/vector_math.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <numbers>
#include <stdexcept>
#include <vector>

namespace sgntk::runtime {

namespace {

constexpr double pi = std::numbers::pi;

// (n-1)!! for even n >= 0, i.e. E[Z^n] for Z ~ N(0, 1); (-1)!! = 1.
double gaussian_moment(int n) {
  double r = 1.0;
  for (int k = n - 1; k > 1; k -= 2) r *= k;
  return r;
}

double binomial(int n, int k) {
  double r = 1.0;
  for (int i = 1; i <= k; ++i) r = r * (n - k + i) / i;
  return r;
}

double ipow(double x, int n) {
  double r = 1.0;
  for (; n > 0; n >>= 1, x *= x)
    if (n & 1) r *= x;
  return r;
}

// A parameter that must be a small non-negative integer (a moment order).
int order_param(const ClosedFormTerm& t, int i, int max) {
  const double v = t.p[static_cast<std::size_t>(i)];
  if (!(v >= 0 && v <= max && v == std::floor(v)))
    throw std::invalid_argument(fmt::format("closed form {}: parameter {} = {} is not an integer in [0, {}]",
                                            describe(t), i, v, max));
  return static_cast<int>(v);
}

double eps_param(const ClosedFormTerm& t, int i) {
  const double v = t.p[static_cast<std::size_t>(i)];
  if (!(v >= 0 && std::isfinite(v)))
    throw std::invalid_argument(fmt::format("closed form {}: eps = {} must be finite and >= 0", describe(t), v));
  return v;
}

// ---- scalar kernels: (a, b, c) with c^2 <= ab -------------------------------------------------

// The bivariate normal density of (s1, s2) under [[a + e1, c], [c, b + e2]]; centred bumps skip
// the exponential. d = det = 0 (the delta-delta diagonal) gives +inf where the point lies on the
// degenerate law's line and 0 off it.
double bump_bump(double a, double b, double c, double gap, double e1, double e2, double s1, double s2) {
  const double d = e1 * e2 + e1 * b + e2 * a + gap;
  if (s1 == 0.0 && s2 == 0.0) return 1.0 / (2.0 * pi * std::sqrt(d));  // +inf at d = 0
  const double q = (b + e2) * s1 * s1 - 2.0 * c * s1 * s2 + (a + e1) * s2 * s2;
  if (d == 0.0) return q <= 0.0 ? HUGE_VAL : 0.0;
  return std::exp(-0.5 * q / d) / (2.0 * pi * std::sqrt(d));
}

// E[relu(u) v^q]: q = 0 is E[relu(u)] = sqrt(a / (2 pi)); q = 1 is c E[H(u)] = c/2 (Stein).
double relu_moment(double a, double b, double c, int q) {
  return q == 0 ? std::sqrt(a / (2.0 * pi)) : 0.5 * c;
}

// Isserlis: sum over k pairings between u and v of C(p,k) C(q,k) k! c^k times the moments of
// the remaining (p-k) u's and (q-k) v's among themselves.
double moment(double a, double b, double c, int p, int q) {
  if ((p + q) % 2) return 0.0;
  double sum = 0.0, kfact = 1.0;
  for (int k = 0; k <= std::min(p, q); ++k) {
    if (k > 0) kfact *= k;
    if ((p - k) % 2 == 0 && (q - k) % 2 == 0)
      sum += binomial(p, k) * binomial(q, k) * kfact * ipow(c, k) * gaussian_moment(p - k) *
             ipow(a, (p - k) / 2) * gaussian_moment(q - k) * ipow(b, (q - k) / 2);
  }
  return sum;
}

// Law of v given that w = u + xi (xi ~ N(0, e) independent) is 0: a bump N(u; 0, e) weights the
// Gaussian exactly like an observation w = 0. Variance b - c^2/(a + e), formed stably.
double conditional_variance(double a, double b, double gap, double e) {
  const double ae = a + e;
  return ae > 0 ? (gap + e * b) / ae : b;  // a + e = 0 forces c = 0
}

// N(0; 0, a + e) E[V^q]; 0 whenever E[V^q] = 0 (odd q, or V = 0), also where the density is +inf.
double bump_moment(double a, double b, double gap, double e, int q) {
  if (q % 2) return 0.0;
  const double ev = gaussian_moment(q) * ipow(std::sqrt(conditional_variance(a, b, gap, e)), q);
  if (ev == 0.0) return 0.0;
  return ev / std::sqrt(2.0 * pi * (a + e));
}

// E[erf_e(u - s) v] = c E[erf_e'(u - s)] = c E[2 N(u; s, e)] = 2c N(s; 0, a + e) (Stein's lemma).
// At a + e = 0, c = 0. (q = 0, E[erf_e(u - s)], is vectorised: erf_argument.)
double erf_linear(double a, double c, double e, double s) {
  const double v = a + e;
  if (v == 0.0) return 0.0;
  return 2.0 * c * std::exp(-0.5 * s * s / v) / std::sqrt(2.0 * pi * v);
}

// E[cos ku cos lv] = exp(-S/2) cosh(klc), E[sin ku sin lv] = exp(-S/2) sinh(klc), S = k^2 a + l^2 b.
// Written as exp(-(S/2 - |klc|)) (1 +- exp(-2|klc|)) / 2 with S/2 - |klc| >= 0 formed as
// (|k| sqrt a - |l| sqrt b)^2 / 2 + |kl| (sqrt(ab) - |c|): no overflow, no cancellation.
struct TrigParts {
  double scale, p;  // exp(-(S/2 - P)), P = |klc|
};
TrigParts trig_parts(double a, double b, double c, double k, double l) {
  const double d = std::fabs(k) * std::sqrt(a) - std::fabs(l) * std::sqrt(b);
  const double g = 0.5 * d * d + std::fabs(k * l) * (std::sqrt(a * b) - std::fabs(c));
  return {std::exp(-std::fmax(0.0, g)), std::fabs(k * l * c)};
}
double cos_cos(double a, double b, double c, double k, double l) {
  const TrigParts t = trig_parts(a, b, c, k, l);
  return t.scale * (1.0 + std::exp(-2.0 * t.p)) * 0.5;
}
double sin_sin(double a, double b, double c, double k, double l) {
  const TrigParts t = trig_parts(a, b, c, k, l);
  const double s = t.scale * -std::expm1(-2.0 * t.p) * 0.5;
  return k * l * c < 0 ? -s : s;
}


constexpr double inv_2pi = 1.0 / (2.0 * pi);

}  // namespace

namespace detail {

SGNTK_VECTOR_CLONES void sqrt_of(const double* x, double* out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out[i] = std::sqrt(x[i]);
}

SGNTK_VECTOR_CLONES void sqrt_of_product(const double* x, const double* y, double* out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out[i] = std::sqrt(x[i] * y[i]);
}

SGNTK_VECTOR_CLONES void correlation(const double* c, const double* s, double* out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    const double r = s[i] > 0 ? c[i] / s[i] : 0.0;
    out[i] = r > 1.0 ? 1.0 : r < -1.0 ? -1.0 : r;
  }
}

// sqrt(e1 e2 + e1 b + e2 a + gap): the augmented covariance's gap, P - c^2 with
// P = (a + e1)(b + e2), formed without cancellation.
SGNTK_VECTOR_CLONES void augmented_root(const double* a, const double* b, const double* gap, double e1, double e2,
                                        double* out, std::size_t n) {
  const double e12 = e1 * e2;
  if (e1 == e2)  // symmetric in (a, b) bit for bit
    for (std::size_t i = 0; i < n; ++i) out[i] = std::sqrt(e12 + e1 * (a[i] + b[i]) + gap[i]);
  else
    for (std::size_t i = 0; i < n; ++i) out[i] = std::sqrt(e12 + e1 * b[i] + e2 * a[i] + gap[i]);
}

// min(y, |c|) and max(y, |c|): one atan2 of their ratio (<= 1) gives both angles accurately.
SGNTK_VECTOR_CLONES void min_max_abs(const double* y, const double* c, double* lo, double* hi, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    const double ac = std::fabs(c[i]);
    lo[i] = y[i] <= ac ? y[i] : ac;
    hi[i] = y[i] <= ac ? ac : y[i];
  }
}

SGNTK_VECTOR_CLONES void angles_from_phi(const double* y, const double* c, const double* phi, double* alpha, double* beta,
                                         std::size_t n) {
  constexpr double half_pi = pi / 2;
  for (std::size_t i = 0; i < n; ++i) {
    const bool y_small = y[i] <= std::fabs(c[i]);
    alpha[i] = y_small ? phi[i] : half_pi - phi[i];
    beta[i] = y_small ? half_pi - phi[i] : phi[i];
  }
}

// s / sqrt(2 (a + e)), so that E[erf_e(u - s)] = -erf of it; at a + e = 0 (u = 0: erf_e(-s) =
// -sign(s)) +-inf, or 0 for s = 0.
SGNTK_VECTOR_CLONES void erf_argument(const double* a, double e, double s, double* out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    const double v = a[i] + e;
    out[i] = v > 0 ? s / std::sqrt(2.0 * v) : (s > 0 ? HUGE_VAL : (s < 0 ? -HUGE_VAL : 0.0));
  }
}

SGNTK_VECTOR_CLONES void scaled(const double* x, double k, double* out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out[i] = k * x[i];
}

SGNTK_VECTOR_CLONES void inverse_scaled(const double* x, double k, double* out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out[i] = k / x[i];
}

// E[sign u sign v] = (2/pi) atan2(c, y) = (2/pi) sign(c) beta; 0 where c = 0 (also at a = 0).
SGNTK_VECTOR_CLONES void sign_sign(const double* c, const double* beta, double* out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    const double v = (2.0 / pi) * beta[i];
    out[i] = c[i] > 0 ? v : (c[i] < 0 ? -v : 0.0);
  }
}

// (y + c (pi - theta)) / (2 pi) with theta the angle between u and v: pi - theta = pi - alpha
// for c >= 0 and alpha for c < 0 (so c (pi - theta) = -|c| alpha there).
SGNTK_VECTOR_CLONES void relu_relu_main(const double* c, const double* y, const double* alpha, double* out,
                                        std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out[i] = (y[i] + c[i] * (c[i] >= 0 ? pi - alpha[i] : alpha[i])) * inv_2pi;
}

// (3 c y + (pi - theta)(ab + 2 c^2)) / (2 pi), the arc-cosine kernel of degree 2 with
// ab J_2(theta) / (2 pi). Near antiparallel inputs (c < 0, phi = pi - theta = alpha < 1/2) the
// two parts cancel to (ab / 2 pi) (4/15) phi^5: there J_2 = sum_{k>=2} (-1)^k (k - 1) t^(2k+1) /
// (2k+1)! with t = 2 phi (J_2 = t + (t/2) cos t - (3/2) sin t), 12 terms (the next is below
// 1e-19 of the first at t = 1).
constexpr std::array<double, 12> relu2_series = [] {
  std::array<double, 12> c{};
  for (int k = 2; k <= 13; ++k) {
    double factorial = 1.0;
    for (int i = 2; i <= 2 * k + 1; ++i) factorial *= i;
    c[static_cast<std::size_t>(13 - k)] = (k % 2 ? -1.0 : 1.0) * (k - 1) / factorial;
  }
  return c;
}();

SGNTK_VECTOR_CLONES void relu2_relu2(const double* a, const double* b, const double* c, const double* y,
                                     const double* alpha, double* out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    const double ab = a[i] * b[i];
    const double direct = (3.0 * c[i] * y[i] + (c[i] >= 0 ? pi - alpha[i] : alpha[i]) * (ab + 2.0 * c[i] * c[i])) * inv_2pi;
    const double t = 2.0 * alpha[i], t2 = t * t;
    double series = relu2_series[0];
    for (std::size_t k = 1; k < relu2_series.size(); ++k) series = series * t2 + relu2_series[k];
    series *= t * t2 * t2;  // the sum starts at t^5
    out[i] = c[i] < 0 && alpha[i] < 0.5 ? ab * series * inv_2pi : direct;
  }
}

constexpr std::array<double, 12> relu_series = [] {
  std::array<double, 12> c{};
  for (int k = 1; k <= 12; ++k) {
    double factorial = 1.0;
    for (int i = 2; i <= 2 * k + 1; ++i) factorial *= i;
    c[static_cast<std::size_t>(12 - k)] = (k % 2 ? 2.0 : -2.0) * k / factorial;
  }
  return c;
}();

// sin(theta) - theta cos(theta) = sum_{k>=1} (-1)^(k+1) 2k theta^(2k+1) / (2k+1)!, 12 terms for
// theta < 1 (the next is below 1e-20 of the first); used where y - theta c cancels.
SGNTK_VECTOR_CLONES void relu_distance(const double* a, const double* b, const double* c, const double* gap,
                                       const double* y, const double* alpha, const double* s, double* out,
                                       std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    const bool positive = c[i] >= 0;
    const double theta = positive ? alpha[i] : pi - alpha[i];
    // s - c, the first part of s (1 - cos theta), without cancellation where c ~ s
    const double s_minus_c = positive ? gap[i] / (s[i] + c[i]) : s[i] - c[i];
    // Horner in theta^2 with the coefficients (-1)^(k+1) 2k / (2k+1)!, k = 12 down to 1
    const double t2 = theta * theta;
    double series = relu_series[0];
    for (std::size_t k = 1; k < relu_series.size(); ++k) series = series * t2 + relu_series[k];
    series *= theta * t2;
    const double y_minus_theta_c = theta < 1.0 ? s[i] * series : y[i] - theta * c[i];
    const double da = a[i] - b[i];
    out[i] = 0.5 * da * da / (a[i] + b[i] + 2.0 * s[i]) + s_minus_c - y_minus_theta_c / pi;
  }
}

// 1 + E[sign u sign v] = 2 (pi - theta) / pi, times k: E[H(u) H(v)] (k = 1/4) without the
// cancellation of adding 1 and -1 + 2 theta / pi near theta = pi.
SGNTK_VECTOR_CLONES void one_plus_sign_sign(const double* c, const double* alpha, double k, double* out,
                                            std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out[i] = (2.0 * k / pi) * (c[i] >= 0 ? pi - alpha[i] : alpha[i]);
}

SGNTK_VECTOR_CLONES bool any_antiparallel(const double* c, const double* y, std::size_t n) {
  std::size_t count = 0;  // a count, without short-circuits, vectorises
  for (std::size_t i = 0; i < n; ++i) count += static_cast<std::size_t>((c[i] < 0) & (y[i] < 0.5 * -c[i]));
  return count > 0;
}

SGNTK_VECTOR_CLONES void sign_distance(const double* c, const double* alpha, double* out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out[i] = (4.0 / pi) * (c[i] >= 0 ? alpha[i] : pi - alpha[i]);
}

}  // namespace detail

namespace {

template <class Kernel>
void over_arrays(const double* a, const double* b, const double* c, double* out, std::size_t n, Kernel kernel) {
  for (std::size_t i = 0; i < n; ++i) out[i] = kernel(a[i], b[i], c[i]);
}

template <class Kernel>
void over_arrays_gap(const double* a, const double* b, const double* c, const double* gap, double* out, std::size_t n,
                     Kernel kernel) {
  for (std::size_t i = 0; i < n; ++i) out[i] = kernel(a[i], b[i], c[i], gap[i]);
}

// For c < 0 and t = y/|c| < 1/2, y - |c| atan(t) cancels: |c| (t - atan t) summed as its series
// t^3/3 - t^5/5 + ... (25 terms: the next one is below 1e-17 of the first). Rare entries
// (antiparallel inputs), fixed up after the vectorised pass.
void relu_relu_antiparallel(const double* c, const double* y, double* out, std::size_t n) {
  if (!detail::any_antiparallel(c, y, n)) return;
  for (std::size_t i = 0; i < n; ++i) {
    if (!(c[i] < 0 && y[i] < 0.5 * -c[i])) continue;
    const double ac = -c[i], t = y[i] / ac, t2 = t * t;
    double sum = 0.0, power = t * t2;
    for (int k = 1; k <= 25; ++k, power *= t2) sum += (k % 2 ? 1.0 : -1.0) * power / (2 * k + 1);
    out[i] = ac * sum * inv_2pi;
  }
}

}  // namespace

void TileQuantities::reset(const CovarianceTile& tile) {
  tile_ = tile;
  if (capacity_ < tile.n) {
    capacity_ = tile.n;
    for (auto* v : {&y_, &alpha_, &beta_, &s_, &rho_, &scratch_[0], &scratch_[1], &scratch_[2], &scratch_[3]})
      v->resize(capacity_);
  }
  have_y_ = have_angles_ = have_s_ = have_rho_ = false;
  roots_used_ = 0;
}

const double* TileQuantities::y() {
  if (!have_y_) detail::sqrt_of(tile_.gap, y_.data(), tile_.n);
  have_y_ = true;
  return y_.data();
}

void TileQuantities::angles() {
  if (have_angles_) return;
  double *lo = scratch_[2].data(), *hi = scratch_[3].data();
  detail::min_max_abs(y(), tile_.c, lo, hi, tile_.n);
  vector_math::atan2(lo, hi, lo, tile_.n);  // phi in [0, pi/4] (0 where both are 0)
  detail::angles_from_phi(y_.data(), tile_.c, lo, alpha_.data(), beta_.data(), tile_.n);
  have_angles_ = true;
}

const double* TileQuantities::alpha() {
  angles();
  return alpha_.data();
}

const double* TileQuantities::beta() {
  angles();
  return beta_.data();
}

const double* TileQuantities::s() {
  if (!have_s_) detail::sqrt_of_product(tile_.a, tile_.b, s_.data(), tile_.n);
  have_s_ = true;
  return s_.data();
}

const double* TileQuantities::rho() {
  if (!have_rho_) detail::correlation(tile_.c, s(), rho_.data(), tile_.n);
  have_rho_ = true;
  return rho_.data();
}

const double* TileQuantities::root(double e1, double e2) {
  if (e1 == 0 && e2 == 0) return y();
  for (std::size_t k = 0; k < roots_used_; ++k)
    if (roots_[k].e1 == e1 && roots_[k].e2 == e2) return roots_[k].values.data();
  if (roots_used_ == roots_.size()) roots_.push_back({});
  Root& r = roots_[roots_used_++];
  r.e1 = e1;
  r.e2 = e2;
  if (r.values.size() < capacity_) r.values.resize(capacity_);
  detail::augmented_root(tile_.a, tile_.b, tile_.gap, e1, e2, r.values.data(), tile_.n);
  return r.values.data();
}

double* TileQuantities::scratch(int k) { return scratch_[k].data(); }

void evaluate_closed_form(const ClosedFormTerm& t, TileQuantities& q, double* out) {
  const CovarianceTile& k = q.tile();
  const std::size_t n = k.n;
  // swap exchanges u and v: a and b trade places (c and the gap are symmetric)
  const double* a = t.swap ? k.b : k.a;
  const double* b = t.swap ? k.a : k.b;
  const double *c = k.c, *gap = k.gap;
  switch (t.id) {
    case ClosedFormId::erf_erf: {
      // (2/pi) asin(c / sqrt(P)) = (2/pi) atan2(c, sqrt(P - c^2)), P = (a + e1)(b + e2)
      const double e1 = eps_param(t, 0), e2 = eps_param(t, 1);
      if (t.p[2] != 0 || t.p[3] != 0) {  // shifted steps: the bivariate normal orthant
        const double s1 = t.swap ? t.p[3] : t.p[2], s2 = t.swap ? t.p[2] : t.p[3];
        const double* r = t.swap ? q.root(e2, e1) : q.root(e1, e2);
        const double f1 = t.swap ? e2 : e1, f2 = t.swap ? e1 : e2;
        return shifted_sign_sign(a, b, c, r, f1, f2, s1, s2, out, n);
      }
      if (e1 == 0 && e2 == 0) return detail::sign_sign(c, q.beta(), out, n);
      const double* r = t.swap ? q.root(e2, e1) : q.root(e1, e2);
      vector_math::atan2(c, r, out, n);
      return detail::scaled(out, 2.0 / pi, out, n);
    }
    case ClosedFormId::bump_bump: {
      const double e1 = eps_param(t, 0), e2 = eps_param(t, 1);
      // swap exchanges the two bumps' shifts along with (a, b)
      const double s1 = t.swap ? t.p[3] : t.p[2], s2 = t.swap ? t.p[2] : t.p[3];
      if (s1 == 0 && s2 == 0) {  // centred: 1 / (2 pi sqrt(det)), +inf at det = 0
        const double* r = t.swap ? q.root(e2, e1) : q.root(e1, e2);
        return detail::inverse_scaled(r, inv_2pi, out, n);
      }
      return over_arrays_gap(a, b, c, gap, out, n,
                             [=](double x, double y, double z, double g) { return bump_bump(x, y, z, g, e1, e2, s1, s2); });
    }
    case ClosedFormId::relu_relu: {
      const double* y = q.y();
      detail::relu_relu_main(c, y, q.alpha(), out, n);
      return relu_relu_antiparallel(c, y, out, n);
    }
    case ClosedFormId::relu2_relu2: return detail::relu2_relu2(a, b, c, q.y(), q.alpha(), out, n);
    case ClosedFormId::relu_moment: {
      const int m = order_param(t, 0, 1);
      return over_arrays(a, b, c, out, n, [=](double x, double y, double z) { return relu_moment(x, y, z, m); });
    }
    case ClosedFormId::moment: {
      const int p = order_param(t, 0, 64), m = order_param(t, 1, 64);
      return over_arrays(a, b, c, out, n, [=](double x, double y, double z) { return moment(x, y, z, p, m); });
    }
    case ClosedFormId::bump_moment: {
      const double e = eps_param(t, 0);
      const int m = order_param(t, 1, 64);
      return over_arrays_gap(a, b, c, gap, out, n,
                             [=](double x, double y, double, double g) { return bump_moment(x, y, g, e, m); });
    }
    case ClosedFormId::erf_moment: {
      const double e = eps_param(t, 0), shift = t.p[2];
      const int m = order_param(t, 1, 1);
      if (m == 0) {  // -erf(s / sqrt(2 (a + e))): 0 by parity when s = 0
        detail::erf_argument(a, e, shift, out, n);
        vector_math::erf(out, out, n);
        return detail::scaled(out, -1.0, out, n);
      }
      return over_arrays(a, b, c, out, n, [=](double x, double, double z) { return erf_linear(x, z, e, shift); });
    }
    case ClosedFormId::cos_cos: {
      const double kk = t.p[0], l = t.p[1];
      return over_arrays(a, b, c, out, n, [=](double x, double y, double z) { return cos_cos(x, y, z, kk, l); });
    }
    case ClosedFormId::sin_sin: {
      const double kk = t.p[0], l = t.p[1];
      return over_arrays(a, b, c, out, n, [=](double x, double y, double z) { return sin_sin(x, y, z, kk, l); });
    }
  }
  throw std::invalid_argument("evaluate_closed_form: unknown closed form id");
}

bool is_one_plus_sign_sign(const ClosedFormTerm& constant, double constant_coef, const ClosedFormTerm& sign,
                           double sign_coef) {
  return constant.id == ClosedFormId::moment && constant.p[0] == 0 && constant.p[1] == 0 &&
         sign.id == ClosedFormId::erf_erf && sign.p[0] == 0 && sign.p[1] == 0 && sign.p[2] == 0 && sign.p[3] == 0 &&
         constant_coef == sign_coef;
}

void evaluate_one_plus_sign_sign(double k, TileQuantities& q, double* out) {
  detail::one_plus_sign_sign(q.tile().c, q.alpha(), k, out, q.tile().n);
}

bool has_distance(const ClosedFormTerm& t) {
  switch (t.id) {
    case ClosedFormId::relu_relu: return true;
    case ClosedFormId::erf_erf: return t.p[0] == 0 && t.p[1] == 0 && t.p[2] == 0 && t.p[3] == 0;
    case ClosedFormId::moment: return t.p[0] == t.p[1] && (t.p[0] == 0 || t.p[0] == 1);
    default: return false;
  }
}

void closed_form_distance(const ClosedFormTerm& t, TileQuantities& q, const double* dist, double* out) {
  const CovarianceTile& k = q.tile();
  switch (t.id) {
    case ClosedFormId::relu_relu:
      return detail::relu_distance(k.a, k.b, k.c, k.gap, q.y(), q.alpha(), q.s(), out, k.n);
    case ClosedFormId::erf_erf:  // sign: E[sign^2] = 1, D = 2 - 2 (1 - 2 theta / pi) = 4 theta / pi
      return detail::sign_distance(k.c, q.alpha(), out, k.n);
    case ClosedFormId::moment:  // 1: D = 0; u v: D = a + b - 2c
      if (t.p[0] == 0)
        std::fill_n(out, k.n, 0.0);
      else
        std::copy_n(dist, k.n, out);
      return;
    default: throw std::invalid_argument("closed_form_distance: " + describe(t) + " has no distance form");
  }
}

void evaluate_closed_form(const ClosedFormTerm& t, const double* a, const double* b, const double* c,
                          const double* gap, double* out, std::size_t n) {
  // Padded copies: the tile functions work on whole vectors.
  const std::size_t padded = (n + vector_math::lanes - 1) / vector_math::lanes * vector_math::lanes;
  std::vector<double> buf(5 * padded, 0.0);
  double *pa = buf.data(), *pb = pa + padded, *pc = pb + padded, *pg = pc + padded, *po = pg + padded;
  std::copy_n(a, n, pa);
  std::copy_n(b, n, pb);
  std::copy_n(c, n, pc);
  std::copy_n(gap, n, pg);
  TileQuantities q;
  q.reset({pa, pb, pc, pg, padded});
  evaluate_closed_form(t, q, po);
  std::copy_n(po, n, out);
}

void evaluate_closed_form(const ClosedFormTerm& t, const double* a, const double* b, const double* c,
                          double* out, std::size_t n) {
  std::vector<double> gap(n);
  for (std::size_t i = 0; i < n; ++i) gap[i] = covariance_gap(a[i], b[i], c[i]);
  evaluate_closed_form(t, a, b, c, gap.data(), out, n);
}

double evaluate_closed_form(const ClosedFormTerm& t, double a, double b, double c) {
  double out;
  evaluate_closed_form(t, &a, &b, &c, &out, 1);
  return out;
}

std::string describe(const ClosedFormTerm& t) {
  std::string s;
  switch (t.id) {
    case ClosedFormId::erf_erf:
      s = t.p[2] == 0 && t.p[3] == 0 ? fmt::format("erf_erf(e1={}, e2={})", t.p[0], t.p[1])
                                     : fmt::format("erf_erf(e1={}, e2={}, s1={}, s2={})", t.p[0], t.p[1], t.p[2], t.p[3]);
      break;
    case ClosedFormId::bump_bump:
      s = t.p[2] == 0 && t.p[3] == 0 ? fmt::format("bump_bump(e1={}, e2={})", t.p[0], t.p[1])
                                     : fmt::format("bump_bump(e1={}, e2={}, s1={}, s2={})", t.p[0], t.p[1], t.p[2], t.p[3]);
      break;
    case ClosedFormId::relu_relu: s = "relu_relu"; break;
    case ClosedFormId::relu2_relu2: s = "relu2_relu2"; break;
    case ClosedFormId::relu_moment: s = fmt::format("relu_moment(q={})", t.p[0]); break;
    case ClosedFormId::moment: s = fmt::format("moment(p={}, q={})", t.p[0], t.p[1]); break;
    case ClosedFormId::bump_moment: s = fmt::format("bump_moment(e={}, q={})", t.p[0], t.p[1]); break;
    case ClosedFormId::erf_moment:
      s = t.p[2] == 0 ? fmt::format("erf_moment(e={}, q={})", t.p[0], t.p[1])
                      : fmt::format("erf_moment(e={}, q={}, s={})", t.p[0], t.p[1], t.p[2]);
      break;
    case ClosedFormId::cos_cos: s = fmt::format("cos_cos(k={}, l={})", t.p[0], t.p[1]); break;
    case ClosedFormId::sin_sin: s = fmt::format("sin_sin(k={}, l={})", t.p[0], t.p[1]); break;
    default: s = "unknown closed form"; break;
  }
  return t.swap ? s + " swapped" : s;
}

}  // namespace sgntk::runtime
