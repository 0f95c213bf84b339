// Empirical NTK and SG-NTK: the structured per-layer formula against explicit Jacobians, and
// convergence to the analytic kernels (runtime/kernels.h) as the width grows.
#include <doctest/doctest.h>

#include <cmath>

#include "runtime/empirical_kernel.h"
#include "runtime/errors.h"
#include "runtime/kernels.h"
#include "tests/finite/test_networks.h"

namespace {

using namespace sgntk;
using Net = runtime::FiniteNetwork<double>;
using Matrix = Net::Matrix;

// The Jacobian of output k with respect to all parameters, one row per sample, from
// back-propagation of each sample on its own (no use of the structured kernel formula).
Matrix jacobian(const Net& net, const runtime::RowMatrix& x, int k, runtime::Backprop mode) {
  long params = 0;
  for (int l = 0; l < net.layer_count(); ++l) params += net.weight(l).size() + net.bias(l).size();
  Matrix j(x.rows(), params);
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    Net::Pass pass;
    net.forward(Matrix(x.row(i)), pass);
    Matrix seed = Matrix::Zero(1, pass.outputs().cols());
    seed(0, k) = 1;
    std::vector<Eigen::VectorXd> parts(net.layer_count());
    net.backward(pass, seed, mode, [&](int l, const Matrix& d, const Matrix& input) {
      const Matrix gw = net.weight_scale(l) * d.transpose() * input;  // n_l x n_{l-1}
      Eigen::VectorXd part(gw.size() + d.cols());
      part << gw.reshaped(), net.bias_scale(l) * d.transpose();
      parts[l] = part;
    });
    long at = 0;
    for (const auto& p : parts) {
      j.row(i).segment(at, p.size()) = p.transpose();
      at += p.size();
    }
  }
  return j;
}

runtime::RowMatrix circle(int n) {
  runtime::RowMatrix x(n, 2);
  for (int i = 0; i < n; ++i) {
    const double a = 2 * M_PI * i / n - M_PI;
    x.row(i) << std::sin(a), std::cos(a);
  }
  return x;
}

// Mean over seeds of the mean squared error of the empirical row K(x_mid, grid) against the
// analytic row, x_mid = grid point 50 (alpha = 0).
double row_mse(const runtime::KernelProgram& program, runtime::EmpiricalKind kind, runtime::KernelKind analytic_kind,
               int seeds) {
  const runtime::RowMatrix grid = circle(100);
  const runtime::RowMatrix mid = grid.row(50);
  const runtime::RowMatrix analytic = runtime::compute_kernel(program, analytic_kind, mid, &grid);
  runtime::EmpiricalJob job;
  job.kind = kind;
  job.x1 = mid;
  job.x2 = grid;
  job.seed = 10;
  job.ensemble = seeds;
  const std::vector<double> k = runtime::empirical_kernels(program, job);
  double mse = 0;
  for (int e = 0; e < seeds; ++e)
    for (int j = 0; j < 100; ++j) mse += std::pow(k[e * 100 + j] - analytic(0, j), 2);
  return mse / (seeds * 100);
}

}  // namespace

TEST_CASE("the structured empirical kernels equal products of explicit per-sample Jacobians") {
  const auto program =
      test::network(3, {test::layer(6, test::erf_fn(2), test::erf_prime(2), test::erf_prime(1), 1.2, 0.3),
                        test::layer(5, test::tanh_fn(), test::tanh_prime(), test::erf_prime(1), 0.8, 0.2)},
                    2, 1.1, 0.5);
  const Net net(program, 5, 1);
  const runtime::RowMatrix x1 = runtime::RowMatrix::Random(4, 3), x2 = runtime::RowMatrix::Random(3, 3);
  for (auto kind : {runtime::EmpiricalKind::ntk, runtime::EmpiricalKind::sgntk}) {
    const auto mode = kind == runtime::EmpiricalKind::ntk ? runtime::Backprop::true_derivative : runtime::Backprop::surrogate;
    Matrix expected = Matrix::Zero(4, 3);
    for (int k = 0; k < 2; ++k)
      expected += jacobian(net, x1, k, runtime::Backprop::true_derivative) * jacobian(net, x2, k, mode).transpose() / 2;
    const runtime::RowMatrix got = runtime::empirical_kernel(net, kind, x1, x2);
    CHECK((got - expected).cwiseAbs().maxCoeff() < 1e-12 * expected.cwiseAbs().maxCoeff());
  }
  // The SG-NTK is not symmetric: the true derivative belongs to x1, the surrogate to x2.
  const runtime::RowMatrix s = runtime::empirical_kernel(net, runtime::EmpiricalKind::sgntk, x1, x1);
  CHECK((s - s.transpose()).cwiseAbs().maxCoeff() > 1e-6);
}

