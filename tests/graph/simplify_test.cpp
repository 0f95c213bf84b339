#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "compiler/graph/evaluate.h"
#include "compiler/graph/print.h"
#include "compiler/passes/simplify.h"
#include "compiler/passes/simplify_rules.h"
#include "tests/graph/dsl.h"

using namespace sgntk;
using namespace sgntk::test;
using graph::Kind;

namespace {

constexpr double inf = INFINITY;

// One example per rule: the input, the simplified text, and the rule that must fire on the way.
struct Example {
  std::string rule;
  std::function<Ex(Graph&)> input;
  std::string expected;
};

Ex raw(Graph& t, Kind k, Ex a, Ex b) { return {&t.g, t.g.make(k, {a.e, b.e})}; }

const std::vector<Example>& examples() {
  static const std::vector<Example> list = {
      {"fold.constant", [](Graph& t) { return exp(t.c(0)); }, "1"},
      {"fold.constant", [](Graph& t) { return heaviside(t.c(0)) + sign(t.c(0)) * t.x; }, "0.5"},
      {"fold.constant", [](Graph& t) { return pow(t.c(2), t.c(10)) * t.x; }, "1024*x"},
      {"add.zero", [](Graph& t) { return raw(t, Kind::Add, t.x, t.c(0)); }, "x"},
      {"add.zero", [](Graph& t) { return raw(t, Kind::Add, t.c(0), exp(t.x)); }, "exp(x)"},
      {"add.collect", [](Graph& t) { return t.x + t.x; }, "2*x"},
      {"add.collect", [](Graph& t) { return 1 + t.x + 2; }, "x + 3"},
      {"add.collect", [](Graph& t) { return t.x - t.x; }, "0"},
      {"add.collect", [](Graph& t) { return 2 * t.x + 3 * pow(t.x, 2) - t.x; }, "x + 3*x^2"},
      {"add.collect", [](Graph& t) { return delta(t.x) - delta(t.x) + t.x; }, "x"},
      {"mul.zero", [](Graph& t) { return raw(t, Kind::Mul, exp(t.x), t.c(0)); }, "0"},
      {"mul.one", [](Graph& t) { return raw(t, Kind::Mul, t.x, t.c(1)); }, "x"},
      {"mul.step_relu", [](Graph& t) { return heaviside(t.x) * relu(t.x); }, "relu(x)"},
      {"mul.step_relu", [](Graph& t) { return 3 * heaviside(t.x - 1) * pow(relu(t.x - 1), 2); }, "3*relu(x - 1)^2"},
      {"mul.sift_delta", [](Graph& t) { return pow(t.x, 2) * delta(t.x - 2); }, "4*delta(x - 2)"},
      {"mul.sift_delta", [](Graph& t) { return t.x * delta(t.x); }, "0"},
      {"mul.sift_delta", [](Graph& t) { return exp(t.x) * 3 * delta(t.x); }, "3*delta(x)"},
      {"mul.distribute_const", [](Graph& t) { return 2 * (t.x + 1); }, "2*x + 2"},
      {"mul.distribute_const", [](Graph& t) { return -(t.x - exp(t.x)); }, "-x + exp(x)"},
      {"mul.distribute_delta_sum", [](Graph& t) { return t.x * (delta(t.x - 1) + delta(t.x + 1)); },
       "delta(x - 1) - delta(x + 1)"},
      {"mul.collect", [](Graph& t) { return 2 * (3 * t.x); }, "6*x"},
      {"mul.collect", [](Graph& t) { return t.x * t.x; }, "x^2"},
      {"mul.collect", [](Graph& t) { return exp(t.x) * t.x; }, "x*exp(x)"},
      {"mul.collect", [](Graph& t) { return exp(t.x) / exp(t.x); }, "1"},
      {"mul.collect", [](Graph& t) { return sqrt(t.x) * sqrt(t.x) * t.x; }, "x^2"},
      {"mul.collect", [](Graph& t) { return (1e-200 * t.x) * (1e-200 * exp(t.x)); }, "0"},  // underflow
      {"pow.one", [](Graph& t) { return pow(t.x, 1); }, "x"},
      {"pow.zero", [](Graph& t) { return pow(exp(t.x), 0); }, "1"},
      {"pow.one_base", [](Graph& t) { return pow(t.c(1), t.x); }, "1"},
      {"pow.power", [](Graph& t) { return pow(pow(t.x, 2), 3); }, "x^6"},
      {"pow.power", [](Graph& t) { return pow(sqrt(t.x), 4); }, "x^2"},
      {"pow.product", [](Graph& t) { return pow(2 * t.x, 2); }, "4*x^2"},
      {"pow.product", [](Graph& t) { return sqrt(4 * t.x); }, "2*sqrt(x)"},
      {"pow.product", [](Graph& t) { return pow(t.x * exp(t.x), -1); }, "1/x/exp(x)"},
      {"log.exp", [](Graph& t) { return log(exp(t.x + 1)); }, "x + 1"},
      {"abs.abs", [](Graph& t) { return abs(abs(t.x)); }, "abs(x)"},
      {"abs.scale", [](Graph& t) { return abs(-3 * t.x); }, "3*abs(x)"},
      {"abs.scale", [](Graph& t) { return abs(-t.x); }, "abs(x)"},
      {"sign.sign", [](Graph& t) { return sign(sign(t.x)); }, "sign(x)"},
      {"sign.scale", [](Graph& t) { return sign(-2 * t.x); }, "-sign(x)"},
      {"sign.scale", [](Graph& t) { return sign(inf * t.x); }, "sign(x)"},
      {"sign.affine", [](Graph& t) { return sign(3 * t.x - 1); }, "sign(x - 0.3333333333333333)"},
      {"sign.affine", [](Graph& t) { return sign(1 - t.x); }, "-sign(x - 1)"},
      {"heaviside.scale", [](Graph& t) { return heaviside(2 * t.x); }, "heaviside(x)"},
      {"heaviside.scale", [](Graph& t) { return heaviside(-2 * exp(t.x)); }, "heaviside(-exp(x))"},
      {"heaviside.affine", [](Graph& t) { return heaviside(2 * t.x - 1); }, "heaviside(x - 0.5)"},
      {"heaviside.affine", [](Graph& t) { return heaviside(1 - 2 * t.x); }, "heaviside(-x + 0.5)"},
      {"relu.scale", [](Graph& t) { return relu(3 * t.x); }, "3*relu(x)"},
      {"erf.limit", [](Graph& t) { return erf(inf * t.x); }, "sign(x)"},
      {"erf.limit", [](Graph& t) { return erf(-inf * t.x); }, "-sign(x)"},
      {"erf.limit", [](Graph& t) { return erf(inf * (t.x - 1)); }, "sign(x - 1)"},
      {"erf.odd", [](Graph& t) { return erf(-2 * t.x); }, "-erf(2*x)"},
      {"tanh.limit", [](Graph& t) { return tanh(inf * t.x); }, "sign(x)"},
      {"tanh.odd", [](Graph& t) { return tanh(-t.x); }, "-tanh(x)"},
      {"sigmoid.limit", [](Graph& t) { return sigmoid(inf * t.x); }, "heaviside(x)"},
      {"sigmoid.limit", [](Graph& t) { return sigmoid(-inf * t.x); }, "heaviside(-x)"},
      {"sin.odd", [](Graph& t) { return sin(-3 * t.x); }, "-sin(3*x)"},
      {"atan.odd", [](Graph& t) { return atan(-t.x); }, "-atan(x)"},
      {"cos.even", [](Graph& t) { return cos(-2 * t.x); }, "cos(2*x)"},
      {"min.same", [](Graph& t) { return min(exp(t.x), exp(t.x)); }, "exp(x)"},
      {"min.order", [](Graph& t) { return min(t.x, 2); }, "min(2, x)"},
      {"min.inf", [](Graph& t) { return min(t.x, inf); }, "x"},
      {"min.inf", [](Graph& t) { return min(t.x, -inf); }, "-inf"},
      {"min.relu", [](Graph& t) { return min(t.x, 0); }, "-relu(-x)"},
      {"max.same", [](Graph& t) { return max(t.x, t.x); }, "x"},
      {"max.order", [](Graph& t) { return max(t.x, 2); }, "max(2, x)"},
      {"max.inf", [](Graph& t) { return max(t.x, -inf); }, "x"},
      {"max.inf", [](Graph& t) { return max(t.x, inf); }, "inf"},
      {"max.relu", [](Graph& t) { return max(t.x, 0); }, "relu(x)"},
      {"delta.const", [](Graph& t) { return delta(t.c(2)) + t.x; }, "x"},
      {"delta.affine", [](Graph& t) { return delta(3 * t.x - 1); },
       "0.3333333333333333*delta(x - 0.3333333333333333)"},
      {"delta.affine", [](Graph& t) { return delta(2 * t.x, 1); }, "0.25*d/dx delta(x)"},
      {"delta.affine", [](Graph& t) { return delta(1 - t.x, 1); }, "-(d/dx delta(x - 1))"},
      {"delta.abs_roots", [](Graph& t) { return delta(0.5 - abs(t.x)); }, "delta(x - 0.5) + delta(x + 0.5)"},
      {"delta.abs_roots", [](Graph& t) { return delta(2 * abs(t.x - 1) - 1); }, "0.5*delta(x - 1.5) + 0.5*delta(x - 0.5)"},
      {"delta.abs_roots", [](Graph& t) { return delta(abs(t.x) + 1); }, "0"},
      {"select.const", [](Graph& t) { return if_(less(t.c(1), t.c(2)), t.x, exp(t.x)); }, "x"},
      {"select.same", [](Graph& t) { return if_(less(t.x, 1), exp(t.x), exp(t.x)); }, "exp(x)"},
  };
  return list;
}

}  // namespace

