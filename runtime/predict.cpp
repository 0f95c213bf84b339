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

void check_shape(const RowMatrix& m, Index rows, Index cols, const char* name) {
  if (m.rows() != rows || m.cols() != cols)
    throw DataError(fmt::format("{} is {} x {}, expected {} x {}", name, m.rows(), m.cols(), rows, cols));
}

// Throws unless every entry is finite, naming the first entry that is not.
void require_finite(const RowMatrix& m, const char* name) {
  for (Index i = 0; i < m.rows(); ++i)
    for (Index j = 0; j < m.cols(); ++j)
      if (!std::isfinite(m(i, j)))
        throw DataError(fmt::format("{} is {} at entry ({}, {}); no prediction", name, m(i, j), i, j));
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

}  // namespace

Prediction predict_from_kernels(const RowMatrix& k_test_train, const RowMatrix& k_train_train,
                                const RowMatrix& sigma_test_train, const RowMatrix& sigma_train_train,
                                const RowMatrix& sigma_test_test, const RowMatrix& y_train,
                                const PredictOptions& options) {
  if (std::isnan(options.t) || options.t < 0.0)
    throw DataError(fmt::format("the flow time t must be >= 0 (or inf), not {}", options.t));
  if (!(std::isfinite(options.diag_reg) && options.diag_reg >= 0.0))
    throw DataError(fmt::format("the diagonal regularisation must be finite and >= 0, not {}", options.diag_reg));
  const Index n_train = y_train.rows(), n_test = k_test_train.rows();
  if (n_train == 0 || y_train.cols() == 0) throw DataError("there are no training targets");
  if (n_test == 0) throw DataError("there are no test points");
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

  Prediction out;
  const bool k_is_sigma = k_train_train == sigma_train_train;
  MatrixXd k = k_train_train;
  regularise(k, options.diag_reg);
  MatrixXd sigma = sigma_train_train;
  if (k_is_sigma) regularise(sigma, options.diag_reg);

  const Spectrum s = spectrum(k);
  check_spectrum(s, options.t, out.warnings);
  const double rate = options.t / static_cast<double>(n_train);  // exp(-t K / N) = exp(-rate K)

  // A = K(x,X) M with M = K(X,X)^-1 (Id - exp(-t K/N)); at t = inf, M = K(X,X)^-1 (by LU solve).
  MatrixXd a;
  if (std::isinf(options.t) || rate * s.min_real >= converged_exponent) {
    const Eigen::PartialPivLU<MatrixXd> lu(k);
    const double condition = 1.0 / lu.rcond();
    if (!(condition <= warn_condition))
      out.warnings.push_back(fmt::format("K(X,X) is ill-conditioned (condition number ~{:.3g}): the prediction may "
                                         "have lost most of its digits; consider --diag-reg (e.g. 1e-10)",
                                         condition));
    const MatrixXd a_transposed = lu.transpose().solve(MatrixXd(k_test_train.transpose()));  // K^-T K(x,X)^T
    a = a_transposed.transpose();
  } else {
    a = k_test_train * flow_operator(k, rate);
  }

  out.mean = a * y_train;
  // C = Sigma(x,x') - P - P^T + A Sigma(X,X) A^T with P = A Sigma(X,x').
  const MatrixXd a_sigma = a * sigma;
  if (options.covariance) {
    const MatrixXd p = a * sigma_test_train.transpose();
    MatrixXd c = sigma_test_test - p - p.transpose() + a_sigma * a.transpose();
    out.cov = 0.5 * (c + c.transpose());  // symmetric up to rounding; make it exactly so
    out.std = out.cov.diagonal().cwiseMax(0.0).cwiseSqrt();
  } else {
    out.std.resize(n_test);
    for (Index i = 0; i < n_test; ++i) {
      const double prior = diagonal_only ? sigma_test_test(i, 0) : sigma_test_test(i, i);
      const double var = prior - 2.0 * a.row(i).dot(sigma_test_train.row(i)) + a_sigma.row(i).dot(a.row(i));
      out.std(i) = std::sqrt(std::max(var, 0.0));
    }
  }
  require_finite(out.mean, "the predicted mean");
  if (options.covariance) require_finite(out.cov, "the predicted covariance");
  if (!out.std.allFinite()) throw DataError("the predicted standard deviation is not finite; no prediction");
  return out;
}

Prediction predict(const KernelProgram& program, PredictKind kind, const RowMatrix& x_train,
                   const RowMatrix& y_train, const RowMatrix& x_test, const PredictOptions& options) {
  check_data(program, x_train, &y_train, "the training inputs");
  check_data(program, x_test, nullptr, "the test inputs");
  KernelOptions kernel_options;
  kernel_options.threads = options.threads;
  kernel_options.cancelled = options.cancelled;
  auto kernel = [&](KernelKind which, const RowMatrix& x1, const RowMatrix* x2) {
    return compute_kernel(program, which, x1, x2, kernel_options);
  };

  const RowMatrix sigma_test_train = kernel(KernelKind::nngp, x_test, &x_train);
  const RowMatrix sigma_train_train = kernel(KernelKind::nngp, x_train, nullptr);
  RowMatrix sigma_test_test;
  if (options.covariance) {
    sigma_test_test = kernel(KernelKind::nngp, x_test, nullptr);
  } else {  // only the prior variances Sigma(x,x), one point at a time
    sigma_test_test.resize(x_test.rows(), 1);
    for (Index i = 0; i < x_test.rows(); ++i) {
      const RowMatrix point = x_test.row(i);
      sigma_test_test(i, 0) = kernel(KernelKind::nngp, point, nullptr)(0, 0);
    }
  }
  // An infinite diagonal is explained here, where the program is known (which layer, and why).
  reject_infinite_diagonal(program, KernelKind::nngp, x_train, sigma_train_train);
  if (kind == PredictKind::nngp)
    return predict_from_kernels(sigma_test_train, sigma_train_train, sigma_test_train, sigma_train_train,
                                sigma_test_test, y_train, options);
  // For the SG-NTK, K(x,X) = J(x) . J~(X)^T: the true derivative at the test point.
  const KernelKind k_kind = kind == PredictKind::ntk ? KernelKind::ntk : KernelKind::sgntk;
  const RowMatrix k_train_train = kernel(k_kind, x_train, nullptr);
  reject_infinite_diagonal(program, k_kind, x_train, k_train_train);
  return predict_from_kernels(kernel(k_kind, x_test, &x_train), k_train_train, sigma_test_train, sigma_train_train,
                              sigma_test_test, y_train, options);
}

}  // namespace sgntk::runtime
