// The checked experiment part of a spec (`data`, `target`, `task`, `quick`): what the runner of
// `sgntk run` builds (check_experiment.h) beside the module, owns and executes. Plain
// descriptions: nothing is read or generated here; names are resolved and arguments typed.
#pragma once
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "compiler/graph/context.h"
#include "compiler/source/diagnostics.h"
#include "runtime/kinds.h"

namespace sgntk::experiment {

// `data NAME = SOURCE(...)`.
struct DataDecl {
  enum class Kind { circle, lattice, gaussian, csv, npy, select };
  std::string name;
  Kind kind = Kind::circle;
  long n = 0;                    // circle, gaussian: points; lattice: points per axis
  int dim = 2;                   // lattice, gaussian
  double low = -1, high = 1;     // lattice: the range of every axis
  std::uint64_t seed = 0;        // gaussian
  std::string path;              // csv, npy: resolved against the spec's folder
  std::string from;              // select: the data set selected from
  long every = 0, offset = 0;    // select(every = k): rows offset, offset + k, ...
  std::vector<long> indices;     // select(indices = [...])
  SourceRange where;
};

// A function of the coordinates x0, x1, ... of one point (targets). Unary built-ins and
// negation are graph functions of x applied to the value of args[0].
struct PointExpr {
  enum class Op { constant, coordinate, add, sub, mul, div, pow, apply };
  Op op = Op::constant;
  double value = 0;              // constant
  int coordinate = 0;            // coordinate: x<coordinate>
  graph::Expr function = nullptr;
  std::vector<PointExpr> args;
  double operator()(std::span<const double> point) const;
  int max_coordinate() const;    // the largest coordinate used; -1 for none
};

// `target NAME = EXPRESSION`.
struct TargetDecl {
  std::string name;
  PointExpr body;
  SourceRange where;
};

// `sweep NAME = [v1, v2, ...]`: the task runs once per value, with the param NAME set.
struct Sweep {
  std::string param;
  std::vector<double> values;
  SourceRange where;
};

// ---- the tasks: one struct per kind; names refer to data sets, targets, networks, tasks ----
// `kernel(network, kind, x1, x2)`: an infinite-width kernel matrix.
struct KernelTask {
  std::string network;
  runtime::KernelKind kind = runtime::KernelKind::nngp;
  std::string x1;
  std::optional<std::string> x2;         // none: x1
};

// `empirical(...)`: empirical kernels of an ensemble, after each number of training steps.
struct EmpiricalTask {
  std::string network;
  runtime::EmpiricalKind kind = runtime::EmpiricalKind::ntk;
  std::string x1;
  std::optional<std::string> x2;
  long ensemble = 1;
  std::uint64_t seed = 0;
  std::vector<long> steps{0};
  double lr = 0.1;
  std::optional<std::string> x, y;       // the training data (needed when some step > 0)
};

// `train(...)`: an ensemble of finite networks trained by GD or SGL.
struct TrainTask {
  std::string network, x, y;              // y: a data set or a target
  std::optional<std::string> eval;        // none: x
  double lr = 0.1;
  long steps = 0;
  long ensemble = 1;
  std::uint64_t seed = 0;
  std::vector<long> save_at;              // empty: {steps}
  long loss_every = 100;
  runtime::Backprop backprop = runtime::Backprop::surrogate;
  runtime::Precision precision = runtime::Precision::f64;
  long chunk = 25;                        // networks trained and saved together (for --resume)
};

// `predict(...)`: the infinite-width prediction after flow time t (or that of a train task).
struct PredictTask {
  std::string network;
  runtime::PredictKind kind = runtime::PredictKind::ntk;
  std::string x_train, y_train, x_test;
  double t = INFINITY;
  std::optional<std::string> flow_of;     // a train task: t = its lr * steps
  double diag_reg = 0;
};

// `plot(style, inputs, title)`: a figure of earlier tasks' results (scripts/plot_figure.py).
struct PlotTask {
  std::string style;                      // figure1, figure2, figure3, mse: the script's names
  std::vector<std::string> inputs;
  std::optional<std::string> title;
};

using TaskBody = std::variant<KernelTask, EmpiricalTask, TrainTask, PredictTask, PlotTask>;

// "kernel", "empirical", "train", "predict" or "plot".
const char* kind_name(const TaskBody& body);
// The network a task runs; nullptr for a plot.
const std::string* network_of(const TaskBody& body);

// `task NAME = KIND(...)` with the version `quick NAME(...)` makes kept apart.
struct TaskDecl {
  std::string name;
  TaskBody body, quick_body;              // quick_body: with the quick arguments in place
  std::vector<Sweep> sweeps, quick_sweeps;
  // The arguments as checked (defaults included), as JSON values, for the manifest.
  std::map<std::string, std::string> args_json, quick_args_json;
  SourceRange where;

  // The task as run: with `quick`, the quick arguments replace the normal ones and a quick
  // sweep replaces the sweep of the same param.
  TaskDecl effective(bool quick) const;
  bool is_plot() const { return std::holds_alternative<PlotTask>(body); }
};

struct Experiment {
  std::vector<DataDecl> data;             // in spec order
  std::vector<TargetDecl> targets;
  std::vector<TaskDecl> tasks;
  const DataDecl* find_data(const std::string& name) const;
  const TargetDecl* find_target(const std::string& name) const;
  const TaskDecl* find_task(const std::string& name) const;
};

}  // namespace sgntk::experiment
