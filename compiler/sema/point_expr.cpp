#include <cmath>

#include "compiler/graph/evaluate.h"
#include "compiler/sema/experiment.h"

namespace sgntk::sema {

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
  for (const auto& [name, arg] : quick_args) out.args[name] = arg;
  for (const Sweep& q : quick_sweeps) {
    bool replaced = false;
    for (Sweep& s : out.sweeps)
      if (s.param == q.param) s = q, replaced = true;
    if (!replaced) out.sweeps.push_back(q);
  }
  return out;
}

const char* kind_name(TaskDecl::Kind kind) {
  switch (kind) {
    case TaskDecl::Kind::kernel: return "kernel";
    case TaskDecl::Kind::empirical: return "empirical";
    case TaskDecl::Kind::train: return "train";
    case TaskDecl::Kind::predict: return "predict";
    case TaskDecl::Kind::plot: return "plot";
  }
  return "?";
}

}  // namespace sgntk::sema
