// Whether a Gaussian expectation E[f(u) g(v)] is finite, given how fast f and g grow in the tails
// (program::TailGrowth): the runtime's per-entry check, since the answer depends on the
// covariance (a, b, c), that is on the data.
#pragma once
#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "runtime/bound_program.h"
#include "runtime/program/tail_growth.h"

namespace sgntk::runtime {

// With |f(u)| ~ exp(rf u^2), |g(v)| ~ exp(rg v^2) and (u, v) = L z, z ~ N(0, I), L L' = the
// covariance [[a, c], [c, b]], the integrand is exp(z' (L' D L - I/2) z) with D = diag(rf, rg):
// finite exactly when I - 2 L' D L is positive definite. On the diagonal (a = b = c) that reads
// (rf + rg) a < 1/2. Zero growth always converges; infinite growth only where its side has zero
// variance.
bool tails_converge(const program::TailGrowth& growth, double a, double b, double c);

// "exp(0.3 u^2) exp(0.3 v^2)", for messages.
std::string describe(const program::TailGrowth& growth);

// The entries of one kernel computation at which a layer's expectation diverges, counted per
// layer and expectation (0: E[phi phi], 1: the NTK or SG-NTK one) by all threads, and reported
// as one EvalError that names the layer, the expectation and the count.
class DivergentEntries {
 public:
  explicit DivergentEntries(const KernelProgram& program);

  // For every entry i < n not yet marked in `bad` where `e` diverges at (a[i], b[i], c[i]):
  // marks it and counts it `weight` times (2 for an entry that also stands for its mirror).
  void mark(std::size_t layer, int which, const Expectation& e, const double* a, const double* b, const double* c,
            bool* bad, std::size_t n, std::size_t weight);

  // Throws EvalError for the first layer and expectation with divergent entries, if any;
  // `total` is the number of entries checked, `what` says what they are ("kernel entries").
  void throw_if_any(std::size_t total, const char* what) const;

 private:
  struct Slot {
    std::atomic<std::size_t> count{0};
    std::once_flag first;
    double a = 0, b = 0, c = 0;  // the first divergent entry seen
    const Expectation* e = nullptr;
  };
  const KernelProgram& program_;
  std::unique_ptr<Slot[]> slots_;  // 2 per layer
};

}  // namespace sgntk::runtime
