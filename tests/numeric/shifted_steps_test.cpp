// The shifted steps' closed form (runtime/shifted_steps) against Owen's T function (Boost.Math),
// an independent route to the bivariate normal orthant: for standard normals of correlation rho,
//   E[sign(X - h) sign(Y - k)] = 1 - 4 (T(h, a_h) + T(k, a_k)) - 4 beta,
// a_h = (k - rho h) / (h sqrt(1 - rho^2)), a_k likewise, beta = 1/2 when h k < 0 (else 0).
#include <doctest/doctest.h>

#include <boost/math/special_functions/owens_t.hpp>
#include <cmath>
#include <vector>

#include "runtime/shifted_steps.h"

using sgntk::runtime::shifted_sign_sign;

namespace {

double by_owens_t(double h, double k, double rho) {
  const double s = std::sqrt((1 - rho) * (1 + rho));
  const double ah = (k - rho * h) / (h * s), ak = (h - rho * k) / (k * s);
  const double beta = h * k < 0 ? 0.5 : 0.0;
  return 1 - 4 * (boost::math::owens_t(h, ah) + boost::math::owens_t(k, ak)) - 4 * beta;
}

}  // namespace

TEST_CASE("shifted steps: E[sign(U - s1) sign(V - s2)] matches Owen's T across the rules' bounds (|rho| = 0.3, 0.75, 0.925)") {
  const double a = 1.7, b = 0.6;  // variances of U and V
  for (double rho : {-0.999, -0.95, -0.93, -0.92, -0.5, -0.29, 0.0, 0.29, 0.31, 0.74, 0.76, 0.92, 0.93, 0.99, 0.9999})
    for (double s1 : {-1.3, 0.2, 0.9})
      for (double s2 : {-0.4, 0.35, 2.1}) {
        CAPTURE(rho); CAPTURE(s1); CAPTURE(s2);
        const double c = rho * std::sqrt(a * b), r = std::sqrt(a * b) * std::sqrt((1 - rho) * (1 + rho));
        const double want = by_owens_t(s1 / std::sqrt(a), s2 / std::sqrt(b), rho);
        const double one = shifted_sign_sign(a, b, c, r, 0.0, 0.0, s1, s2);
        // in a tile with entries of smaller |rho| (the tile's largest picks the rule)
        std::vector<double> va(5, a), vb(5, b), vc(5, 0.1 * c), vr(5, std::sqrt(a * b - 0.01 * c * c)), out(5);
        vc[3] = c, vr[3] = r;
        shifted_sign_sign(va.data(), vb.data(), vc.data(), vr.data(), 0.0, 0.0, s1, s2, out.data(), out.size());
        CHECK(std::fabs(one - want) < 2e-15);
        CHECK(std::fabs(out[3] - want) < 2e-15);
      }
}

TEST_CASE("shifted steps: smoothing, the limits rho = +-1 and sides of zero variance") {
  // erf_e(u - s) = sign of (u - sqrt(e) xi - s): the variances grow by e1 and e2
  const double want = by_owens_t(0.3 / std::sqrt(1.0 + 0.5), -0.2 / std::sqrt(2.0 + 0.25), 0.4 / std::sqrt(1.5 * 2.25));
  CHECK(std::fabs(shifted_sign_sign(1.0, 2.0, 0.4, std::sqrt(1.5 * 2.25 - 0.16), 0.5, 0.25, 0.3, -0.2) - want) < 2e-15);
  // U = V: 1 - 2 P(U between the thresholds)
  const double h = 0.3 / std::sqrt(2.0), k = 0.8 / std::sqrt(2.0);
  const double between = 0.5 * (std::erf(k / std::sqrt(2.0)) - std::erf(h / std::sqrt(2.0)));
  CHECK(std::fabs(shifted_sign_sign(2.0, 2.0, 2.0, 0.0, 0, 0, 0.3, 0.8) - (1 - 2 * between)) < 1e-15);
  CHECK(shifted_sign_sign(2.0, 2.0, 2.0, 0.0, 0, 0, 0.3, 0.3) == 1.0);
  // V = -U: sign(U - s) sign(-U - s) = -1 wherever both thresholds are crossed one way
  CHECK(std::fabs(shifted_sign_sign(1.0, 1.0, -1.0, 0.0, 0, 0, 0.0, 0.0) + 1.0) < 1e-15);
  // u = 0 (a = 0): the constant sign(-s1) times E[sign(V - s2)] = -erf(s2 / sqrt(2 b))
  CHECK(std::fabs(shifted_sign_sign(0.0, 1.0, 0.0, 0.0, 0, 0, 0.5, 0.2) - std::erf(0.2 / std::sqrt(2.0))) < 1e-15);
}
