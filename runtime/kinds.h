// The kinds a job asks the runtime for: which kernel, which empirical kernel, which prediction,
// which derivative back-propagation uses, which precision training runs in. Enums only, with no
// dependency, so that the front end (the experiment checker, and through it the fuzz target)
// can name them without linking the runtime. Their names live in cli/jobs/kinds.h.
#pragma once

namespace sgntk::runtime {

// Infinite-width kernels: NNGP (Sigma), NTK (Theta), SG-NTK (I).
enum class KernelKind { nngp, ntk, sgntk };

// Empirical kernels of finite networks: J J^T, or J J~^T with the quasi-Jacobian J~.
enum class EmpiricalKind { ntk, sgntk };

// Which kernel an infinite-width prediction uses.
enum class PredictKind { ntk, sgntk, nngp };

// Which derivative back-propagation uses in hidden layers: phi' (gradient descent, the true
// Jacobian J) or the layer's surrogate g (SGL, the quasi-Jacobian J~; phi' when the layer has
// no surrogate).
enum class Backprop { true_derivative, surrogate };

// The floating-point type of finite-width training.
enum class Precision { f64, f32 };

}  // namespace sgntk::runtime