TEST_CASE("empirical kernels of an ensemble match the networks train_ensemble trains") {
  const auto program = test::network(2, {test::layer(8, test::tanh_fn(), test::tanh_prime())});
  runtime::EmpiricalJob job;
  job.x1 = circle(5);
  job.seed = 3;
  job.ensemble = 3;
  job.threads = 2;
  const std::vector<double> all = runtime::empirical_kernels(program, job);
  const Net second(program, 3, 1);
  const runtime::RowMatrix k = runtime::empirical_kernel(second, runtime::EmpiricalKind::ntk, job.x1, job.x1);
  CHECK(std::vector<double>(all.begin() + 25, all.begin() + 50) == std::vector<double>(k.data(), k.data() + 25));
  // After training the kernel moves (finite width), deterministically.
  job.train = runtime::EmpiricalJob::Training{job.x1, runtime::RowMatrix::Ones(5, 1), {0.1, 100, {}}};
  const std::vector<double> trained = runtime::empirical_kernels(program, job);
  CHECK(trained != all);
  job.threads = 1;
  CHECK(runtime::empirical_kernels(program, job) == trained);
}

TEST_CASE("empirical NTK of erf(2x) networks converges to the analytic NTK as the width grows" *
          doctest::timeout(120)) {
  auto program = [](int n) { return test::network(2, {test::erf_layer(n, 2), test::erf_layer(n, 2)}); };
  const double mse100 = row_mse(program(100), runtime::EmpiricalKind::ntk, runtime::KernelKind::ntk, 10);
  const double mse1000 = row_mse(program(1000), runtime::EmpiricalKind::ntk, runtime::KernelKind::ntk, 10);
  MESSAGE("NTK erf(2x): MSE width 100 = " << mse100 << ", width 1000 = " << mse1000);
  CHECK(mse100 >= 5 * mse1000);
}

// The true Jacobian of a sign network does not exist (sign' is a delta), so the SG-NTK is
// measured where the paper measures it (Figure 2): erf_m networks, m = 5, surrogate erf'.
TEST_CASE("empirical SG-NTK of erf_m networks with surrogate erf' converges to the analytic SG-NTK" *
          doctest::timeout(120)) {
  auto program = [](int n) { return test::network(2, {test::erf_layer(n, 5, 1), test::erf_layer(n, 5, 1)}); };
  const double mse100 = row_mse(program(100), runtime::EmpiricalKind::sgntk, runtime::KernelKind::sgntk, 10);
  const double mse1000 = row_mse(program(1000), runtime::EmpiricalKind::sgntk, runtime::KernelKind::sgntk, 10);
  MESSAGE("SG-NTK erf(5x), g = erf': MSE width 100 = " << mse100 << ", width 1000 = " << mse1000);
  CHECK(mse100 >= 5 * mse1000);
}

TEST_CASE("the empirical NTK of a sign network is refused, its SG-NTK needs the Jacobian too") {
  const auto program = test::network(2, {test::layer(4, test::sign_fn(), nullptr, test::erf_prime(1))});
  runtime::EmpiricalJob job;
  job.x1 = circle(3);
  job.kind = runtime::EmpiricalKind::sgntk;
  CHECK_THROWS_AS(runtime::empirical_kernels(program, job), runtime::EvalError);
}
