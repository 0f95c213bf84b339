#include "runtime/shifted_steps.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <span>
#include <utility>
#include <vector>

#include "runtime/vector_math.h"

namespace sgntk::runtime {
namespace {

using std::numbers::pi;

// Gauss-Legendre on [-1, 1]: the positive nodes and their weights (6, 12 and 20 points). Genz's
// orders: 6 points serve |rho| < 0.3, 12 points |rho| < 0.75 and 20 points |rho| < 0.925, each
// to about 1e-15.
constexpr std::array<double, 3> node6 = {0.9324695142031521, 0.6612093864662645, 0.2386191860831969};
constexpr std::array<double, 3> weight6 = {0.1713244923791704, 0.3607615730481386, 0.4679139345726910};
constexpr std::array<double, 6> node12 = {0.9815606342467192, 0.9041172563704749, 0.7699026741943047,
                                          0.5873179542866175, 0.3678314989981802, 0.1252334085114689};
constexpr std::array<double, 6> weight12 = {0.04717533638651183, 0.1069393259953184, 0.1600783285433462,
                                            0.2031674267230659, 0.2334925365383548, 0.2491470458134028};
constexpr std::array<double, 10> node20 = {0.9931285991850949, 0.9639719272779138, 0.9122344282513259,
                                           0.8391169718222188, 0.7463319064601508, 0.6360536807265150,
                                           0.5108670019508271, 0.3737060887154196, 0.2277858511416451,
                                           0.07652652113349733};
constexpr std::array<double, 10> weight20 = {0.01761400713915212, 0.04060142980038694, 0.06267204833410906,
                                             0.08327674157670475, 0.1019301198172404, 0.1181945319615184,
                                             0.1316886384491766, 0.1420961093183821, 0.1491729864726037,
                                             0.1527533871307259};

// The rule for the largest |rho| of a set of entries: its positive nodes and weights.
std::pair<std::span<const double>, std::span<const double>> rule_for(double largest) {
  if (largest < 0.3) return {node6, weight6};
  if (largest < 0.75) return {node12, weight12};
  return {node20, weight20};
}

constexpr double high_correlation = 0.925;  // from here on the expansion in sqrt(1 - rho^2)

double upper_normal(double z) { return 0.5 * std::erfc(z / std::numbers::sqrt2); }  // P(Z > z)

// P(X > h, Y > k) for standard normals of correlation rho, |rho| >= 0.925, with
// as = 1 - rho^2 formed by the caller without cancellation (Genz's branch for |rho| near 1).
double upper_orthant_near_one(double h, double k, double rho, double as) {
  double hk = h * k;
  if (rho < 0) k = -k, hk = -hk;
  double sum = 0;
  if (as > 0) {
    double a = std::sqrt(as);
    const double bs = (h - k) * (h - k), c = (4 - hk) / 8, d = (12 - hk) / 16;
    if (const double e = -(bs / as + hk) / 2; e > -100)
      sum = a * std::exp(e) * (1 - c * (bs - as) * (1 - d * bs / 5) / 3 + c * d * as * as / 5);
    if (hk > -100) {
      const double b = std::sqrt(bs);
      const double sp = std::sqrt(2 * pi) * upper_normal(b / a);
      sum -= std::exp(-hk / 2) * sp * b * (1 - c * bs * (1 - d * bs / 5) / 3);
    }
    a /= 2;
    const auto& node = node20;
    const auto& weight = weight20;
    for (std::size_t i = 0; i < node.size(); ++i)
      for (const double side : {-1.0, 1.0}) {
        const double xs = (a + a * side * node[i]) * (a + a * side * node[i]);
        const double rs = std::sqrt(1 - xs), e = -(bs / xs + hk) / 2;
        if (e > -100) {
          const double sp = 1 + c * xs * (1 + d * xs);
          const double ep = std::exp(-hk * (1 - rs) / (2 * (1 + rs))) / rs;
          sum += a * weight[i] * std::exp(e) * (ep - sp);
        }
      }
    sum = -sum / (2 * pi);
  }
  if (rho > 0) return std::clamp(sum + upper_normal(std::max(h, k)), 0.0, 1.0);
  return std::clamp(-sum + std::max(0.0, upper_normal(h) - upper_normal(k)), 0.0, 1.0);
}

// E[sign(X - h) sign(Y - k)] for |rho| < 0.925: the Gauss-Legendre sum of the integral over t.
double sign_sign_by_integral(double h, double k, double theta) {
  const double hk = h * k, hs = (h * h + k * k) / 2;
  const auto [node, weight] = rule_for(std::fabs(std::sin(theta)));
  double sum = 0;
  for (std::size_t i = 0; i < node.size(); ++i)
    for (const double side : {-1.0, 1.0}) {
      const double t = theta * (1 + side * node[i]) / 2, sn = std::sin(t), cs = std::cos(t);
      sum += weight[i] * std::exp((sn * hk - hs) / (cs * cs));
    }
  return std::erf(h / std::numbers::sqrt2) * std::erf(k / std::numbers::sqrt2) + sum * theta / pi;
}

double sign_of(double x) { return x > 0 ? 1.0 : (x < 0 ? -1.0 : 0.0); }

}  // namespace

double shifted_sign_sign(double a, double b, double c, double r, double e1, double e2, double s1, double s2) {
  const double big_a = a + e1, big_b = b + e2;
  // A side of zero variance is the constant sign(-s); the other side's average is 1 - 2 P(V < s).
  if (big_a <= 0 || big_b <= 0) {
    const double u = big_a <= 0 ? -sign_of(s1) : -std::erf(s1 / std::sqrt(2 * big_a));
    const double v = big_b <= 0 ? -sign_of(s2) : -std::erf(s2 / std::sqrt(2 * big_b));
    return u * v;
  }
  const double root_a = std::sqrt(big_a), root_b = std::sqrt(big_b);
  const double h = s1 / root_a, k = s2 / root_b, scale = root_a * root_b;
  const double rho = std::clamp(c / scale, -1.0, 1.0);
  if (std::fabs(rho) < high_correlation) return sign_sign_by_integral(h, k, std::atan2(c, r));
  const double as = (r / scale) * (r / scale);  // 1 - rho^2 from the stable root
  return 4 * upper_orthant_near_one(h, k, rho, as) - 2 * upper_normal(h) - 2 * upper_normal(k) + 1;
}

void shifted_sign_sign(const double* a, const double* b, const double* c, const double* r, double e1, double e2,
                       double s1, double s2, double* out, std::size_t n) {
  std::vector<double> buf(11 * n);
  double *h = buf.data(), *k = h + n, *theta = k + n, *sum = theta + n, *t = sum + n, *sn = t + n, *cs = sn + n;
  double *hk = cs + n, *hs = hk + n, *half_sin = hs + n, *half_cos = half_sin + n;
  for (std::size_t i = 0; i < n; ++i) {
    // (a side of zero variance gets finite placeholders here and the scalar route below)
    const double root_a = std::sqrt(std::max(a[i] + e1, 1e-300)), root_b = std::sqrt(std::max(b[i] + e2, 1e-300));
    h[i] = s1 / root_a;
    k[i] = s2 / root_b;
    hk[i] = h[i] * k[i];
    hs[i] = (h[i] * h[i] + k[i] * k[i]) / 2;
    sum[i] = 0;
  }
  vector_math::atan2(c, r, theta, n);  // asin(rho)
  // the rule for the largest |rho| the vector pass serves (below 0.925; the rest go below)
  double largest = 0;
  for (std::size_t i = 0; i < n; ++i)
    if (const double t = std::fabs(theta[i]); t < std::asin(high_correlation)) largest = std::max(largest, t);
  const auto [nodes, weights] = rule_for(std::sin(largest));
  // The nodes t = theta (1 -+ x_j) / 2 = A -+ B_j: sin and cos by the angle sums from those of
  // A = theta / 2 (once) and B_j (once per pair of nodes).
  for (std::size_t i = 0; i < n; ++i) t[i] = theta[i] / 2;
  vector_math::sincos(t, half_sin, half_cos, n);
  for (std::size_t j = 0; j < nodes.size(); ++j) {
    for (std::size_t i = 0; i < n; ++i) t[i] = theta[i] * nodes[j] / 2;
    vector_math::sincos(t, sn, cs, n);
    for (const double side : {-1.0, 1.0}) {
      for (std::size_t i = 0; i < n; ++i) {
        const double s_t = half_sin[i] * cs[i] + side * half_cos[i] * sn[i];
        const double c_t = half_cos[i] * cs[i] - side * half_sin[i] * sn[i];
        t[i] = (s_t * hk[i] - hs[i]) / (c_t * c_t);
      }
      vector_math::exp(t, t, n);
      for (std::size_t i = 0; i < n; ++i) sum[i] += weights[j] * t[i];
    }
  }
  for (std::size_t i = 0; i < n; ++i) h[i] /= std::numbers::sqrt2, k[i] /= std::numbers::sqrt2;
  vector_math::erf(h, sn, n);
  vector_math::erf(k, cs, n);
  for (std::size_t i = 0; i < n; ++i) out[i] = sn[i] * cs[i] + sum[i] * theta[i] / pi;
  // |rho| near 1 and sides of zero variance: entry by entry
  for (std::size_t i = 0; i < n; ++i) {
    const double big_a = a[i] + e1, big_b = b[i] + e2;
    if (big_a <= 0 || big_b <= 0 || std::fabs(c[i]) >= high_correlation * std::sqrt(big_a * big_b)) {
      out[i] = shifted_sign_sign(a[i], b[i], c[i], r[i], e1, e2, s1, s2);
    }
  }
}

}  // namespace sgntk::runtime
