// Params, --set overrides, the m -> inf limit, networks and their defaults, plugin surrogates.
#include <doctest/doctest.h>

#include <cmath>

#include "compiler/graph/build.h"
#include "compiler/graph/print.h"
#include "front_helpers.h"

using namespace sgntk;
using test::first_error;

TEST_CASE("params may use earlier params, and --set applies at the definition") {
  const std::string spec = "param a = 2\nparam b = 3 * a\n";
  auto plain = test::load(spec);
  REQUIRE_MESSAGE(plain->spec != nullptr, plain->errors());
  CHECK(plain->spec->module.params.at("b") == 6);
  auto overridden = test::load(spec, {"a=5"});
  REQUIRE_MESSAGE(overridden->spec != nullptr, overridden->errors());
  CHECK(overridden->spec->module.params.at("a") == 5);
  CHECK(overridden->spec->module.params.at("b") == 15);
  auto last_wins = test::load(spec, {"a=5", "a=-1.5e1"});
  REQUIRE(last_wins->spec != nullptr);
  CHECK(last_wins->spec->module.params.at("a") == -15);
}

TEST_CASE("a param used before its definition is unknown") {
  CHECK(first_error("param b = 2 * a\nparam a = 1\n") == "unknown name 'a'");
}

TEST_CASE("--set m=inf turns erf(m*x) into sign(x), and its derivative into 2 delta") {
  auto l = test::load("param m = 2\nactivation erf_m(x) = erf(m * x)\n", {"m=inf"});
  const graph::Expr body = test::activation(*l);
  graph::GraphContext& g = *l->spec->module.context;
  CHECK(body == graph::call(g, graph::Kind::Sign, g.x()));
  CHECK(l->spec->module.params.at("m") == INFINITY);
  auto negative = test::load("param m = 2\nactivation erf_m(x) = erf(m * x)\n", {"m=-inf"});
  CHECK(graph::evaluate(test::activation(*negative), 0.5) == -1);
}

TEST_CASE("bad --set values and names") {
  CHECK(first_error("param m = 1\n", {"q=1"}) == "--set q: the spec has no param 'q'");
  CHECK(first_error("param m = 1\n", {"m=one"}) == "--set m: 'one' is not a number (write a number, inf or -inf)");
  CHECK(first_error("param m = 1\n", {"m=nan"}) == "--set m: 'nan' is not a number (write a number, inf or -inf)");
  CHECK(first_error("param m = 1\n", {"=3"}) == "--set expects NAME=VALUE, got '=3'");
  CHECK(first_error("param m = 1\n", {"m=1e400"}) == "--set m: number out of range: '1e400'");
}

TEST_CASE("layer defaults: sigma_w 1, sigma_b 0, outputs 1, no surrogate") {
  auto l = test::load("network net(input = 3) {\n  dense(width = 7, act = tanh)\n  readout()\n}\n");
  REQUIRE_MESSAGE(l->spec != nullptr, l->errors());
  const sema::Network& net = l->spec->module.networks.at(0);
  CHECK(net.input_dim == 3);
  REQUIRE(net.hidden.size() == 1);
  CHECK(net.hidden[0].width == 7);
  CHECK(net.hidden[0].sigma_w == 1);
  CHECK(net.hidden[0].sigma_b == 0);
  CHECK(net.hidden[0].activation->builtin);
  CHECK(graph::to_spec(net.hidden[0].activation->expr()) == "tanh(x)");
  CHECK(!net.hidden[0].surrogate);
  CHECK(net.readout.kind == sema::Layer::Kind::readout);
  CHECK(net.readout.width == 1);
  CHECK(net.readout.sigma_w == 1);
  CHECK(net.readout.sigma_b == 0);
}

TEST_CASE("a network without dense layers is allowed") {
  auto l = test::load("network lin(input = 2) { readout(outputs = 3, sigma_w = 2) }\n");
  REQUIRE_MESSAGE(l->spec != nullptr, l->errors());
  CHECK(l->spec->module.networks.at(0).hidden.empty());
  CHECK(l->spec->module.networks.at(0).readout.width == 3);
}