TEST_CASE("every simplifier rule: one example each, the rule fires and the result is a fixed point") {
  for (std::size_t i = 0; i < examples().size(); ++i) {
    const Example& ex = examples()[i];
    const std::string name = ex.rule + " #" + std::to_string(i);  // subcases need unique names
    SUBCASE(name.c_str()) {
      Graph t;
      const Ex in = ex.input(t);
      std::vector<std::string_view> fired;
      const graph::Expr out = passes::simplify(t.g, in.e, fired);
      INFO("input: ", graph::to_spec(in.e));
      CHECK(graph::to_spec(out) == ex.expected);
      CHECK(std::find(fired.begin(), fired.end(), ex.rule) != fired.end());
      CHECK(passes::simplify(t.g, out) == out);  // idempotent
    }
  }
}

TEST_CASE("the examples cover every rule of the table, and rule names are unique") {
  std::set<std::string> tested, names;
  for (const Example& ex : examples()) tested.insert(ex.rule);
  for (const passes::RewriteRule& r : passes::rewrite_rules()) {
    CHECK_MESSAGE(tested.count(std::string(r.name)) == 1, "rule without an example: ", r.name);
    CHECK_MESSAGE(names.insert(std::string(r.name)).second, "duplicate rule name: ", r.name);
  }
  for (const std::string& name : tested) CHECK_MESSAGE(names.count(name) == 1, "example of no rule: ", name);
}

