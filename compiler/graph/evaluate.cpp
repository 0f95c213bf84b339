#include "compiler/graph/evaluate.h"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <unordered_map>

namespace sgntk::graph {

namespace {
constexpr double nan = std::numeric_limits<double>::quiet_NaN();

double sign(double v) { return v > 0 ? 1.0 : v < 0 ? -1.0 : v == 0 ? 0.0 : nan; }
double heaviside(double v) { return v > 0 ? 1.0 : v < 0 ? 0.0 : v == 0 ? 0.5 : nan; }
// 1/(1 + e^-v) without overflow for large |v|.
double sigmoid(double v) {
  if (v >= 0) return 1.0 / (1.0 + std::exp(-v));
  const double e = std::exp(v);
  return e / (1.0 + e);
}
// NaN-propagating min/max (std::fmin would drop a NaN operand).
double min(double a, double b) { return std::isnan(a) || std::isnan(b) ? nan : a < b ? a : b; }
double max(double a, double b) { return std::isnan(a) || std::isnan(b) ? nan : a > b ? a : b; }

class Evaluator {
 public:
  explicit Evaluator(double x) : x_(x) {}

  double operator()(Expr e) {
    if (e->arity == 0) return e->is_const() ? e->value : x_;
    if (auto it = memo_.find(e); it != memo_.end()) return it->second;
    const double v = compute(e);
    memo_.emplace(e, v);
    return v;
  }

 private:
  double compute(Expr e) {
    Evaluator& ev = *this;
    if (e->is(Kind::Select)) {  // only the chosen branch is evaluated
      const double ind = ev(e->kids[0]);
      if (std::isnan(ind)) return nan;
      return ind > 0 ? ev(e->kids[1]) : ev(e->kids[2]);
    }
    const double a = ev(e->kids[0]);
    switch (e->kind) {
      case Kind::Add: return a + ev(e->kids[1]);
      case Kind::Mul: return a * ev(e->kids[1]);
      case Kind::Pow: return std::pow(a, ev(e->kids[1]));
      case Kind::Exp: return std::exp(a);
      case Kind::Log: return std::log(a);
      case Kind::Abs: return std::fabs(a);
      case Kind::Sign: return sign(a);
      case Kind::Heaviside: return heaviside(a);
      case Kind::Relu: return std::isnan(a) ? nan : a > 0 ? a : 0.0;
      case Kind::Erf: return std::erf(a);
      case Kind::Tanh: return std::tanh(a);
      case Kind::Sigmoid: return sigmoid(a);
      case Kind::Sin: return std::sin(a);
      case Kind::Cos: return std::cos(a);
      case Kind::Atan: return std::atan(a);
      case Kind::Min: return min(a, ev(e->kids[1]));
      case Kind::Max: return max(a, ev(e->kids[1]));
      case Kind::Delta: return nan;  // a distribution has no point value
      case Kind::Derivative:  // a constant's derivative; others are expanded before evaluation
        if (!e->kids[0]->has_var) return 0.0;
        throw std::logic_error("graph::evaluate: d/dx of a function of x (run passes::differentiate first)");
      case Kind::Const: case Kind::Var: case Kind::Select: break;
    }
    throw std::logic_error("graph::evaluate: unhandled kind");
  }

  double x_;
  std::unordered_map<Expr, double> memo_;
};
}  // namespace

double evaluate(Expr e, double x) { return Evaluator(x)(e); }

}  // namespace sgntk::graph
