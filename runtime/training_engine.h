// One network's full-batch training step at the machine's limit. The engine copies a
// FiniteNetwork into the padded layout of the training sweeps (training_sweeps.h) and then
// sweeps each weight matrix as few times as the data dependencies allow:
//   * backward + update: one pass over W per step reads a column, uses it for the backward
//     product and writes it updated (the backward product needs the old W: the sweep keeps it);
//   * forward: when few inputs of a layer changed since its last product (sign activations flip
//     rarely), the product A W^T is updated instead of recomputed. With W' = W - c D^T A_old,
//       A_new W'^T = A_old W^T - c (A_old A_old^T) D + (A_new - A_old) W'^T,
//     an N x N Gram matrix and one column of W' per changed input. A full product every
//     `refresh_period` steps bounds the drift of the updated sums to a few roundings.
// Every step's arithmetic is sequential and fixed, so a network trains the same on any thread.
// The loss is accumulated in double for both scalar types (f32: float weights, double loss).
#pragma once
#include <cstddef>
#include <new>
#include <utility>
#include <vector>

#include "runtime/finite_network.h"
#include "runtime/kinds.h"

namespace sgntk::runtime {

struct TrainSettings;

// std::allocator with 64-byte alignment (the sweeps' vectors start on cache lines).
template <class T>
struct CacheLineAllocator {
  using value_type = T;
  CacheLineAllocator() = default;
  template <class U>
  CacheLineAllocator(const CacheLineAllocator<U>&) {}
  T* allocate(std::size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t(64))); }
  void deallocate(T* p, std::size_t) { ::operator delete(p, std::align_val_t(64)); }
  bool operator==(const CacheLineAllocator&) const { return true; }
};

template <class Scalar>
class TrainingEngine {
 public:
  using Matrix = typename FiniteNetwork<Scalar>::Matrix;
  static constexpr long refresh_period = 32;

  // x: N x d, y: N x outputs. Throws EvalError when a hidden layer has nothing to back-propagate
  // with under settings.backprop.
  TrainingEngine(const FiniteNetwork<Scalar>& net, const Matrix& x, const Matrix& y, const TrainSettings& settings);

  // The forward pass at the current weights; returns the training loss (1/2N) sum |f - y|^2.
  double forward();
  // One gradient step from the last forward() (gradients at the weights of that pass).
  void update();
  // The outputs at the current weights for `points` (m x d): m x outputs. Leaves the training
  // state as it is.
  Matrix outputs(const Matrix& points) const;
  // Copies the weights and biases into `net` (the network the engine was made from, or one of
  // the same shape).
  void write_to(FiniteNetwork<Scalar>& net) const;
  // Forward products since construction that were updated rather than recomputed (tests).
  long incremental_products() const { return incremental_products_; }

 private:
  using Buffer = std::vector<Scalar, CacheLineAllocator<Scalar>>;
  struct Layer {
    int n_in = 0, n_out = 0;
    long ld = 0, lda = 0;          // padded n_out; row stride of the input (padded n_in)
    Scalar scale = 0, bias_scale = 0;
    const ArrayFunction* activation = nullptr;  // null for the readout
    const ArrayFunction* slope = nullptr;       // what back-propagation multiplies by (hidden)
    Buffer w;                      // ld x n_in, column-major, zero padding rows
    Buffer b;                      // ld
    Buffer input;                  // N x lda: the input of the last forward pass
    Buffer p;                      // N x ld: input W^T (no scale, no bias)
    Buffer h;                      // N x ld: scale p + bias_scale b
    Buffer out;                    // N x ld: activation(h) (hidden layers)
    Buffer d;                      // N x ld: d loss / d h of the last update, zero padding
    long since_product = -1;       // forward passes since p was last recomputed; -1: never
    bool updated = false;          // an update ran since the last forward pass
  };

  void forward_layer(Layer& layer, const Scalar* in);
  // h = scale p + bias_scale b for `rows` samples (row stride layer.ld): the affine part of the
  // forward pass, shared by training and outputs().
  static void pre_activation(const Layer& layer, const Scalar* p, Scalar* h, int rows);
  // points (rows x d) into a zero-padded buffer of row stride ld.
  static Buffer padded_rows(const Matrix& points, long ld);
  bool update_product(Layer& layer, const Scalar* in);

  std::vector<Layer> layers_;
  int n_ = 0;
  Buffer x_;                       // N x padded d
  Matrix y_;
  Scalar learning_rate_;
  Buffer scratch_, slope_;
  std::vector<std::pair<int, int>> changed_;
  Buffer transposed_, gram_;       // scratch of update_product
  long incremental_products_ = 0;
};

extern template class TrainingEngine<double>;
extern template class TrainingEngine<float>;

}  // namespace sgntk::runtime
