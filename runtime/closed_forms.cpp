#include "runtime/closed_forms.h"

#include <emmintrin.h>
#include <fmt/format.h>
#include <sleef.h>

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

// (y + c (pi - acos(rho))) / (2 pi), y = sqrt(ab - c^2), with pi - acos(rho) = atan2(y, -c).
// For c < 0 the two terms cancel as rho -> -1: there y + c atan2(y, -c) = |c| (t - atan t),
// t = y/|c|, and t - atan t is summed as its series t^3/3 - t^5/5 + ... for small t.
double relu_relu(double, double, double c, double gap) {
  const double y = std::sqrt(gap);
  if (c >= 0) return (y + c * std::atan2(y, -c)) / (2.0 * pi);
  const double ac = -c, t = y / ac;
  if (t >= 0.25) return (y - ac * std::atan2(y, ac)) / (2.0 * pi);
  const double t2 = t * t;
  double sum = 0.0, power = t * t2;  // 17 terms: the next one is below 1e-16 of the first
  for (int k = 1; k <= 17; ++k, power *= t2) sum += (k % 2 ? 1.0 : -1.0) * power / (2 * k + 1);
  return ac * sum / (2.0 * pi);
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
double conditional_variance(double a, double b, double c, double e) {
  const double ae = a + e;
  return ae > 0 ? (covariance_gap(a, b, c) + e * b) / ae : b;  // a + e = 0 forces c = 0
}

// N(0; 0, a + e) E[V^q]; 0 whenever E[V^q] = 0 (odd q, or V = 0), also where the density is +inf.
double bump_moment(double a, double b, double c, double e, int q) {
  if (q % 2) return 0.0;
  const double ev = gaussian_moment(q) * ipow(std::sqrt(conditional_variance(a, b, c, e)), q);
  if (ev == 0.0) return 0.0;
  return ev / std::sqrt(2.0 * pi * (a + e));
}

// E[erf_e(u) v] = c E[erf_e'(u)] = c E[2 N(u; 0, e)] = 2c / sqrt(2 pi (a + e)) (Stein's lemma);
// q = 0 vanishes by parity. At a + e = 0, c = 0 and u = 0: erf_e(0) = 0.
double erf_moment(double a, double b, double c, double e, int q) {
  if (q == 0 || a + e == 0.0) return 0.0;
  return 2.0 * c / std::sqrt(2.0 * pi * (a + e));
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

template <class Kernel>
void over_arrays(const double* a, const double* b, const double* c, double* out, std::size_t n, Kernel kernel) {
  for (std::size_t i = 0; i < n; ++i) out[i] = kernel(a[i], b[i], c[i]);
}

// The kernels that need the gap ab - c^2 take it precomputed (once per tile for all terms).
template <class Kernel>
void over_arrays_gap(const double* a, const double* b, const double* c, const double* gap, double* out, std::size_t n,
                     Kernel kernel) {
  for (std::size_t i = 0; i < n; ++i) out[i] = kernel(a[i], b[i], c[i], gap[i]);
}

// erf_erf: (2/pi) asin(c / sqrt(P)), P = (e1 + a)(e2 + b), written as atan(c / sqrt(P - c^2))
// whose argument is formed without cancellation: P - c^2 = e1 e2 + e1 b + e2 a + (ab - c^2).
// Over arrays, two entries per SLEEF call (1-ulp atan, dispatched at run time to the
// best 128-bit unit). Every entry, the odd last one included, goes through the same vector
// function, so an entry's value does not depend on its position in the tile.
void erf_erf_arrays(const double* a, const double* b, const double* c, const double* gap, double e1, double e2,
                    double* out, std::size_t n) {
  alignas(16) double ratio[2], angle[2];
  for (std::size_t i = 0; i < n; i += 2) {
    const std::size_t m = std::min<std::size_t>(2, n - i);
    ratio[1] = 0.0;
    for (std::size_t k = 0; k < m; ++k) {
      const std::size_t j = i + k;
      const double r = std::sqrt(e1 * e2 + e1 * b[j] + e2 * a[j] + gap[j]);
      // atan2(c, r) = atan(c / r) for r > 0; at r = 0 it is +-pi/2 (c = 0 gives 0).
      ratio[k] = r > 0 ? c[j] / r : (c[j] > 0 ? HUGE_VAL : (c[j] < 0 ? -HUGE_VAL : 0.0));
    }
    _mm_store_pd(angle, Sleef_atand2_u10(_mm_load_pd(ratio)));
    for (std::size_t k = 0; k < m; ++k) out[i + k] = (2.0 / pi) * angle[k];
  }
}

}  // namespace

void evaluate_closed_form(const ClosedFormTerm& t, const double* a, const double* b, const double* c,
                          double* out, std::size_t n) {
  std::vector<double> gap(n);
  for (std::size_t i = 0; i < n; ++i) gap[i] = covariance_gap(a[i], b[i], c[i]);
  evaluate_closed_form(t, a, b, c, gap.data(), out, n);
}

void evaluate_closed_form(const ClosedFormTerm& t, const double* a, const double* b, const double* c,
                          const double* gap, double* out, std::size_t n) {
  if (t.swap) std::swap(a, b);  // c is symmetric: exchanging u and v exchanges a and b only
  switch (t.id) {
    case ClosedFormId::erf_erf:
      return erf_erf_arrays(a, b, c, gap, eps_param(t, 0), eps_param(t, 1), out, n);
    case ClosedFormId::bump_bump: {
      const double e1 = eps_param(t, 0), e2 = eps_param(t, 1);
      // swap exchanges the two bumps' shifts along with (a, b)
      const double s1 = t.swap ? t.p[3] : t.p[2], s2 = t.swap ? t.p[2] : t.p[3];
      return over_arrays_gap(a, b, c, gap, out, n,
                             [=](double x, double y, double z, double g) {
                               return bump_bump(x, y, z, g, e1, e2, s1, s2);
                             });
    }
    case ClosedFormId::relu_relu:
      return over_arrays_gap(a, b, c, gap, out, n, relu_relu);
    case ClosedFormId::relu_moment: {
      const int q = order_param(t, 0, 1);
      return over_arrays(a, b, c, out, n, [=](double x, double y, double z) { return relu_moment(x, y, z, q); });
    }
    case ClosedFormId::moment: {
      const int p = order_param(t, 0, 64), q = order_param(t, 1, 64);
      return over_arrays(a, b, c, out, n, [=](double x, double y, double z) { return moment(x, y, z, p, q); });
    }
    case ClosedFormId::bump_moment: {
      const double e = eps_param(t, 0);
      const int q = order_param(t, 1, 64);
      return over_arrays(a, b, c, out, n, [=](double x, double y, double z) { return bump_moment(x, y, z, e, q); });
    }
    case ClosedFormId::erf_moment: {
      const double e = eps_param(t, 0);
      const int q = order_param(t, 1, 1);
      return over_arrays(a, b, c, out, n, [=](double x, double y, double z) { return erf_moment(x, y, z, e, q); });
    }
    case ClosedFormId::cos_cos: {
      const double k = t.p[0], l = t.p[1];
      return over_arrays(a, b, c, out, n, [=](double x, double y, double z) { return cos_cos(x, y, z, k, l); });
    }
    case ClosedFormId::sin_sin: {
      const double k = t.p[0], l = t.p[1];
      return over_arrays(a, b, c, out, n, [=](double x, double y, double z) { return sin_sin(x, y, z, k, l); });
    }
  }
  throw std::invalid_argument("evaluate_closed_form: unknown closed form id");
}

double evaluate_closed_form(const ClosedFormTerm& t, double a, double b, double c) {
  double out;
  evaluate_closed_form(t, &a, &b, &c, &out, 1);
  return out;
}

std::string describe(const ClosedFormTerm& t) {
  std::string s;
  switch (t.id) {
    case ClosedFormId::erf_erf: s = fmt::format("erf_erf(e1={}, e2={})", t.p[0], t.p[1]); break;
    case ClosedFormId::bump_bump:
      s = t.p[2] == 0 && t.p[3] == 0 ? fmt::format("bump_bump(e1={}, e2={})", t.p[0], t.p[1])
                                     : fmt::format("bump_bump(e1={}, e2={}, s1={}, s2={})", t.p[0], t.p[1], t.p[2], t.p[3]);
      break;
    case ClosedFormId::relu_relu: s = "relu_relu"; break;
    case ClosedFormId::relu_moment: s = fmt::format("relu_moment(q={})", t.p[0]); break;
    case ClosedFormId::moment: s = fmt::format("moment(p={}, q={})", t.p[0], t.p[1]); break;
    case ClosedFormId::bump_moment: s = fmt::format("bump_moment(e={}, q={})", t.p[0], t.p[1]); break;
    case ClosedFormId::erf_moment: s = fmt::format("erf_moment(e={}, q={})", t.p[0], t.p[1]); break;
    case ClosedFormId::cos_cos: s = fmt::format("cos_cos(k={}, l={})", t.p[0], t.p[1]); break;
    case ClosedFormId::sin_sin: s = fmt::format("sin_sin(k={}, l={})", t.p[0], t.p[1]); break;
    default: s = "unknown closed form"; break;
  }
  return t.swap ? s + " swapped" : s;
}

}  // namespace sgntk::runtime
