// The extension module sgntk._core: the classes and functions the Python package (sgntk/) wraps.
// Arguments arrive already normalised by the Python layer (kinds as strings, sets as NAME=VALUE);
// docstrings for users are on the Python side, these say what the binding does.
#include <nanobind/nanobind.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "python/src/errors.h"
#include "python/src/network.h"
#include "python/src/network_jobs.h"
#include "python/src/run_spec.h"

namespace nb = nanobind;
using namespace nb::literals;
using namespace sgntk::python;

NB_MODULE(_core, m) {
  m.doc() = "sgntk's native core: the compiler, the runtime and the job layer of the sgntk CLI";
  register_error_translators();

  nb::class_<Network>(m, "Network", "A spec compiled for one network (front end run once)")
      .def(
          "__init__",
          [](Network* self, const std::string& path, std::optional<std::string> text, std::string network,
             std::vector<std::string> sets, std::vector<std::string> plugin_paths, double tolerance) {
            new (self) Network(path, text, LoadOptions{std::move(network), std::move(sets), std::move(plugin_paths), tolerance});
          },
          "path"_a, "text"_a.none(), "network"_a, "sets"_a, "plugin_paths"_a, "tolerance"_a,
          "Load `path` (or `text`, named `path`), check it and compile `network` (empty: the only one)")
      .def_prop_ro("name", [](const Network& n) { return n.program().network; }, "The compiled network's name")
      .def_prop_ro("input_dim", [](const Network& n) { return n.program().input_dim; }, "Input dimension")
      .def_prop_ro("outputs", [](const Network& n) { return n.program().outputs; }, "Number of outputs")
      .def("check", &Network::check, "What `sgntk check SPEC` prints")
      .def("dump", &Network::dump, "stage"_a, "One stage's dump: 'ast', 'graph' or 'program'")
      .def(
          "kernel",
          [](const Network& n, const InArray& x1, std::optional<InArray> x2, std::string kind, int threads,
             nb::object progress, std::optional<std::string> out, std::uint64_t memory_budget, bool out_of_core,
             bool resume) {
            return kernel(n, x1, x2, kind, threads, std::move(progress), {out, memory_budget, out_of_core, resume});
          },
          "x1"_a, "x2"_a.none(), "kind"_a, "threads"_a, "progress"_a.none(), "out"_a.none(), "memory_budget"_a,
          "out_of_core"_a, "resume"_a,
          "K[i, j] = K(x1_i, x2_j) through the kernel job; with `out`, into that file as `sgntk kernel --out` (None)")
      .def(
          "empirical",
          [](const Network& n, const InArray& x1, std::optional<InArray> x2, std::string kind, long ensemble,
             std::uint64_t seed, int threads, std::optional<InArray> train_x, std::optional<InArray> train_y, double lr,
             long steps, std::string backprop) {
            return empirical(n, x1, x2, {kind, ensemble, seed, threads, train_x, train_y, lr, steps, backprop});
          },
          "x1"_a, "x2"_a.none(), "kind"_a, "ensemble"_a, "seed"_a, "threads"_a, "train_x"_a.none(), "train_y"_a.none(),
          "lr"_a, "steps"_a, "backprop"_a, "[ensemble, n1, n2] empirical kernels through the empirical job")
      .def(
          "train",
          [](const Network& n, const InArray& x, const InArray& y, std::optional<InArray> eval, double lr, long steps,
             long ensemble, std::uint64_t seed, std::vector<long> save_at, long loss_every, std::string backprop,
             std::string precision, int threads, nb::object progress) {
            return train(n, x, y, eval, {lr, steps, ensemble, loss_every, seed, save_at, backprop, precision, threads},
                         std::move(progress));
          },
          "x"_a, "y"_a, "eval"_a.none(), "lr"_a, "steps"_a, "ensemble"_a, "seed"_a, "save_at"_a, "loss_every"_a,
          "backprop"_a, "precision"_a, "threads"_a, "progress"_a.none(), "Train an ensemble through the train job")
      .def(
          "predict",
          [](const Network& n, const InArray& x_train, const InArray& y_train, const InArray& x_test, std::string kind,
             double t, double diag_reg, bool cov, int threads, nb::object progress, std::optional<std::string> cov_out,
             std::uint64_t memory_budget, bool out_of_core) {
            return predict(n, x_train, y_train, x_test, kind, t, diag_reg, cov, threads, std::move(progress),
                           {cov_out, memory_budget, out_of_core, false});
          },
          "x_train"_a, "y_train"_a, "x_test"_a, "kind"_a, "t"_a, "diag_reg"_a, "cov"_a, "threads"_a,
          "progress"_a.none(), "cov_out"_a.none(), "memory_budget"_a, "out_of_core"_a,
          "(mean, std, cov or None) through the predict job; with `cov_out`, the covariance into that file "
          "as `sgntk predict --cov` (None in its place)");

  m.def(
      "run",
      [](std::string spec, std::string out, bool quick, std::vector<std::string> sets, std::vector<std::string> only,
         int threads, std::vector<std::string> plugin_paths, std::string python, std::string scripts_dir,
         nb::object progress) {
        sgntk::experiment::RunOptions o;
        o.spec = std::move(spec);
        o.out = std::move(out);
        o.quick = quick;
        o.sets = std::move(sets);
        o.only = std::move(only);
        o.threads = threads;
        o.plugin_paths = std::move(plugin_paths);
        if (!python.empty()) o.python = std::move(python);
        o.scripts_dir = std::move(scripts_dir);
        return run_spec(o, std::move(progress));
      },
      "spec"_a, "out"_a, "quick"_a, "sets"_a, "only"_a, "threads"_a, "plugin_paths"_a, "python"_a, "scripts_dir"_a,
      "progress"_a.none(), "Run a spec's tasks as `sgntk run`; returns the output folder");
}
