// Finite-t predictions against an explicit integration of the gradient-flow ODE
//     df/dt = -(1/N) K(X_all, X) (f(X) - Y)
// on the paper's setting (15 training points on the circle, the paper's cubic target): the NTK
// of erf_2 networks (gradient descent), the SG-NTK of sign networks with the erf' surrogate
// (SGL), and that SG-NTK on points of different norms, where it is not symmetric.
#include <doctest/doctest.h>

#include <Eigen/Eigenvalues>
#include <complex>

#include "tests/predict/predict_fixture.h"

namespace {

using namespace sgntk;
using test::Kernels;
using test::max_relative_difference;
using Eigen::MatrixXd;
using runtime::KernelKind;
using runtime::RowMatrix;

struct Setting {
  std::string name;
  runtime::KernelProgram program;
  KernelKind kind;
  RowMatrix grid;  // the test points; the training points are every 7th of them
};

// Radii 0.6 .. 1.4: inputs of different norms make the SG-NTK asymmetric.
double varied_radius(int i) { return 0.6 + 0.8 * ((5 * i) % 9) / 8.0; }

std::vector<Setting> settings() {
  return {{"NTK, erf_2, gradient descent", test::paper_program("erf_ntk"), KernelKind::ntk, test::circle()},
          {"SG-NTK, sign with erf' surrogate", test::paper_program("sign_sgl"), KernelKind::sgntk, test::circle()},
          {"SG-NTK, sign, inputs of varied norm", test::paper_program("sign_sgl"), KernelKind::sgntk,
           test::circle(100, varied_radius)}};
}

// K(X_all, X) with X_all = [X; x_test]: the rows of the ODE's right-hand side.
MatrixXd stacked(const Kernels& k) {
  MatrixXd all(k.k_train_train.rows() + k.k_test_train.rows(), k.k_train_train.cols());
  all << k.k_train_train, k.k_test_train;
  return all;
}

double largest_rate(const Kernels& k) {
  return Eigen::EigenSolver<MatrixXd>(k.k_train_train, false).eigenvalues().cwiseAbs().maxCoeff() /
         k.k_train_train.rows();
}

double smallest_real_eigenvalue(const RowMatrix& k) {
  return Eigen::EigenSolver<MatrixXd>(k, false).eigenvalues().real().minCoeff();
}

// RK4 steps small enough that h * (largest rate) = 0.01.
int steps_for(double t, double rate) { return std::max(100, static_cast<int>(std::ceil(t * rate / 0.01))); }

}  // namespace

TEST_CASE("the predicted mean follows the gradient-flow ODE (RK4) at every t") {
  for (const Setting& s : settings()) {
    CAPTURE(s.name);
    const RowMatrix x = test::every_7th(s.grid), y = test::paper_target(x);
    const Kernels k = test::kernels(s.program, s.kind, x, s.grid);
    const MatrixXd k_all = stacked(k);
    const long n = x.rows();
    auto rhs = [&](const MatrixXd& f) -> MatrixXd { return -(1.0 / n) * k_all * (f.topRows(n) - MatrixXd(y)); };
    for (double t : {0.5, 20.0, 300.0}) {
      CAPTURE(t);
      const MatrixXd f = test::rk4(rhs, MatrixXd::Zero(k_all.rows(), 1), t, steps_for(t, largest_rate(k)));
      const runtime::Prediction p = test::predict(k, y, t);
      const double err = max_relative_difference(p.mean, f.bottomRows(s.grid.rows()));
      CAPTURE(err);
      CHECK(err < 1e-11);
    }
  }
}

