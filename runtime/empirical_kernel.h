// Empirical tangent kernels of finite networks:
//   NTK     K(x, x') = J(x) . J(x')^T      SG-NTK  K(x, x') = J(x) . J~(x')^T
// with J the true Jacobian of the output with respect to all parameters and J~ the
// quasi-Jacobian back-propagated with the surrogates. Never formed parameter by parameter:
// for a dense layer l with input A_{l-1} and back-propagated output sensitivities D_l = df/dh^l,
//   contribution_l = (D_l(X1) D~_l(X2)^T) o ((sw_l^2 / n_{l-1}) A_{l-1}(X1) A_{l-1}(X2)^T + sb_l^2).
// With several outputs the kernel is the mean over outputs k of J_k(x) . J~_k(x')^T (the
// infinite-width kernel is the same for every output and zero between outputs).
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "runtime/finite_network.h"
#include "runtime/matrix_io.h"
#include "runtime/training.h"
#include "runtime/kinds.h"

namespace sgntk::runtime {

// K[i][j] = K(x1_i, x2_j) of one network (x1: true Jacobian; x2: quasi-Jacobian for sgntk).
RowMatrix empirical_kernel(const FiniteNetwork<double>& net, EmpiricalKind kind, const RowMatrix& x1,
                           const RowMatrix& x2);

struct EmpiricalJob {
  EmpiricalKind kind = EmpiricalKind::ntk;
  RowMatrix x1, x2;                     // x2 empty: x1
  std::uint64_t seed = 0;
  long ensemble = 1;
  int threads = 0;                      // 0: all cores; 1: serial
  // Train each network first (full batch, in double precision) and take the kernel after it.
  struct Training {
    RowMatrix x, y;
    TrainSettings settings;
  };
  std::optional<Training> train;
  // Thread-safe; polled after every training step and before every network's kernel: true
  // stops the job (throws Cancelled).
  std::function<bool()> cancelled;
};

// One kernel per network: [ensemble, n1, n2] in C order. Network e is the same network (same
// seed and index) that train_ensemble() trains.
std::vector<double> empirical_kernels(const KernelProgram& program, const EmpiricalJob& job);

}  // namespace sgntk::runtime
