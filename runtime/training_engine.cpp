// The cache-resident training step (training_engine.h).
#include "runtime/training_engine.h"

#include <algorithm>

#include "runtime/training.h"
#include "runtime/training_sweeps.h"

namespace sgntk::runtime {

using training_sweeps::padded;
using training_sweeps::sweeps;

template <class Scalar>
TrainingEngine<Scalar>::TrainingEngine(const FiniteNetwork<Scalar>& net, const Matrix& x, const Matrix& y,
                                       const TrainSettings& settings)
    : n_(static_cast<int>(x.rows())), y_(y), learning_rate_(static_cast<Scalar>(settings.learning_rate)) {
  const KernelProgram& program = net.program();
  const long ldx = padded<Scalar>(x.cols());
  x_ = padded_rows(x, ldx);
  long lda = ldx, widest = 0;
  for (int l = 0; l < net.layer_count(); ++l) {
    Layer L;
    const auto& w = net.weight(l);
    L.n_out = static_cast<int>(w.rows());
    L.n_in = static_cast<int>(w.cols());
    L.ld = padded<Scalar>(L.n_out);
    L.lda = lda;
    L.scale = net.weight_scale(l);
    L.bias_scale = net.bias_scale(l);
    if (l + 1 < net.layer_count()) {
      const LayerProgram& hidden = program.hidden[l];
      L.activation = hidden.activation.get();
      L.slope = backprop_function(hidden, settings.backprop);
      if (!L.slope || !L.activation) check_backprop(program, settings.backprop);  // throws the explanation
    }
    const auto per_sample = static_cast<std::size_t>(n_ * L.ld);
    L.w.assign(static_cast<std::size_t>(L.ld * L.n_in), Scalar(0));
    L.b.assign(static_cast<std::size_t>(L.ld), Scalar(0));
    L.input.assign(static_cast<std::size_t>(n_ * L.lda), Scalar(0));
    for (Buffer* buffer : {&L.p, &L.h, &L.out, &L.d}) buffer->assign(per_sample, Scalar(0));
    lda = L.ld;
    widest = std::max(widest, L.ld);
    layers_.push_back(std::move(L));
  }
  scratch_.assign(static_cast<std::size_t>(2 * widest), Scalar(0));
  slope_.assign(static_cast<std::size_t>(n_ * widest), Scalar(0));
  for (int l = 0; l < net.layer_count(); ++l) {
    Layer& L = layers_[l];
    for (int j = 0; j < L.n_in; ++j)
      for (int k = 0; k < L.n_out; ++k) L.w[j * L.ld + k] = net.weight(l)(k, j);
    for (int k = 0; k < L.n_out; ++k) L.b[k] = net.bias(l)(k);
  }
}

// p of the new input from p of the old one (training_engine.h); false (nothing done) when too
// many inputs changed for that to pay, or p is not the product of the last input and the
// weights before the last update.
template <class Scalar>
bool TrainingEngine<Scalar>::update_product(Layer& L, const Scalar* in) {
  if (!L.updated || L.since_product < 0 || L.since_product + 1 >= refresh_period) return false;
  // Multiply-adds: the update costs the Gram matrix and its product with D (N^2 (n_in + ld)) and
  // one column of W per changed input (ld); it runs only where it costs at most half the full
  // product (N n_in ld). Not for the first layer, the readout or many samples, as a rule.
  const long full = static_cast<long>(n_) * L.n_in * L.ld;
  const long gram = static_cast<long>(n_) * n_ * (L.n_in + L.ld);
  if (2 * gram > full) return false;
  long count = 0;  // a branch-free count first (it vectorizes), the positions only when few
  for (int i = 0; i < n_; ++i)
    for (int j = 0; j < L.n_in; ++j) count += in[i * L.lda + j] != L.input[i * L.lda + j];
  if (2 * (gram + count * L.ld) > full) return false;
  changed_.clear();
  for (int i = 0; i < n_ && static_cast<long>(changed_.size()) < count; ++i)
    for (int j = 0; j < L.n_in; ++j)
      if (in[i * L.lda + j] != L.input[i * L.lda + j]) changed_.emplace_back(i, j);
  const auto& k = sweeps<Scalar>();
  // p -= c (A_old A_old^T) D with the D and c of the last update: the Gram matrix as the product
  // of A_old with its transpose (n_in x padded N, column-major), then scaled, times D.
  const long ldn = padded<Scalar>(n_);
  transposed_.assign(static_cast<std::size_t>(L.n_in * ldn), Scalar(0));
  for (int i = 0; i < n_; ++i)
    for (int j = 0; j < L.n_in; ++j) transposed_[j * ldn + i] = L.input[i * L.lda + j];
  gram_.resize(static_cast<std::size_t>(n_ * ldn));
  k.product(L.input.data(), L.lda, n_, L.n_in, transposed_.data(), ldn, gram_.data(), false);
  const Scalar c = learning_rate_ * L.scale;
  for (Scalar& g : gram_) g *= -c;
  k.product(gram_.data(), ldn, n_, n_, L.d.data(), L.ld, L.p.data(), true);
  // p += (A_new - A_old) W'^T, one column of the updated W per changed input.
  for (const auto& [i, j] : changed_) {
    Scalar& old = L.input[i * L.lda + j];
    k.axpy(L.p.data() + i * L.ld, L.w.data() + j * L.ld, in[i * L.lda + j] - old, L.ld);
    old = in[i * L.lda + j];
  }
  ++L.since_product;
  ++incremental_products_;
  return true;
}

template <class Scalar>
void TrainingEngine<Scalar>::forward_layer(Layer& L, const Scalar* in) {
  if (!update_product(L, in)) {
    std::copy(in, in + n_ * L.lda, L.input.begin());
    sweeps<Scalar>().product(L.input.data(), L.lda, n_, L.n_in, L.w.data(), L.ld, L.p.data(), false);
    L.since_product = 0;
  }
  L.updated = false;
  pre_activation(L, L.p.data(), L.h.data(), n_);
  if (L.activation) apply_pointwise(*L.activation, L.h.data(), L.out.data(), L.h.size());
}

template <class Scalar>
double TrainingEngine<Scalar>::forward() {
  const Scalar* in = x_.data();
  for (Layer& L : layers_) {
    forward_layer(L, in);
    in = L.out.data();
  }
  // The residual and the loss in double; d loss / d f = residual / N in Scalar.
  Layer& top = layers_.back();
  double sum = 0;
  for (int i = 0; i < n_; ++i)
    for (int o = 0; o < top.n_out; ++o) {
      const double r = static_cast<double>(top.h[i * top.ld + o]) - static_cast<double>(y_(i, o));
      sum += r * r;
      top.d[i * top.ld + o] = static_cast<Scalar>(r) / static_cast<Scalar>(n_);
    }
  return sum / (2.0 * n_);
}

template <class Scalar>
void TrainingEngine<Scalar>::update() {
  const auto& k = sweeps<Scalar>();
  for (int l = static_cast<int>(layers_.size()) - 1; l >= 0; --l) {
    Layer& L = layers_[l];
    Layer* below = l > 0 ? &layers_[l - 1] : nullptr;
    k.backward_update(L.d.data(), n_, L.ld, L.w.data(), L.n_in, L.input.data(), L.lda, learning_rate_ * L.scale,
                      L.scale, below ? below->d.data() : nullptr, below ? below->ld : 0, scratch_.data());
    const Scalar cb = learning_rate_ * L.bias_scale;
    for (int o = 0; o < L.n_out; ++o) {
      Scalar sum = 0;
      for (int i = 0; i < n_; ++i) sum += L.d[i * L.ld + o];
      L.b[o] -= cb * sum;
    }
    L.updated = true;
    if (!below) continue;
    // d loss / d h below = (backward product) o slope(h below).
    apply_pointwise(*below->slope, below->h.data(), slope_.data(), below->h.size());
    for (int i = 0; i < n_; ++i)
      for (int o = 0; o < below->n_out; ++o) below->d[i * below->ld + o] *= slope_[i * below->ld + o];
  }
}

template <class Scalar>
void TrainingEngine<Scalar>::pre_activation(const Layer& L, const Scalar* p, Scalar* h, int rows) {
  for (int i = 0; i < rows; ++i)
    for (long k = 0; k < L.ld; ++k) h[i * L.ld + k] = L.scale * p[i * L.ld + k] + L.bias_scale * L.b[k];
}

template <class Scalar>
typename TrainingEngine<Scalar>::Buffer TrainingEngine<Scalar>::padded_rows(const Matrix& points, long ld) {
  Buffer out(static_cast<std::size_t>(points.rows() * ld), Scalar(0));
  for (long i = 0; i < points.rows(); ++i)
    for (long j = 0; j < points.cols(); ++j) out[i * ld + j] = points(i, j);
  return out;
}

template <class Scalar>
typename TrainingEngine<Scalar>::Matrix TrainingEngine<Scalar>::outputs(const Matrix& points) const {
  const auto m = static_cast<int>(points.rows());
  Buffer in = padded_rows(points, layers_.front().lda), p, h;
  for (const Layer& L : layers_) {
    p.assign(static_cast<std::size_t>(m * L.ld), Scalar(0));
    h.resize(p.size());
    sweeps<Scalar>().product(in.data(), L.lda, m, L.n_in, L.w.data(), L.ld, p.data(), false);
    pre_activation(L, p.data(), h.data(), m);
    if (!L.activation) break;
    in.resize(h.size());
    apply_pointwise(*L.activation, h.data(), in.data(), h.size());
  }
  const Layer& top = layers_.back();
  Matrix f(m, top.n_out);
  for (int i = 0; i < m; ++i)
    for (int o = 0; o < top.n_out; ++o) f(i, o) = h[i * top.ld + o];
  return f;
}

template <class Scalar>
void TrainingEngine<Scalar>::write_to(FiniteNetwork<Scalar>& net) const {
  for (int l = 0; l < static_cast<int>(layers_.size()); ++l) {
    const Layer& L = layers_[l];
    for (int j = 0; j < L.n_in; ++j)
      for (int o = 0; o < L.n_out; ++o) net.weight(l)(o, j) = L.w[j * L.ld + o];
    for (int o = 0; o < L.n_out; ++o) net.bias(l)(o) = L.b[o];
  }
}

template class TrainingEngine<double>;
template class TrainingEngine<float>;

}  // namespace sgntk::runtime
