// flow_operator(K, s) = K^-1 (Id - exp(-s K)) against closed forms: scalars (expm1), a singular
// projector, symmetric and non-symmetric matrices through their eigendecompositions.
#include <doctest/doctest.h>

#include <Eigen/Eigenvalues>
#include <Eigen/LU>
#include <cmath>

#include "runtime/matrix_phi.h"
#include "tests/predict/predict_fixture.h"

namespace {

using sgntk::runtime::flow_operator;
using sgntk::test::max_relative_difference;
using Eigen::MatrixXd;

// -expm1(-s d) / d: the scalar flow operator, accurate for every s d.
double scalar_flow(double d, double s) { return d == 0.0 ? s : -std::expm1(-s * d) / d; }

// A fixed, well-conditioned, non-orthogonal basis.
MatrixXd basis(int n) {
  MatrixXd v(n, n);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) v(i, j) = (i == j ? 2.0 : 0.0) + std::sin(1.0 + 3 * i + 7 * j) / 3;
  return v;
}

}  // namespace

TEST_CASE("the flow operator of a 1 x 1 kernel is -expm1(-s d) / d for tiny to huge s d") {
  for (double d : {1e-3, 1.0, 50.0})
    for (double s : {1e-12, 1e-6, 1e-2, 1.0, 30.0, 1e4}) {
      CAPTURE(d);
      CAPTURE(s);
      const MatrixXd k = MatrixXd::Constant(1, 1, d);
      const double want = scalar_flow(d, s);
      CHECK(std::abs(flow_operator(k, s)(0, 0) - want) <= 2e-15 * want);
    }
}

TEST_CASE("the flow operator is 0 at s = 0 and s Id - s^2 K / 2 + s^3 K^2 / 6 at small s") {
  const MatrixXd k = basis(4) * basis(4).transpose();
  CHECK(flow_operator(k, 0.0).isZero(0.0));
  const double s = 1e-6;  // the next term, s^4 K^3 / 24, is below rounding
  const MatrixXd series = s * MatrixXd::Identity(4, 4) - (s * s / 2) * k + (s * s * s / 6) * k * k;
  CHECK(max_relative_difference(flow_operator(k, s), series) < 1e-14);
}

TEST_CASE("the flow operator needs no inverse: exact for a singular projector kernel") {
  // K = P = v v^T / |v|^2: exp(-s P) = Id - P + e^-s P, so K^-1 (Id - exp(-s K)) on range(P)
  // is (1 - e^-s) P and s (Id - P) on its kernel (the limit of (1 - e^{-s d}) / d at d = 0).
  Eigen::VectorXd v(3);
  v << 1.0, -2.0, 0.5;
  const MatrixXd p = v * v.transpose() / v.squaredNorm();
  const MatrixXd id = MatrixXd::Identity(3, 3);
  for (double s : {1e-8, 0.3, 5.0, 200.0}) {
    CAPTURE(s);
    const MatrixXd want = s * (id - p) - std::expm1(-s) * p;
    CHECK(max_relative_difference(flow_operator(p, s), want) < 1e-13);
  }
}

TEST_CASE("the flow operator of a symmetric kernel matches its eigendecomposition") {
  const MatrixXd b = basis(12);
  MatrixXd k = b * b.transpose() / 12;
  Eigen::SelfAdjointEigenSolver<MatrixXd> eig(k);
  const MatrixXd& v = eig.eigenvectors();
  for (double s : {1e-7, 0.05, 1.0, 40.0, 2000.0}) {
    CAPTURE(s);
    Eigen::VectorXd f(12);
    for (int i = 0; i < 12; ++i) f(i) = scalar_flow(eig.eigenvalues()(i), s);
    const MatrixXd want = v * f.asDiagonal() * v.transpose();
    const double err = max_relative_difference(flow_operator(k, s), want);
    CAPTURE(err);
    CHECK(err < 1e-14);
  }
}

TEST_CASE("the flow operator of a non-symmetric kernel matches V f(D) V^-1") {
  const MatrixXd v = basis(10);
  Eigen::VectorXd d(10);
  for (int i = 0; i < 10; ++i) d(i) = 0.05 * std::pow(1.8, i);  // 0.05 .. 9.9
  const MatrixXd v_inv = v.inverse();
  const MatrixXd k = v * d.asDiagonal() * v_inv;
  REQUIRE(!k.isApprox(k.transpose(), 1e-3));
  for (double s : {1e-9, 0.1, 3.0, 100.0, 5000.0}) {
    CAPTURE(s);
    Eigen::VectorXd f(10);
    for (int i = 0; i < 10; ++i) f(i) = scalar_flow(d(i), s);
    const MatrixXd want = v * f.asDiagonal() * v_inv;
    const double err = max_relative_difference(flow_operator(k, s), want);
    CAPTURE(err);
    CHECK(err < 1e-13);
  }
}