TEST_CASE("constant folding works for every kind with constant children") {
  Graph t;
  const Ex a = t.c(0.75), b = t.c(1.5);
  const std::vector<Ex> cases = {a + b, a * b, pow(a, b), exp(a), log(a), abs(-a), sign(-a), heaviside(a),
                                 relu(a), erf(a), tanh(a), sigmoid(a), sin(a), cos(a), atan(a), min(a, b),
                                 max(a, b), if_(less(a, b), a, b), Ex{&t.g, t.g.make(Kind::Derivative, {a.e})}};
  std::set<Kind> kinds;
  for (const Ex& c : cases) {
    kinds.insert(c.e->kind);
    const graph::Expr out = passes::simplify(t.g, c.e);
    REQUIRE(out->is_const());
    CHECK(out->value == graph::evaluate(c.e, 0.0));
  }
  CHECK(kinds.size() == graph::kind_count - 3);  // all but Const, Var and Delta
  CHECK(passes::simplify(t.g, delta(t.c(0)).e) == delta(t.c(0)).e);  // infinite: not folded
}

TEST_CASE("no silent NaN: 0*inf, inf - inf and log(-1) stay unfolded") {
  Graph t;
  const Ex zero_inf = raw(t, Kind::Mul, t.c(0), t.c(inf));
  CHECK(passes::simplify(t.g, zero_inf.e) == zero_inf.e);
  CHECK(graph::to_spec(passes::simplify(t.g, (t.c(inf) - t.c(inf)).e)) == "inf - inf");
  CHECK(graph::to_spec(passes::simplify(t.g, log(t.c(-1)).e)) == "log(-1)");
  // x*0 -> 0 needs a finite x without delta
  CHECK(graph::to_spec(passes::simplify(t.g, raw(t, Kind::Mul, inf * t.x, t.c(0)).e)) == "inf*x*0");
  CHECK(graph::to_spec(passes::simplify(t.g, raw(t, Kind::Mul, delta(t.x), t.c(0)).e)) == "0*delta(x)");
  CHECK(graph::to_spec(passes::simplify(t.g, (inf * t.x).e)) == "inf*x");
  CHECK(graph::to_spec(passes::simplify(t.g, (inf * exp(t.x) - inf * exp(t.x)).e)) == "inf*exp(x) - inf*exp(x)");
}