TEST_CASE("the predicted covariance follows the linear ODE of the deviation from the mean (RK4)") {
  // f_t(X_all) = mean + D_t f_0(X_all), f_0 ~ GP(0, Sigma), D_0 = Id,
  // dD/dt = -(1/N) K(X_all, X) D[X rows]; so C_t(x, x') = D_x Sigma(X_all, X_all) D_x'^T.
  for (const Setting& s : settings()) {
    CAPTURE(s.name);
    const RowMatrix x = test::every_7th(s.grid), y = test::paper_target(x);
    RowMatrix x_test(20, 2);
    for (int i = 0; i < 20; ++i) x_test.row(i) = s.grid.row(5 * i + 2);
    const Kernels k = test::kernels(s.program, s.kind, x, x_test);
    const MatrixXd k_all = stacked(k);
    RowMatrix x_all(35, 2);
    x_all << x, x_test;
    const MatrixXd sigma_all = runtime::compute_kernel(s.program, KernelKind::nngp, x_all, nullptr);
    auto rhs = [&](const MatrixXd& d) -> MatrixXd { return -(1.0 / 15) * k_all * d.topRows(15); };
    for (double t : {0.5, 20.0, 300.0}) {
      CAPTURE(t);
      const MatrixXd d = test::rk4(rhs, MatrixXd::Identity(35, 35), t, steps_for(t, largest_rate(k)));
      const MatrixXd want = d.bottomRows(20) * sigma_all * d.bottomRows(20).transpose();
      const runtime::Prediction p = test::predict(k, y, t);
      const double err = max_relative_difference(p.cov, want);
      CAPTURE(err);
      CHECK(err < 2e-11);
      const Eigen::ArrayXd variance = p.std.array().square(), want_variance = want.diagonal().array().max(0.0);
      CHECK((variance - want_variance).abs().maxCoeff() < 1e-11 * want.cwiseAbs().maxCoeff());
    }
  }
}

TEST_CASE("the asymmetric SG-NTK prediction matches the eigendecomposition route at tiny to large t") {
  // M = K^-1 (Id - exp(-t K/N)) = V diag((1 - exp(-t l/N)) / l) V^-1 over the complex eigenpairs.
  const Setting s = settings()[2];
  const RowMatrix x = test::every_7th(s.grid), y = test::paper_target(x);
  const Kernels k = test::kernels(s.program, s.kind, x, s.grid);
  REQUIRE((k.k_train_train - k.k_train_train.transpose()).cwiseAbs().maxCoeff() > 1e-3);  // really asymmetric
  const Eigen::EigenSolver<MatrixXd> eig(k.k_train_train);
  const Eigen::MatrixXcd v = eig.eigenvectors(), v_inv = v.inverse();
  for (double t : {1e-9, 1e-3, 2.0, 100.0, 3000.0}) {
    CAPTURE(t);
    const double r = t / 15;
    Eigen::VectorXcd f(15);
    for (int i = 0; i < 15; ++i) {
      const std::complex<double> l = eig.eigenvalues()(i), z = r * l;
      // (1 - exp(-z)) / l; the series where 1 - exp(-z) would cancel.
      f(i) = std::abs(z) < 1e-3 ? r * (1.0 - z / 2.0 + z * z / 6.0 - z * z * z / 24.0 + z * z * z * z / 120.0)
                                : (1.0 - std::exp(-z)) / l;
    }
    const MatrixXd m = (v * f.asDiagonal() * v_inv).real();
    const MatrixXd a = k.k_test_train * m;
    const MatrixXd sigma_xt = k.sigma_test_train;
    const MatrixXd p_xx = a * sigma_xt.transpose();
    const MatrixXd cov = MatrixXd(k.sigma_test_test) - p_xx - p_xx.transpose() + a * k.sigma_train_train * a.transpose();
    const runtime::Prediction p = test::predict(k, y, t);
    const double mean_err = max_relative_difference(p.mean, a * y), cov_err = max_relative_difference(p.cov, cov);
    CAPTURE(mean_err);
    CAPTURE(cov_err);
    CHECK(mean_err < 1e-13);
    CHECK(cov_err < 1e-13);
  }
}

TEST_CASE("as t grows the prediction meets the closed t = inf formula, and beyond exp underflow is that formula") {
  for (const Setting& s : settings()) {
    CAPTURE(s.name);
    const RowMatrix x = test::every_7th(s.grid), y = test::paper_target(x);
    const Kernels k = test::kernels(s.program, s.kind, x, s.grid);
    const double slowest = smallest_real_eigenvalue(k.k_train_train) / 15;  // rate of the slowest mode
    const runtime::Prediction at_inf = test::predict(k, y, INFINITY);
    // exp(-200) is far below rounding, but the finite-t route (flow operator) still runs.
    const runtime::Prediction late = test::predict(k, y, 200 / slowest);
    const double mean_err = max_relative_difference(late.mean, at_inf.mean);
    const double cov_err = (late.cov - at_inf.cov).cwiseAbs().maxCoeff() / k.sigma_test_test.cwiseAbs().maxCoeff();
    CAPTURE(mean_err);
    CAPTURE(cov_err);
    CHECK(mean_err < 1e-13);
    CHECK(cov_err < 1e-13);
    // Half-way it has not converged yet: the comparison above could fail.
    CHECK(max_relative_difference(test::predict(k, y, 2 / slowest).mean, at_inf.mean) > 1e-3);
    const runtime::Prediction later = test::predict(k, y, 2000 / slowest);
    CHECK(later.mean == at_inf.mean);
    CHECK(later.cov == at_inf.cov);
  }
}