TEST_CASE("act and surrogate take names or inline expressions") {
  auto l = test::load("param k = 2\nactivation a(x) = erf(k*x)\n"
                      "network net(input = 1) {\n"
                      "  dense(width = 1, act = a, surrogate = exp(-x^2))\n"
                      "  dense(width = 1, act = x, surrogate = k)\n"
                      "  readout()\n}\n");
  REQUIRE_MESSAGE(l->spec != nullptr, l->errors());
  const sema::Network& net = l->spec->module.networks.at(0);
  CHECK(net.hidden[0].activation->name == "a");
  CHECK(net.hidden[0].activation->expr() == l->spec->module.activations.at(0).expr());
  CHECK(net.hidden[0].surrogate->name == "exp(-x^2)");
  CHECK(graph::evaluate(net.hidden[0].surrogate->expr(), 1.0) == doctest::Approx(std::exp(-1.0)));
  CHECK(graph::to_spec(net.hidden[1].activation->expr()) == "x");
  CHECK(graph::evaluate(net.hidden[1].surrogate->expr(), 5.0) == 2);
}

TEST_CASE("plugin surrogates keep their id and arguments in order") {
  auto l = test::load("param s = 10\nsurrogate fs = plugin(\"fast_sigmoid\", slope = 2*s, scale = 1)\n"
                      "network net(input = 1) { dense(width = 2, act = sign, surrogate = fs) readout() }\n");
  REQUIRE_MESSAGE(l->spec != nullptr, l->errors());
  const sema::FunctionDef& fs = l->spec->module.surrogates.at(0);
  REQUIRE(!fs.is_expression());
  const auto& plugin = std::get<sema::PluginSurrogate>(fs.body);
  CHECK(plugin.plugin_id == "fast_sigmoid");
  REQUIRE(plugin.params.size() == 2);
  CHECK(plugin.params[0] == std::pair<std::string, double>{"slope", 20});
  CHECK(plugin.params[1] == std::pair<std::string, double>{"scale", 1});
  CHECK(plugin.param_where.size() == 2);
  CHECK(!l->spec->module.networks.at(0).hidden.at(0).surrogate->is_expression());
}

TEST_CASE("layer values are checked") {
  const auto net = [](const std::string& layer) {
    return "network net(input = 2) {\n  " + layer + "\n  readout()\n}\n";
  };
  CHECK(first_error(net("dense(width = 0, act = relu)")) == "'width' must be an integer >= 1, got 0");
  CHECK(first_error(net("dense(width = 2.5, act = relu)")) == "'width' must be an integer >= 1, got 2.5");
  CHECK(first_error(net("dense(width = inf, act = relu)")) == "'width' is too large: inf (the limit is 2147483647)");
  CHECK(first_error(net("dense(width = 1e10, act = relu)")) == "'width' is too large: 10000000000 (the limit is 2147483647)");
  CHECK(first_error(net("dense(width = 2, sigma_b = -0.1, act = relu)")) ==
        "'sigma_b' is a standard deviation: it must be finite and >= 0, got -0.1");
  CHECK(first_error(net("dense(width = 2, sigma_w = inf, act = relu)")) ==
        "'sigma_w' is a standard deviation: it must be finite and >= 0, got inf");
  CHECK(first_error(net("dense(act = relu)")) == "dense layer needs the argument 'width'");
  CHECK(first_error(net("dense(width = 2, act = relu, act = sign)")) == "duplicate argument 'act'");
  CHECK(first_error(net("dense(width = 2, act = rleu)")) == "unknown activation 'rleu'");
  CHECK(first_error(net("dense(width = 2, act = relu, surrogate = nope)")) == "unknown surrogate 'nope'");
}

TEST_CASE("source ranges point at the definitions") {
  auto l = test::load("param m = 2\nactivation erf_m(x) = erf(m * x)\n"
                      "network net(input = 2) {\n  dense(width = 4, act = erf(x))\n  readout()\n}\n");
  REQUIRE_MESSAGE(l->spec != nullptr, l->errors());
  const SourceFile& file = *l->spec->source;
  const sema::FunctionDef& f = l->spec->module.activations.at(0);
  CHECK(file.line_col(f.where.begin).line == 2);
  CHECK(file.line_col(f.where.begin).column == 12);
  const sema::Network& net = l->spec->module.networks.at(0);
  CHECK(file.line_col(net.where.begin).column == 9);
  const SourceRange act = net.hidden.at(0).activation->where;
  CHECK(file.text().substr(act.begin, act.end - act.begin) == "erf(x)");
}
