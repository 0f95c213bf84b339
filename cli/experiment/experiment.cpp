// The members of the experiment's plain descriptions (experiment.h): target evaluation, the quick
// version of a task, lookups by name.
#include <cmath>

#include "cli/experiment/experiment.h"
#include "compiler/graph/evaluate.h"

namespace sgntk::experiment {

double PointExpr::operator()(std::span<const double> point) const {
  switch (op) {
    case Op::constant: return value;
    case Op::coordinate: return point[static_cast<std::size_t>(coordinate)];
    case Op::add: return args[0](point) + args[1](point);
    case Op::sub: return args[0](point) - args[1](point);
    case Op::mul: return args[0](point) * args[1](point);
    case Op::div: return args[0](point) / args[1](point);
    case Op::pow: return std::pow(args[0](point), args[1](point));
    case Op::apply: return graph::evaluate(function, args[0](point));
  }
  return NAN;
}

int PointExpr::max_coordinate() const {
  int out = op == Op::coordinate ? coordinate : -1;
  for (const PointExpr& a : args) out = std::max(out, a.max_coordinate());
  return out;
}

TaskDecl TaskDecl::effective(bool quick) const {
  TaskDecl out = *this;
  if (!quick) return out;
  out.body = quick_body;
  for (const auto& [name, json] : quick_args_json) out.args_json[name] = json;
  for (const Sweep& q : quick_sweeps) {
    bool replaced = false;
    for (Sweep& s : out.sweeps)
      if (s.param == q.param) s = q, replaced = true;
    if (!replaced) out.sweeps.push_back(q);
  }
  return out;
}

const char* kind_name(const TaskBody& body) {
  struct Names {
    const char* operator()(const KernelTask&) const { return "kernel"; }
    const char* operator()(const EmpiricalTask&) const { return "empirical"; }
    const char* operator()(const TrainTask&) const { return "train"; }
    const char* operator()(const PredictTask&) const { return "predict"; }
    const char* operator()(const PlotTask&) const { return "plot"; }
  };
  return std::visit(Names{}, body);
}

const std::string* network_of(const TaskBody& body) {
  return std::visit(
      [](const auto& task) -> const std::string* {
        if constexpr (requires { task.network; }) return &task.network;
        else return nullptr;
      },
      body);
}

template <class Decl>
const Decl* find_named(const std::vector<Decl>& list, const std::string& name) {
  for (const Decl& d : list)
    if (d.name == name) return &d;
  return nullptr;
}

const DataDecl* Experiment::find_data(const std::string& name) const { return find_named(data, name); }
const TargetDecl* Experiment::find_target(const std::string& name) const { return find_named(targets, name); }
const TaskDecl* Experiment::find_task(const std::string& name) const { return find_named(tasks, name); }

}  // namespace sgntk::experiment
