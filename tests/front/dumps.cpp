// The dumps `sgntk check` prints: the AST with line:col, the graphs, the module summary.
#include <doctest/doctest.h>

#include "compiler/lower/pass_order.h"
#include "compiler/parse/ast_dump.h"
#include "compiler/parse/spec_parser.h"
#include "compiler/sema/module_print.h"
#include "front_helpers.h"

using namespace sgntk;

TEST_CASE("the AST dump shows every node with its line:col") {
  const SourceFile file("t.sgntk",
                        "param m = 2 # steepness\n"
                        "activation f(x) = -x^2 + d/dx erf(m*x)\n"
                        "network net(input = 2) {\n"
                        "  dense(width = 3, act = if(x < 0, 0, x))\n"
                        "  readout()\n"
                        "}\n");
  Diagnostics diags;
  const auto spec = parse::parse_spec(file, diags);
  REQUIRE_MESSAGE(spec.has_value(), diags.render());
  CHECK(parse::dump_ast(*spec, file) ==
        "spec\n"
        "  param m @1:1\n"
        "    number 2 @1:11\n"
        "  activation f @2:1\n"
        "    lambda (x) @2:13\n"
        "      chain @2:19\n"
        "        negate @2:19\n"
        "          chain @2:20\n"
        "            name x @2:20\n"
        "            op '^' @2:21\n"
        "              number 2 @2:22\n"
        "        op '+' @2:24\n"
        "          d/dx @2:26\n"
        "            call erf @2:31\n"
        "              chain @2:35\n"
        "                name m @2:35\n"
        "                op '*' @2:36\n"
        "                  name x @2:37\n"
        "  network net @3:1\n"
        "    arg input @3:13\n"
        "      number 2 @3:21\n"
        "    layer dense @4:3\n"
        "      arg width @4:9\n"
        "        number 3 @4:17\n"
        "      arg act @4:20\n"
        "        if @4:26\n"
        "          condition '<' @4:29\n"
        "            name x @4:29\n"
        "            number 0 @4:33\n"
        "          number 0 @4:36\n"
        "          name x @4:39\n"
        "    layer readout @5:3\n");
}

TEST_CASE("the graph dump lists shared nodes once, children first") {
  auto l = test::load("activation f(x) = erf(2*x) + exp(2*x)\n");
  REQUIRE_MESSAGE(l->spec != nullptr, l->errors());
  const std::string dump = sema::dump_graph(l->spec->module, lower::run_graph_passes(l->spec->module));
  CHECK(dump.rfind("activation f: ", 0) == 0);
  // 2*x is one node used twice: const, x, *, then the two calls and the sum.
  CHECK(dump.find("%2 = * %0 %1\n") != std::string::npos);
  CHECK(dump.find("= erf %2\n") != std::string::npos);
  CHECK(dump.find("= exp %2\n") != std::string::npos);
  CHECK(dump.find("%6") == std::string::npos);
}

TEST_CASE("the summary shows each layer's activation, derivative and surrogate") {
  auto l = test::load("surrogate g(x) = exp(-x^2)\n"
                      "network net(input = 2) {\n"
                      "  dense(width = 5, sigma_b = 0.1, act = sign, surrogate = g)\n"
                      "  readout(outputs = 2)\n"
                      "}\n");
  REQUIRE_MESSAGE(l->spec != nullptr, l->errors());
  CHECK(sema::describe_module(l->spec->module, lower::run_graph_passes(l->spec->module)) ==
        "surrogate g(x) = exp(-x^2)\n"
        "network net(input = 2)\n"
        "  layer 1: dense(width = 5, sigma_w = 1, sigma_b = 0.1)\n"
        "    activation: sign(x)  (built-in 'sign')\n"
        "    derivative: 2*delta(x)\n"
        "    surrogate:  exp(-x^2)  ('g')\n"
        "  readout(outputs = 2, sigma_w = 1, sigma_b = 0)\n");
}
