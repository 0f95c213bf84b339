// Initialisation, forward and backward pass of one finite-width network (finite_network.h).
#include "runtime/finite_network.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <type_traits>

#include "runtime/errors.h"
#include "runtime/philox.h"

namespace sgntk::runtime {

namespace {

// phi' of the layer as a function, or null when phi' contains a delta (the lowering emits no
// function then: using its almost-everywhere part, 0 for sign, would make gradient descent train
// the readout alone and the "true" Jacobian miss every hidden layer, silently).
const ArrayFunction* derivative_function(const LayerProgram& layer) { return layer.derivative.get(); }

// out = f(in) elementwise with one ArrayFunction call over the whole matrix.
template <class Matrix>
void apply(const ArrayFunction& f, const Matrix& in, Matrix& out) {
  out.resize(in.rows(), in.cols());
  apply_pointwise(f, in.data(), out.data(), static_cast<std::size_t>(in.size()));
}

}  // namespace

const ArrayFunction* backprop_function(const LayerProgram& layer, Backprop mode) {
  if (mode == Backprop::surrogate && layer.has_surrogate) return layer.surrogate.get();
  return derivative_function(layer);
}

template <class Scalar>
void apply_pointwise(const ArrayFunction& f, const Scalar* in, Scalar* out, std::size_t n) {
  if constexpr (std::is_same_v<Scalar, double>) {
    f.eval(in, out, n);
  } else {
    // In chunks that stay in L1 (the function is pointwise: chunking changes no value).
    constexpr std::size_t chunk = 512;
    double x[chunk], y[chunk];
    for (std::size_t start = 0; start < n; start += chunk) {
      const std::size_t m = std::min(chunk, n - start);
      for (std::size_t i = 0; i < m; ++i) x[i] = in[start + i];
      f.eval(x, y, m);
      for (std::size_t i = 0; i < m; ++i) out[start + i] = static_cast<Scalar>(y[i]);
    }
  }
}
template void apply_pointwise<double>(const ArrayFunction&, const double*, double*, std::size_t);
template void apply_pointwise<float>(const ArrayFunction&, const float*, float*, std::size_t);

void check_backprop(const KernelProgram& program, Backprop mode) {
  for (const LayerProgram& layer : program.hidden) {
    if (backprop_function(layer, mode)) continue;
    const std::string act = layer.activation ? "'" + layer.activation->text() + "'" : "its activation";
    const std::string delta =
        "the derivative of " + act + " contains a delta (a jump's derivative is a distribution, not a function)";
    if (mode == Backprop::true_derivative)
      throw EvalError("layer '" + layer.name + "': " + delta +
                      ", so the true Jacobian and gradient descent do not exist");
    throw EvalError("layer '" + layer.name + "' has no surrogate and " + delta +
                    ", so there is nothing to back-propagate with; give the layer a surrogate");
  }
  for (const LayerProgram& layer : program.hidden)
    if (!layer.activation) throw EvalError("layer '" + layer.name + "' has no activation function");
}

template <class Scalar>
FiniteNetwork<Scalar>::FiniteNetwork(const KernelProgram& program, std::uint64_t seed, std::uint32_t index)
    : program_(&program) {
  const int layers = static_cast<int>(program.hidden.size()) + 1;
  int fan_in = program.input_dim;
  for (int l = 0; l < layers; ++l) {
    const bool readout = l + 1 == layers;
    const int width = readout ? program.outputs : program.hidden[l].width;
    const double sw = readout ? program.readout_sigma_w : program.hidden[l].sigma_w;
    const double sb = readout ? program.readout_sigma_b : program.hidden[l].sigma_b;
    // Element order of layer l's stream: W row by row (W(i, j) is element i * fan_in + j), then b.
    const philox::NormalStream stream(seed, index, static_cast<std::uint32_t>(l));
    Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> w(width, fan_in);
    Vector b(width);
    const auto weight_count = static_cast<std::uint64_t>(width) * static_cast<std::uint64_t>(fan_in);
    stream.fill(0, w.data(), weight_count);
    stream.fill(weight_count, b.data(), static_cast<std::uint64_t>(width));
    weights_.emplace_back(w);
    biases_.push_back(std::move(b));
    weight_scale_.push_back(static_cast<Scalar>(sw / std::sqrt(static_cast<double>(fan_in))));
    bias_scale_.push_back(static_cast<Scalar>(sb));
    fan_in = width;
  }
}

template <class Scalar>
void FiniteNetwork<Scalar>::forward(const Matrix& x, Pass& pass) const {
  const int layers = layer_count();
  pass.inputs.resize(layers);
  pass.pre.resize(layers);
  pass.inputs[0] = x;
  for (int l = 0; l < layers; ++l) {
    Matrix& h = pass.pre[l];
    h.noalias() = (weight_scale_[l] * pass.inputs[l]) * weights_[l].transpose();
    h.rowwise() += (bias_scale_[l] * biases_[l]).transpose();
    if (l + 1 < layers) apply(*program_->hidden[l].activation, h, pass.inputs[l + 1]);
  }
}

template <class Scalar>
void FiniteNetwork<Scalar>::backward(const Pass& pass, Matrix delta, Backprop mode,
                                     const LayerVisitor& visit) const {
  Matrix below, slope;
  for (int l = layer_count() - 1; l >= 0; --l) {
    if (l > 0) {
      // d/dh^{l} = (d/dh^{l+1} * scale * W) o phi'(h^l)  (or o g(h^l) for the quasi-Jacobian)
      below.noalias() = (weight_scale_[l] * delta) * weights_[l];
      const ArrayFunction* g = backprop_function(program_->hidden[l - 1], mode);
      if (!g) check_backprop(*program_, mode);  // throws the explanation
      apply(*g, pass.pre[l - 1], slope);
      below.array() *= slope.array();
    }
    visit(l, delta, pass.inputs[l]);
    if (l > 0) delta.swap(below);
  }
}

template class FiniteNetwork<double>;
template class FiniteNetwork<float>;

}  // namespace sgntk::runtime