TEST_CASE("at t = inf the mean interpolates the targets and the variance vanishes on the training points") {
  for (const Setting& s : settings()) {
    CAPTURE(s.name);
    const RowMatrix x = test::every_7th(s.grid), y = test::paper_target(x);
    const Kernels k = test::kernels(s.program, s.kind, x, x);
    const runtime::Prediction p = test::predict(k, y, INFINITY);
    CHECK((p.mean - y).cwiseAbs().maxCoeff() < 1e-8);
    CHECK(p.cov.cwiseAbs().maxCoeff() < 1e-8 * k.sigma_test_test.cwiseAbs().maxCoeff());
    // At finite t it has not arrived yet.
    CHECK((test::predict(k, y, 1.0).mean - y).cwiseAbs().maxCoeff() > 1e-2);
  }
}

TEST_CASE("at t = 0 the prediction is the prior: mean 0, covariance Sigma") {
  const Setting s = settings()[1];
  const RowMatrix x = test::every_7th(s.grid), y = test::paper_target(x);
  const Kernels k = test::kernels(s.program, s.kind, x, s.grid);
  const runtime::Prediction p = test::predict(k, y, 0.0);
  CHECK(p.mean.isZero(0.0));
  CHECK(p.cov == k.sigma_test_test);
  CHECK(p.std == k.sigma_test_test.diagonal().cwiseSqrt());
}

TEST_CASE("several outputs are predicted independently with one shared covariance") {
  const Setting s = settings()[2];
  const RowMatrix x = test::every_7th(s.grid), y = test::paper_target(x);
  const Kernels k = test::kernels(s.program, s.kind, x, s.grid);
  RowMatrix y2(15, 2);
  y2 << y, (1.0 - 2.0 * y.array()).matrix();
  for (double t : {7.0, double(INFINITY)}) {
    CAPTURE(t);
    const runtime::Prediction both = test::predict(k, y2, t);
    const runtime::Prediction first = test::predict(k, y, t);
    const runtime::Prediction second = test::predict(k, RowMatrix(y2.col(1)), t);
    REQUIRE(both.mean.cols() == 2);
    CHECK(max_relative_difference(both.mean.col(0), first.mean) < 1e-14);
    CHECK(max_relative_difference(both.mean.col(1), second.mean) < 1e-14);
    CHECK(both.cov == first.cov);
  }
}

TEST_CASE("predict() computes the kernels itself, bitwise the same for every thread count, std also without cov") {
  const runtime::KernelProgram program = test::paper_program("sign_sgl");
  const RowMatrix grid = test::circle(100, varied_radius), x = test::every_7th(grid), y = test::paper_target(x);
  const Kernels k = test::kernels(program, KernelKind::sgntk, x, grid);
  runtime::PredictOptions options;
  options.t = 50;
  const runtime::Prediction direct = test::predict(k, y, 50);
  for (int threads : {1, 2, 0}) {
    CAPTURE(threads);
    options.threads = threads;
    const runtime::Prediction p = runtime::predict(program, runtime::PredictKind::sgntk, x, y, grid, options);
    CHECK(p.mean == direct.mean);
    CHECK(p.cov == direct.cov);
    CHECK(p.std == direct.std);
  }
  options.covariance = false;
  const runtime::Prediction lean = runtime::predict(program, runtime::PredictKind::sgntk, x, y, grid, options);
  CHECK(lean.cov.size() == 0);
  CHECK(lean.mean == direct.mean);
  CHECK(max_relative_difference(lean.std, direct.std) < 1e-12);
}
