// The checked experiment part of a spec (`data`, `target`, `task`, `quick`): what build_graph()
// produces besides the networks, and what `sgntk run` executes (experiment/). Plain
// descriptions: nothing is read or generated here; names are resolved and arguments typed.
#pragma once
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "compiler/graph/context.h"
#include "compiler/source/diagnostics.h"

namespace sgntk::sema {

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

// One checked task argument; which fields are set depends on the argument's type
// (task_signatures.h): numbers for numbers and counts, text for strings and names.
struct TaskArg {
  std::vector<double> numbers;
  std::string text;              // a string, a name (data, network, task) or a keyword (ntk)
  std::vector<std::string> names;
  SourceRange where;
};

// `sweep NAME = [v1, v2, ...]`: the task runs once per value, with the param NAME set.
struct Sweep {
  std::string param;
  std::vector<double> values;
  SourceRange where;
};

// `task NAME = KIND(...)` with the overrides of `quick NAME(...)` kept apart.
struct TaskDecl {
  enum class Kind { kernel, empirical, train, predict, plot };
  std::string name;
  Kind kind = Kind::kernel;
  std::map<std::string, TaskArg> args, quick_args;
  std::vector<Sweep> sweeps, quick_sweeps;
  SourceRange where;

  // The task as run: with `quick`, the quick arguments replace the normal ones and a quick
  // sweep replaces the sweep of the same param.
  TaskDecl effective(bool quick) const;
  bool has(const std::string& arg) const { return args.count(arg) != 0; }
  // Accessors of an argument that sema guaranteed (required or defaulted).
  double number(const std::string& arg) const { return args.at(arg).numbers.at(0); }
  long integer(const std::string& arg) const { return static_cast<long>(number(arg)); }
  const std::vector<double>& numbers(const std::string& arg) const { return args.at(arg).numbers; }
  const std::string& text(const std::string& arg) const { return args.at(arg).text; }
};

const char* kind_name(TaskDecl::Kind kind);

}  // namespace sgntk::sema