TEST_CASE("simplification preserves values at random points") {
  Graph t;
  const Ex x = t.x;
  const std::vector<Ex> cases = {
      2 * (x + 1) * (x - 1) - x * x,  pow(3 * x, 2) / x,     exp(-pow(5 * x, 2)) * 2, abs(-2 * x) + sign(-3 * x),
      heaviside(2 * x - 1) * relu(4 * x), erf(-x) + tanh(-2 * x), min(x, 0) + max(x, 0), cos(-x) * sin(-x),
      if_(less(x, 0.5), x * x, 1 - x), sqrt(4 * x * x),
  };
  for (const Ex& c : cases) {
    const graph::Expr s = passes::simplify(t.g, c.e);
    INFO(graph::to_spec(c.e), " -> ", graph::to_spec(s));
    for (double v : {-1.7, -0.61, -0.2, 0.13, 0.77, 1.9}) {
      const double want = graph::evaluate(c.e, v);
      CHECK(graph::evaluate(s, v) == doctest::Approx(want).epsilon(1e-14));
    }
  }
}

TEST_CASE("canonical order is structural, not creation order") {
  Graph a, b;
  const Ex fa = exp(a.x) + a.x + sin(a.x);  // created in one order
  const Ex sb = sin(b.x);                   // created in another
  const Ex fb = b.x + sb + exp(b.x);
  CHECK(graph::to_spec(passes::simplify(a.g, fa.e)) == graph::to_spec(passes::simplify(b.g, fb.e)));
  CHECK(passes::simplify(a.g, (a.x * exp(a.x)).e) == passes::simplify(a.g, (exp(a.x) * a.x).e));
}

TEST_CASE("simplify is linear in distinct nodes: repeated squaring") {
  Graph t;
  Ex p = 1 + t.x / 10;
  for (int i = 0; i < 200; ++i) p = p * p;  // 2^200 as a tree
  const graph::Expr s = passes::simplify(t.g, p.e);
  REQUIRE(s->is(Kind::Pow));
  CHECK(s->kids[1]->value == std::ldexp(1.0, 200));
  CHECK(graph::to_spec(s->kids[0]) == "0.1*x + 1");
}
