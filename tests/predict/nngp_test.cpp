// The NNGP kind: at t = inf the prediction is the NNGP posterior ("Sigma kernel regression"),
// checked against direct solves; diag_reg turns it into the posterior with observation noise.
#include <doctest/doctest.h>

#include <Eigen/Cholesky>
#include <Eigen/QR>

#include "tests/predict/predict_fixture.h"

namespace {

using namespace sgntk;
using Eigen::MatrixXd;
using runtime::KernelKind;
using runtime::RowMatrix;
using test::max_relative_difference;

}  // namespace

TEST_CASE("NNGP posterior mean and covariance via predict equal direct solves (sign network)") {
  const runtime::KernelProgram program = test::paper_program("sign_sgl");
  const RowMatrix grid = test::circle(), x = test::every_7th(grid), y = test::paper_target(x);
  const MatrixXd s_tt = runtime::compute_kernel(program, KernelKind::nngp, x, nullptr);
  const MatrixXd s_xt = runtime::compute_kernel(program, KernelKind::nngp, grid, &x);
  const MatrixXd s_xx = runtime::compute_kernel(program, KernelKind::nngp, grid, nullptr);
  const Eigen::ColPivHouseholderQR<MatrixXd> qr(s_tt);
  const MatrixXd want_mean = s_xt * qr.solve(MatrixXd(y));
  const MatrixXd want_cov = s_xx - s_xt * qr.solve(MatrixXd(s_xt.transpose()));

  runtime::PredictOptions options;  // t = inf
  const runtime::Prediction p = runtime::predict(program, runtime::PredictKind::nngp, x, y, grid, options);
  CHECK(max_relative_difference(p.mean, want_mean) < 1e-11);
  CHECK((p.cov - want_cov).cwiseAbs().maxCoeff() < 1e-11 * s_xx.cwiseAbs().maxCoeff());
  CHECK(p.warnings.empty());
  // Every 7th grid point is a training point: there the posterior has no variance.
  for (int i = 0; i < 15; ++i) CHECK(p.std(7 * i) < 1e-6);
  CHECK(p.std(3) > 1e-3);
}

TEST_CASE("diag_reg adds diag_reg * mean(diag) to K(X,X) and, for the NNGP, to Sigma(X,X): the noisy posterior") {
  const runtime::KernelProgram program = test::paper_program("erf_ntk");
  const RowMatrix grid = test::circle(), x = test::every_7th(grid), y = test::paper_target(x);
  const test::Kernels k = test::kernels(program, KernelKind::nngp, x, grid);
  const double reg = 0.01, noise = reg * k.sigma_train_train.diagonal().mean();
  const MatrixXd noisy = MatrixXd(k.sigma_train_train) + noise * MatrixXd::Identity(15, 15);
  const Eigen::LLT<MatrixXd> llt(noisy);
  const MatrixXd want_mean = k.sigma_test_train * llt.solve(MatrixXd(y));
  const MatrixXd want_cov =
      MatrixXd(k.sigma_test_test) - k.sigma_test_train * llt.solve(MatrixXd(k.sigma_test_train.transpose()));

  runtime::PredictOptions options;
  options.diag_reg = reg;
  const runtime::Prediction p = runtime::predict(program, runtime::PredictKind::nngp, x, y, grid, options);
  CHECK(max_relative_difference(p.mean, want_mean) < 1e-12);
  CHECK((p.cov - want_cov).cwiseAbs().maxCoeff() < 1e-12 * k.sigma_test_test.cwiseAbs().maxCoeff());
  // With noise the targets are no longer interpolated.
  CHECK((p.mean.topRows(1) - y.topRows(1)).cwiseAbs().maxCoeff() > 1e-4);

  // For the NTK only K(X,X) is regularised: the same as predicting from a shifted K by hand.
  const test::Kernels ntk = test::kernels(program, KernelKind::ntk, x, grid);
  test::Kernels shifted = ntk;
  shifted.k_train_train.diagonal().array() += reg * ntk.k_train_train.diagonal().mean();
  for (double t : {10.0, double(INFINITY)}) {
    CAPTURE(t);
    const runtime::Prediction by_option = test::predict(ntk, y, t, reg);
    const runtime::Prediction by_hand = test::predict(shifted, y, t);
    CHECK(by_option.mean == by_hand.mean);
    CHECK(by_option.cov == by_hand.cov);
  }
}
