// The jobs of a loaded network, as the extension exposes them: each converts its arrays once,
// runs the job layer (cli/jobs: the same functions the CLI's commands call) without the GIL,
// and returns numpy arrays that own their memory.
#pragma once
#include <nanobind/nanobind.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "python/src/arrays.h"
#include "python/src/network.h"

namespace sgntk::python {

// Where a result goes instead of an array: a file (.npy or .csv, as the CLI's --out), with the
// memory rule of `sgntk kernel` / `sgntk predict` (memory_budget 0: 1/8 of physical memory).
struct FileTarget {
  std::optional<std::string> path;
  std::uint64_t memory_budget = 0;
  bool out_of_core = false, resume = false;  // resume: kernel only
};

// The kernel as an array, or (target.path given) into that file as `sgntk kernel --out`; then None.
nb::object kernel(const Network& net, const InArray& x1, const std::optional<InArray>& x2, const std::string& kind,
                  int threads, nb::object progress, const FileTarget& target);

struct EmpiricalArgs {
  std::string kind;
  long ensemble;
  std::uint64_t seed;
  int threads;
  std::optional<InArray> train_x, train_y;  // both or neither: train each network first
  double lr;
  long steps;
  std::string backprop;
};
OutArray empirical(const Network& net, const InArray& x1, const std::optional<InArray>& x2, const EmpiricalArgs& args);

struct TrainArgs {
  double lr;
  long steps, ensemble, loss_every;
  std::uint64_t seed;
  std::vector<long> save_at;  // empty: the last step
  std::string backprop, precision;
  int threads;
};
// {"outputs": [saves, ensemble, n_eval, outputs], "save_steps", "loss": [ensemble, records], "loss_steps"}
nb::dict train(const Network& net, const InArray& x, const InArray& y, const std::optional<InArray>& eval,
               const TrainArgs& args, nb::object progress);

// (mean [n_test, outputs], std [n_test], cov [n_test, n_test] or None); warnings via warnings.warn.
// With cov_file.path the covariance goes to that file as `sgntk predict --cov` (streamed past the
// memory budget) and the third element is None.
nb::tuple predict(const Network& net, const InArray& x_train, const InArray& y_train, const InArray& x_test,
                  const std::string& kind, double t, double diag_reg, bool cov, int threads, nb::object progress,
                  const FileTarget& cov_file);

}  // namespace sgntk::python
