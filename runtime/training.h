// Full-batch training of finite networks: loss (1/2N) sum_i |f(x_i) - y_i|^2,
// gradient descent (true derivative) or surrogate gradient learning (each layer's surrogate),
// learning rate eta, S steps. One network's arithmetic is sequential; an ensemble runs its
// networks in parallel (one TBB task per network), so results are bitwise identical for every
// thread count.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "runtime/finite_network.h"
#include "runtime/matrix_io.h"
#include "runtime/bound_program.h"
#include "runtime/kinds.h"

namespace sgntk::runtime {

struct TrainSettings {
  double learning_rate = 0.1;
  long steps = 0;
  Backprop backprop = Backprop::surrogate;  // SGL; equals GD for layers without a surrogate
};

// The network at the current step, made on demand: the engine trains a copy in its own layout
// and writes it back only when someone asks. outputs(points) evaluates it without that copy
// (the engine's own products), points x outputs.
template <class Scalar>
struct NetworkNow {
  using Matrix = typename FiniteNetwork<Scalar>::Matrix;
  std::function<const FiniteNetwork<Scalar>&()> network;
  std::function<Matrix(const Matrix& points)> outputs;
  const FiniteNetwork<Scalar>& operator()() const { return network(); }
};

// Called for step = 0, 1, ..., steps with the training loss after `step` updates; network()
// gives the network at that step.
template <class Scalar>
using StepObserver = std::function<void(long step, double loss, const NetworkNow<Scalar>& network)>;

// Trains `net` in place with the cache-resident engine (training_engine.h). Throws EvalError
// when the loss stops being finite (divergence).
template <class Scalar>
void train_network(FiniteNetwork<Scalar>& net, const typename FiniteNetwork<Scalar>::Matrix& x,
                   const typename FiniteNetwork<Scalar>::Matrix& y, const TrainSettings& settings,
                   const StepObserver<Scalar>& observe);

// The same training with the previous engine: per layer three matrix products (forward,
// backward, weight update) through Eigen and BLAS on FiniteNetwork. The yardstick of the tests
// and of bench/train.cpp.
template <class Scalar>
void train_network_reference(FiniteNetwork<Scalar>& net, const typename FiniteNetwork<Scalar>::Matrix& x,
                             const typename FiniteNetwork<Scalar>::Matrix& y, const TrainSettings& settings,
                             const StepObserver<Scalar>& observe);

// The loss and its back-propagated gradient with respect to every weight and bias (for tests
// and for anyone who wants the gradient without a step).
template <class Scalar>
struct Gradient {
  double loss = 0.0;
  std::vector<typename FiniteNetwork<Scalar>::Matrix> weights;
  std::vector<typename FiniteNetwork<Scalar>::Vector> biases;
};
template <class Scalar>
Gradient<Scalar> loss_gradient(const FiniteNetwork<Scalar>& net, const typename FiniteNetwork<Scalar>::Matrix& x,
                               const typename FiniteNetwork<Scalar>::Matrix& y, Backprop mode);

// Runs body(e) for e = 0..count-1: a plain loop when threads == 1 (the serial reference), else
// one TBB task per index on at most `threads` threads (0: all cores, as in KernelOptions).
void for_each_network(long count, int threads, const std::function<void(long)>& body);

struct EnsembleTraining {
  RowMatrix x, y;                 // N x d, N x outputs
  RowMatrix eval;                 // points whose outputs are saved; empty: x
  TrainSettings settings;
  std::vector<long> save_at;      // steps at which outputs are saved, each in [0, steps]
  long loss_every = 1;            // loss recorded at steps 0, k, 2k, ... and at `steps`
  std::uint64_t seed = 0;
  long ensemble = 1;
  long first = 0;                 // network e of the ensemble is network first + e of the seed
  int threads = 0;                // 0: all cores; 1: serial
  Precision precision = Precision::f64;
  std::function<void(long)> progress;  // thread-safe; receives network-steps just completed
  bool reference_engine = false;  // train with train_network_reference (tests, benchmarks)
  // Thread-safe; polled after every step of every network: true stops the training (throws
  // Cancelled), so that a signal stops even a slow ensemble within a step.
  std::function<bool()> cancelled;
};

struct EnsembleResult {
  std::vector<double> outputs;    // [save_at.size(), ensemble, n_eval, outputs], C order
  std::vector<long> outputs_shape;
  std::vector<double> loss;       // [ensemble, loss_steps.size()], C order
  std::vector<long> loss_steps;
};

// The steps at which the loss is recorded: 0, every, 2 every, ... and `steps`.
std::vector<long> loss_steps(long steps, long every);

// Validates the data against the program (DataError), the backprop mode (EvalError), trains.
EnsembleResult train_ensemble(const KernelProgram& program, const EnsembleTraining& job);

// Throws DataError unless x has program.input_dim columns, y program.outputs columns and as
// many rows as x (when y is not null), and both are non-empty. `what` names x in messages.
void check_data(const KernelProgram& program, const RowMatrix& x, const RowMatrix* y, const char* what);

extern template void train_network<double>(FiniteNetwork<double>&, const FiniteNetwork<double>::Matrix&,
                                 const FiniteNetwork<double>::Matrix&, const TrainSettings&, const StepObserver<double>&);
extern template void train_network<float>(FiniteNetwork<float>&, const FiniteNetwork<float>::Matrix&,
                                 const FiniteNetwork<float>::Matrix&, const TrainSettings&, const StepObserver<float>&);
extern template void train_network_reference<double>(FiniteNetwork<double>&, const FiniteNetwork<double>::Matrix&,
                                 const FiniteNetwork<double>::Matrix&, const TrainSettings&, const StepObserver<double>&);
extern template void train_network_reference<float>(FiniteNetwork<float>&, const FiniteNetwork<float>::Matrix&,
                                 const FiniteNetwork<float>::Matrix&, const TrainSettings&, const StepObserver<float>&);

}  // namespace sgntk::runtime
