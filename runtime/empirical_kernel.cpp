// Empirical NTK and SG-NTK from back-propagated per-sample sensitivities (empirical_kernel.h).
#include "runtime/empirical_kernel.h"

#include <fmt/format.h>

#include "runtime/errors.h"

namespace sgntk::runtime {

namespace {

using Net = FiniteNetwork<double>;
using Matrix = Net::Matrix;

// sensitivities[l] = d f_k / d pre[l] (N x n_l) for every layer, back-propagated with `mode`.
std::vector<Matrix> sensitivities(const Net& net, const Net::Pass& pass, int output, Backprop mode) {
  std::vector<Matrix> d(net.layer_count());
  Matrix seed = Matrix::Zero(pass.outputs().rows(), pass.outputs().cols());
  seed.col(output).setOnes();
  net.backward(pass, seed, mode, [&](int l, const Matrix& delta, const Matrix&) { d[l] = delta; });
  return d;
}

}  // namespace

RowMatrix empirical_kernel(const Net& net, EmpiricalKind kind, const RowMatrix& x1, const RowMatrix& x2) {
  const Backprop mode2 = kind == EmpiricalKind::ntk ? Backprop::true_derivative : Backprop::surrogate;
  Net::Pass p1, p2;
  net.forward(Matrix(x1), p1);
  net.forward(Matrix(x2), p2);
  const int outputs = static_cast<int>(p1.outputs().cols());
  Matrix kernel = Matrix::Zero(x1.rows(), x2.rows());
  Matrix inputs;
  for (int k = 0; k < outputs; ++k) {
    const std::vector<Matrix> d1 = sensitivities(net, p1, k, Backprop::true_derivative);
    const std::vector<Matrix> d2 = sensitivities(net, p2, k, mode2);
    for (int l = 0; l < net.layer_count(); ++l) {
      const double ws = net.weight_scale(l), bs = net.bias_scale(l);
      inputs.noalias() = (ws * ws) * p1.inputs[l] * p2.inputs[l].transpose();
      inputs.array() += bs * bs;
      kernel.array() += (d1[l] * d2[l].transpose()).array() * inputs.array();
    }
  }
  kernel /= outputs;
  return RowMatrix(kernel);
}

std::vector<double> empirical_kernels(const KernelProgram& program, const EmpiricalJob& job) {
  const RowMatrix& x2 = job.x2.size() > 0 ? job.x2 : job.x1;
  check_data(program, job.x1, nullptr, "--x1");
  check_data(program, x2, nullptr, "--x2");
  if (job.ensemble < 1) throw DataError(fmt::format("the ensemble needs >= 1 network, not {}", job.ensemble));
  // Both kernels need the true Jacobian J(x1), which a jump activation does not have.
  try {
    check_backprop(program, Backprop::true_derivative);
  } catch (const EvalError& e) {
    throw EvalError(fmt::format("{}; the empirical {} J(x1) . {}(x2)^T cannot be measured by back-propagation "
                                "(the analytic kernel is `sgntk kernel`; a steep erf(m x) approximates the jump)",
                                e.what(), job.kind == EmpiricalKind::ntk ? "NTK" : "SG-NTK",
                                job.kind == EmpiricalKind::ntk ? "J" : "J~"));
  }
  if (job.kind == EmpiricalKind::sgntk) check_backprop(program, Backprop::surrogate);
  if (job.train) {
    check_data(program, job.train->x, &job.train->y, "the training input matrix");
    check_backprop(program, job.train->settings.backprop);
  }
  const long n1 = job.x1.rows(), n2 = x2.rows();
  std::vector<double> out(static_cast<std::size_t>(job.ensemble * n1 * n2));
  for_each_network(job.ensemble, job.threads, [&](long e) {
    const auto stop_if_cancelled = [&] {
      if (job.cancelled && job.cancelled()) throw Cancelled();
    };
    Net net(program, job.seed, static_cast<std::uint32_t>(e));
    if (job.train)
      train_network<double>(net, Matrix(job.train->x), Matrix(job.train->y), job.train->settings,
                            [&](long, double, const NetworkNow<double>&) { stop_if_cancelled(); });
    stop_if_cancelled();
    const RowMatrix k = empirical_kernel(net, job.kind, job.x1, x2);
    std::copy(k.data(), k.data() + k.size(), out.begin() + e * n1 * n2);
  });
  return out;
}

}  // namespace sgntk::runtime
