#include "runtime/infinite_diagonal.h"

#include <fmt/format.h>

#include <cmath>
#include <optional>
#include <string>

#include "runtime/errors.h"
#include "runtime/kernels.h"

namespace sgntk::runtime {
namespace {

using Index = Eigen::Index;

const char* matrix_name(KernelKind kind) { return kind == KernelKind::nngp ? "Sigma(X,X)" : "K(X,X)"; }
const char* kernel_name(KernelKind kind) { return kind == KernelKind::ntk ? "NTK" : "SG-NTK"; }

// The network cut after hidden layer `layers` (0: the input layer alone), read out with
// sigma_w = 1 and sigma_b = 0, so that its kernel is the layer's own recursion.
KernelProgram cut_after(const KernelProgram& program, std::size_t layers) {
  KernelProgram cut = program;
  cut.hidden.resize(layers);
  cut.readout_sigma_w = 1.0;
  cut.readout_sigma_b = 0.0;
  return cut;
}

double diagonal_at(const KernelProgram& program, KernelKind kind, const RowMatrix& point) {
  return compute_kernel(program, kind, point, nullptr)(0, 0);
}

// The first hidden layer (0-based) after which kind's kernel at `point` is no longer finite.
std::optional<std::size_t> first_infinite_layer(const KernelProgram& program, KernelKind kind, const RowMatrix& point) {
  for (std::size_t l = 0; l < program.hidden.size(); ++l)
    if (!std::isfinite(diagonal_at(cut_after(program, l + 1), kind, point))) return l;
  return std::nullopt;
}

}  // namespace

void reject_infinite_diagonal(const KernelProgram& program, KernelKind kind, const RowMatrix& x,
                              const RowMatrix& k_train_train) {
  Index i = 0;
  while (i < k_train_train.rows() && !std::isinf(k_train_train(i, i))) ++i;  // a NaN is require_finite's
  if (i == k_train_train.rows()) return;
  const double value = k_train_train(i, i);
  const RowMatrix point = x.row(i);

  // The NNGP feeds every kernel: if its variance overflows, say that first.
  if (const auto l = first_infinite_layer(program, KernelKind::nngp, point)) {
    const LayerProgram& layer = program.hidden[*l];
    // The variance of the pre-activation u that layer l's activation receives.
    const double a = diagonal_at(cut_after(program, *l), KernelKind::nngp, point) * layer.sigma_w * layer.sigma_w +
                     layer.sigma_b * layer.sigma_b;
    throw DataError(fmt::format(
        "{} is {} on its diagonal (training point {}): the NNGP variance overflows at hidden layer {} ('{}'): "
        "E[phi(u)^2] of its activation phi(x) = {} with u ~ N(0, {:.6g}) is infinite or beyond the largest double",
        matrix_name(kind), value, i, *l + 1, layer.name, layer.nngp.f_text, a));
  }
  const std::optional<std::size_t> l = first_infinite_layer(program, kind, point);
  if (kind == KernelKind::ntk && l && program.hidden[*l].ntk.infinite_on_diagonal) {
    // E[delta(u) delta(v)] is infinite where u = v: the naive NTK of a jump is +inf on x = x'.
    const LayerProgram& layer = program.hidden[*l];
    throw DataError(fmt::format(
        "K(X,X) is {} on its diagonal (training point {}): this is the naive NTK of a jump activation at hidden "
        "layer {} ('{}'), whose derivative is a delta ({}) with E[delta(u) delta(v)] infinite at x = x'. Gradient "
        "descent is ill-posed in this limit: kernel regression with it collapses to the initial function f_0 away "
        "from the training points. Use the SG-NTK (a surrogate derivative) or a finite steepness",
        value, i, *l + 1, layer.name, layer.ntk.f_text));
  }
  if (l) {
    const LayerProgram& layer = program.hidden[*l];
    const Expectation& e = kind == KernelKind::ntk ? layer.ntk : layer.sgntk;
    throw DataError(fmt::format(
        "K(X,X) is {} on its diagonal (training point {}): the {} overflows at hidden layer {} ('{}'): its term "
        "E[f(u) g(v)] with f(x) = {}, g(x) = {} is infinite or beyond the largest double",
        value, i, kernel_name(kind), *l + 1, layer.name, e.f_text, e.g_text));
  }
  throw DataError(fmt::format("{} is {} on its diagonal (training point {}): every hidden layer is finite there, so the readout overflows",
                              matrix_name(kind), value, i));
}

}  // namespace sgntk::runtime
