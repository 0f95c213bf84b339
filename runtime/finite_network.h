// One finite-width network of a KernelProgram in the NTK parameterisation:
//   h^1 = (sw_1/sqrt(d)) W^1 x + sb_1 b^1,  h^{l+1} = (sw/sqrt(n_l)) W^{l+1} phi_l(h^l) + sb b^{l+1},
// readout f = h^{L+1}, all W and b standard normal from a counter-based generator keyed by
// (seed, network index, layer, element). Batched over samples: a layer maps the N x n_{l-1}
// matrix of its inputs to the N x n_l matrix of its pre-activations, and every activation or
// derivative is one ArrayFunction call on a whole matrix.
//
// Layers are numbered l = 0..L: 0..L-1 are the hidden layers of the program, L the readout.
// Templated on the scalar type (double, float); both are instantiated in finite_network.cpp.
#pragma once
#include <Eigen/Core>
#include <cstdint>
#include <functional>
#include <vector>

#include "runtime/bound_program.h"
#include "runtime/kinds.h"

namespace sgntk::runtime {

// Throws EvalError when some hidden layer has no pointwise function for `mode` (e.g. phi = sign:
// phi' is a distribution, so gradient descent and the true Jacobian do not exist).
void check_backprop(const KernelProgram& program, Backprop mode);

// The function back-propagation multiplies by in hidden layer `layer` (its surrogate under
// Backprop::surrogate when it has one, else phi'), or null when there is none.
const ArrayFunction* backprop_function(const LayerProgram& layer, Backprop mode);

// out[i] = f(in[i]) for i < n with one ArrayFunction call; float goes through double buffers
// (ArrayFunction speaks double). in and out do not overlap.
template <class Scalar>
void apply_pointwise(const ArrayFunction& f, const Scalar* in, Scalar* out, std::size_t n);

template <class Scalar>
class FiniteNetwork {
 public:
  using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;  // column-major
  using Vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;

  // Everything the forward pass leaves for the backward pass.
  struct Pass {
    std::vector<Matrix> inputs;  // inputs[l] = A_{l-1}: N x n_{l-1} (inputs[0] = X)
    std::vector<Matrix> pre;     // pre[l] = h^{l+1}: N x n_l; pre[L] = the outputs f
    const Matrix& outputs() const { return pre.back(); }
  };

  // Called by backward() once per layer, top down, with delta = d(objective)/d(pre[l]) (N x n_l)
  // and the layer's input A_{l-1}. When it is called, backward() has already propagated delta
  // below layer l and reads layer l's parameters no more, so the visitor may update them in
  // place (fused gradient descent: gradients at the old parameters, no gradient buffers).
  using LayerVisitor = std::function<void(int layer, const Matrix& delta, const Matrix& input)>;

  FiniteNetwork(const KernelProgram& program, std::uint64_t seed, std::uint32_t index);

  int layer_count() const { return static_cast<int>(weights_.size()); }
  const KernelProgram& program() const { return *program_; }
  // sw_l / sqrt(n_{l-1}) and sb_l of layer l.
  Scalar weight_scale(int l) const { return weight_scale_[l]; }
  Scalar bias_scale(int l) const { return bias_scale_[l]; }
  Matrix& weight(int l) { return weights_[l]; }  // n_l x n_{l-1}, standard normal at init
  Vector& bias(int l) { return biases_[l]; }     // n_l
  const Matrix& weight(int l) const { return weights_[l]; }
  const Vector& bias(int l) const { return biases_[l]; }

  // x: N x d. Fills `pass` (its buffers are reused across calls).
  void forward(const Matrix& x, Pass& pass) const;

  // Back-propagates `delta_out` (N x outputs) = d(objective)/df through the network of the last
  // forward(), calling `visit` for layers L, L-1, ..., 0.
  void backward(const Pass& pass, Matrix delta_out, Backprop mode, const LayerVisitor& visit) const;

 private:
  const KernelProgram* program_;
  std::vector<Matrix> weights_;
  std::vector<Vector> biases_;
  std::vector<Scalar> weight_scale_, bias_scale_;
};

extern template class FiniteNetwork<double>;
extern template class FiniteNetwork<float>;

}  // namespace sgntk::runtime
