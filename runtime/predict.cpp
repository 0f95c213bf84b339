#include "runtime/predict.h"

#include <fmt/format.h>

#include <Eigen/Eigenvalues>
#include <Eigen/LU>
#include <algorithm>
#include <limits>

#include "runtime/errors.h"
#include "runtime/infinite_diagonal.h"
#include "runtime/kernels.h"
#include "runtime/matrix_phi.h"
#include "runtime/predict_tiles.h"
#include "runtime/training.h"

namespace sgntk::runtime {
namespace {

using Eigen::Index;
using Eigen::MatrixXd;

// Beyond this flow time in units of the slowest mode, exp(-t K/N) is below the smallest double
// (exp(-1000) ~ 1e-435): the finite-t prediction equals the t = inf one in floating point.
constexpr double converged_exponent = 1000.0;
// Condition number above which K(X,X)^-1 loses most of its digits.
constexpr double warn_condition = 1e12;
// Test rows per band of a covariance held in memory (any multiple of the tile gives the same bits).
constexpr std::size_t in_memory_band_rows = 4 * predict_tile_rows;

void check_shape(const RowMatrix& m, Index rows, Index cols, const char* name) {
  if (m.rows() != rows || m.cols() != cols)
    throw DataError(fmt::format("{} is {} x {}, expected {} x {}", name, m.rows(), m.cols(), rows, cols));
}

struct Spectrum {
  double min_real = 0.0;  // smallest real part of an eigenvalue
  double max_abs = 0.0;   // largest modulus
};

// Eigenvalues of K(X,X): symmetric solver for the NTK and the NNGP, general for the SG-NTK.
Spectrum spectrum(const MatrixXd& k) {
  Spectrum s;
  if (k.isApprox(k.transpose(), 0.0)) {  // bitwise symmetric
    Eigen::SelfAdjointEigenSolver<MatrixXd> solver(k, Eigen::EigenvaluesOnly);
    if (solver.info() != Eigen::Success) throw EvalError("the eigenvalues of K(X,X) did not converge");
    s.min_real = solver.eigenvalues().minCoeff();
    s.max_abs = solver.eigenvalues().cwiseAbs().maxCoeff();
  } else {
    Eigen::EigenSolver<MatrixXd> solver(k, false);
    if (solver.info() != Eigen::Success) throw EvalError("the eigenvalues of K(X,X) did not converge");
    s.min_real = solver.eigenvalues().real().minCoeff();
    s.max_abs = solver.eigenvalues().cwiseAbs().maxCoeff();
  }
  return s;
}

// Gradient flow converges iff every eigenvalue of K(X,X) has a positive real part. A real part
// that is zero to working precision only matters at t = inf (K(X,X)^-1 does not exist); a
// negative one makes training diverge at any t.
void check_spectrum(const Spectrum& s, double t, std::vector<std::string>& warnings) {
  const double zero = 1e-12 * s.max_abs;  // eigenvalues are known to about this absolute accuracy
  const std::string where = fmt::format("smallest real part of an eigenvalue of K(X,X): {:.6g}, largest "
                                        "eigenvalue modulus: {:.6g}",
                                        s.min_real, s.max_abs);
  if (s.min_real < -zero)
    throw DataError(fmt::format("training diverges: K(X,X) has an eigenvalue with negative real part, along which "
                                "gradient flow grows exponentially ({})",
                                where));
  if (s.min_real > 0.0) return;
  if (std::isinf(t))
    throw DataError(fmt::format("training does not converge: K(X,X) is singular ({}), so t = inf has no unique "
                                "limit; use a finite t or a diagonal regularisation (--diag-reg)",
                                where));
  warnings.push_back(fmt::format("K(X,X) is singular to working precision ({}): training does not converge "
                                 "along that direction, the prediction at t = {} is still well defined",
                                 where, t));
}

void regularise(MatrixXd& k, double diag_reg) {
  if (diag_reg == 0.0) return;
  k.diagonal().array() += diag_reg * k.diagonal().mean();
}

void check_options(const PredictOptions& options) {
  if (std::isnan(options.t) || options.t < 0.0)
    throw DataError(fmt::format("the flow time t must be >= 0 (or inf), not {}", options.t));
  if (!(std::isfinite(options.diag_reg) && options.diag_reg >= 0.0))
    throw DataError(fmt::format("the diagonal regularisation must be finite and >= 0, not {}", options.diag_reg));
}

// The training side: K(X,X) regularised, its spectrum checked, and factorised (t = inf or
// converged) or turned into the flow operator. `k_is_sigma`: the NNGP, whose Sigma(X,X) gets the
// same regularisation.
TrainSolve solve_train(const RowMatrix& k_train_train, const RowMatrix& sigma_train_train, const RowMatrix& y_train,
                       const PredictOptions& options, std::vector<std::string>& warnings) {
  TrainSolve train;
  const bool k_is_sigma = k_train_train == sigma_train_train;
  MatrixXd k = k_train_train;
  regularise(k, options.diag_reg);
  train.sigma = sigma_train_train;
  if (k_is_sigma) regularise(train.sigma, options.diag_reg);
  train.y = y_train;

  const Spectrum s = spectrum(k);
  check_spectrum(s, options.t, warnings);
  const double rate = options.t / static_cast<double>(y_train.rows());  // exp(-t K / N) = exp(-rate K)
  train.by_lu = std::isinf(options.t) || rate * s.min_real >= converged_exponent;
  if (train.by_lu) {
    train.lu.compute(k);
    const double condition = 1.0 / train.lu.rcond();
    if (!(condition <= warn_condition))
      warnings.push_back(fmt::format("K(X,X) is ill-conditioned (condition number ~{:.3g}): the prediction may "
                                     "have lost most of its digits; consider --diag-reg (e.g. 1e-10)",
                                     condition));
  } else {
    train.flow = flow_operator(k, rate);
  }
  return train;
}

// The rows of the covariance in memory: a receiver of its bands that writes them and their mirror.
CovarianceBands bands_into(RowMatrix& cov, Index n_test) {
  cov.resize(n_test, n_test);
  CovarianceBands bands;
  bands.band_rows = in_memory_band_rows;
  bands.band = [&cov](const KernelBand& b) {
    for (std::size_t i = b.r0; i < b.r1; ++i)
      for (std::size_t j = b.c0; j < b.cols; ++j) cov(i, j) = cov(j, i) = b.value(i, j);
  };
  return bands;
}

// Test rows per band without a covariance: about 64 MB of their kernels and solved rows.
std::size_t mean_band_rows(Index n_train) {
  const std::size_t rows = (std::size_t{64} << 20) / (32 * static_cast<std::size_t>(n_train));
  return std::clamp<std::size_t>(rows / predict_tile_rows * predict_tile_rows, predict_tile_rows, 16 * predict_tile_rows);
}

Prediction run_tiled(const RowMatrix& k_train_train, const RowMatrix& sigma_train_train, const RowMatrix& y_train,
                     const TestKernels& test, const PredictOptions& options, const CovarianceBands* streamed) {
  std::vector<std::string> warnings;
  const TrainSolve train = solve_train(k_train_train, sigma_train_train, y_train, options, warnings);
  RowMatrix cov;
  CovarianceBands in_memory;
  const CovarianceBands* bands = streamed;
  if (!streamed && options.covariance) {
    in_memory = bands_into(cov, test.n_test);
    bands = &in_memory;
  }
  Prediction out = predict_tiled(train, test, options, bands, mean_band_rows(y_train.rows()));
  out.cov = std::move(cov);
  out.warnings = std::move(warnings);
  return out;
}

void check_train(const RowMatrix& y_train, Index n_test) {
  if (y_train.rows() == 0 || y_train.cols() == 0) throw DataError("there are no training targets");
  if (n_test == 0) throw DataError("there are no test points");
}

// The test side of predict(): kernels computed from the program, a band of rows at a time.
TestKernels test_kernels(const KernelProgram& program, KernelKind k_kind, const RowMatrix& x_train,
                         const RowMatrix& x_test, bool covariance, const KernelOptions& kernel_options) {
  auto rows = [&x_test](Index r0, Index r1) { return RowMatrix(x_test.middleRows(r0, r1 - r0)); };
  TestKernels test;
  test.n_test = x_test.rows();
  test.k_rows = [=, &program, &x_train](Index r0, Index r1) {
    return compute_kernel(program, k_kind, rows(r0, r1), &x_train, kernel_options);
  };
  test.sigma_rows = [=, &program, &x_train](Index r0, Index r1) {
    return compute_kernel(program, KernelKind::nngp, rows(r0, r1), &x_train, kernel_options);
  };
  if (covariance)
    test.prior_band = [=, &program, &x_test](Index r0, Index r1) {
      const RowMatrix later = x_test.bottomRows(x_test.rows() - r0);
      return compute_kernel(program, KernelKind::nngp, rows(r0, r1), &later, kernel_options);
    };
  test.prior_diagonal.resize(x_test.rows());  // the prior variances Sigma(x,x), one point at a time
  for (Index i = 0; i < x_test.rows(); ++i)
    test.prior_diagonal(i) = compute_kernel(program, KernelKind::nngp, rows(i, i + 1), nullptr, kernel_options)(0, 0);
  return test;
}

Prediction predict_with(const KernelProgram& program, PredictKind kind, const RowMatrix& x_train,
                        const RowMatrix& y_train, const RowMatrix& x_test, const PredictOptions& options,
                        const CovarianceBands* streamed) {
  check_options(options);
  check_data(program, x_train, &y_train, "the training inputs");
  check_data(program, x_test, nullptr, "the test inputs");
  check_train(y_train, x_test.rows());
  KernelOptions kernel_options;
  kernel_options.threads = options.threads;
  kernel_options.cancelled = options.cancelled;
  const KernelKind k_kind = kind == PredictKind::ntk     ? KernelKind::ntk
                            : kind == PredictKind::sgntk ? KernelKind::sgntk
                                                         : KernelKind::nngp;
  const RowMatrix sigma_train_train = compute_kernel(program, KernelKind::nngp, x_train, nullptr, kernel_options);
  // An infinite diagonal is explained here, where the program is known (which layer, and why).
  reject_infinite_diagonal(program, KernelKind::nngp, x_train, sigma_train_train);
  require_finite(sigma_train_train, "Sigma(X,X)");
  RowMatrix k_train_train = sigma_train_train;
  if (k_kind != KernelKind::nngp) {
    k_train_train = compute_kernel(program, k_kind, x_train, nullptr, kernel_options);
    reject_infinite_diagonal(program, k_kind, x_train, k_train_train);
    require_finite(k_train_train, "K(X,X)");
  }
  require_finite(y_train, "the training targets");
  // For the SG-NTK, K(x,X) = J(x) . J~(X)^T: the true derivative at the test point.
  const TestKernels test = test_kernels(program, k_kind, x_train, x_test, options.covariance || streamed, kernel_options);
  return run_tiled(k_train_train, sigma_train_train, y_train, test, options, streamed);
}

}  // namespace

CovarianceBands covariance_bands(std::size_t n_train, std::size_t n_test, std::size_t memory_budget) {
  CovarianceBands bands;
  const std::size_t rows = memory_budget / 32 / (2 * sizeof(double) * std::max<std::size_t>(n_test, 1));
  bands.band_rows = std::max(predict_tile_rows, rows / predict_tile_rows * predict_tile_rows);
  bands.hold_test_rows = 2 * n_test * n_train * sizeof(double) <= memory_budget / 2;
  return bands;
}

Prediction predict_from_kernels(const RowMatrix& k_test_train, const RowMatrix& k_train_train,
                                const RowMatrix& sigma_test_train, const RowMatrix& sigma_train_train,
                                const RowMatrix& sigma_test_test, const RowMatrix& y_train,
                                const PredictOptions& options) {
  check_options(options);
  const Index n_train = y_train.rows(), n_test = k_test_train.rows();
  check_train(y_train, n_test);
  check_shape(k_train_train, n_train, n_train, "K(X,X)");
  check_shape(k_test_train, n_test, n_train, "K(x,X)");
  check_shape(sigma_train_train, n_train, n_train, "Sigma(X,X)");
  check_shape(sigma_test_train, n_test, n_train, "Sigma(x,X)");
  const bool diagonal_only = !options.covariance && sigma_test_test.cols() == 1;
  check_shape(sigma_test_test, n_test, diagonal_only ? 1 : n_test, "Sigma(x,x')");

  require_finite(k_train_train, "K(X,X)");
  require_finite(k_test_train, "K(x,X)");
  require_finite(sigma_train_train, "Sigma(X,X)");
  require_finite(sigma_test_train, "Sigma(x,X)");
  require_finite(sigma_test_test, "Sigma(x,x')");
  require_finite(y_train, "the training targets");

  TestKernels test;
  test.n_test = n_test;
  test.k_rows = [&](Index r0, Index r1) { return RowMatrix(k_test_train.middleRows(r0, r1 - r0)); };
  test.sigma_rows = [&](Index r0, Index r1) { return RowMatrix(sigma_test_train.middleRows(r0, r1 - r0)); };
  test.prior_band = [&](Index r0, Index r1) { return RowMatrix(sigma_test_test.block(r0, r0, r1 - r0, n_test - r0)); };
  test.prior_diagonal = diagonal_only ? Eigen::VectorXd(sigma_test_test.col(0)) : Eigen::VectorXd(sigma_test_test.diagonal());
  return run_tiled(k_train_train, sigma_train_train, y_train, test, options, nullptr);
}

Prediction predict(const KernelProgram& program, PredictKind kind, const RowMatrix& x_train,
                   const RowMatrix& y_train, const RowMatrix& x_test, const PredictOptions& options) {
  return predict_with(program, kind, x_train, y_train, x_test, options, nullptr);
}

Prediction predict_in_bands(const KernelProgram& program, PredictKind kind, const RowMatrix& x_train,
                            const RowMatrix& y_train, const RowMatrix& x_test, const PredictOptions& options,
                            const CovarianceBands& bands) {
  return predict_with(program, kind, x_train, y_train, x_test, options, &bands);
}

}  // namespace sgntk::runtime
