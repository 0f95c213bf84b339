// The experiment statements of the spec language: data, target, task, quick (checked into typed
// tasks by cli/experiment/check_experiment.h) and the data sets they describe (data_sets.h).
#include <doctest/doctest.h>

#include <cmath>

#include "cli/experiment/data_sets.h"
#include "cli/experiment/load_experiment.h"
#include "runtime/errors.h"

using namespace sgntk;

namespace {

const char* const network = R"(
param m = 2
param n = 50
network net(input = 2) {
  dense(width = n, act = erf(m*x), surrogate = exp(-x^2))
  readout()
}
)";

struct Loaded {
  Diagnostics diags;
  std::unique_ptr<experiment::LoadedExperiment> spec;
};

std::unique_ptr<Loaded> load(const std::string& text) {
  auto out = std::make_unique<Loaded>();
  out->spec = experiment::load_experiment_text("test.sgntk", std::string(network) + text, {}, out->diags);
  return out;
}

std::string first_error(const std::string& text) {
  auto l = load(text);
  REQUIRE(l->spec == nullptr);
  return l->diags.all().front().message;
}

}  // namespace

TEST_CASE("data, target, task and quick statements load into the experiment, tasks typed") {
  auto l = load(R"(
data grid = circle(n = 12)
data train = select(grid, every = 5, offset = 1)
target y = 2*x0 - x1^2 + sin(x0)
task rows = kernel(network = net, kind = sgntk, x1 = train, x2 = grid, sweep m = [2, inf])
task fit = train(network = net, x = train, y = y, steps = 100, ensemble = 4)
quick fit(steps = 10, sweep n = [5])
)");
  REQUIRE_MESSAGE(l->spec != nullptr, l->diags.render());
  const experiment::Experiment& m = l->spec->experiment;
  REQUIRE(m.tasks.size() == 2);
  CHECK(m.tasks[0].sweeps.at(0).values == std::vector<double>{2, INFINITY});
  const auto& rows = std::get<experiment::KernelTask>(m.tasks[0].body);
  CHECK(rows.kind == runtime::KernelKind::sgntk);
  CHECK(rows.x1 == "train");
  CHECK(rows.x2 == "grid");
  const auto& fit = std::get<experiment::TrainTask>(m.tasks[1].body);
  CHECK(fit.steps == 100);
  CHECK(fit.lr == 0.1);  // the default
  CHECK(fit.backprop == runtime::Backprop::surrogate);  // the default
  const experiment::TaskDecl quick = m.tasks[1].effective(true);
  CHECK(std::get<experiment::TrainTask>(quick.body).steps == 10);
  CHECK(std::get<experiment::TrainTask>(quick.body).ensemble == 4);
  CHECK(quick.args_json.at("steps") == "10");
  REQUIRE(quick.sweeps.size() == 1);
  CHECK(quick.sweeps[0].param == "n");

  experiment::DataSets data(m);
  const runtime::RowMatrix& train = data.points("train");
  REQUIRE(train.rows() == 3);  // rows 1, 6, 11 of 12
  const double alpha = 2 * M_PI * 6 / 12 - M_PI;  // row 6: alpha = 0
  CHECK(train(1, 0) == doctest::Approx(std::sin(alpha)));
  CHECK(train(1, 1) == doctest::Approx(std::cos(alpha)));
  const runtime::RowMatrix y = data.values("y", train);
  for (long i = 0; i < 3; ++i)
    CHECK(y(i, 0) == doctest::Approx(2 * train(i, 0) - train(i, 1) * train(i, 1) + std::sin(train(i, 0))));
}

TEST_CASE("task arguments are checked against the task's signature") {
  CHECK(first_error("data g = circle(n = 4)\ntask k = kernel(network = net, kind = ntk, x1 = g, x3 = g)") ==
        "unknown argument 'x3' for 'kernel'");
  CHECK(first_error("data g = circle(n = 4)\ntask k = kernel(network = nett, kind = ntk, x1 = g)") ==
        "unknown network 'nett'");
  CHECK(first_error("data g = circle(n = 4)\ntask k = kernel(network = net, kind = ntkk, x1 = g)") ==
        "'kind' must be one of nngp, ntk, sgntk");
  CHECK(first_error("data g = circle(n = 4)\ntask k = kernel(network = net, x1 = g)") ==
        "'kernel' needs the argument 'kind'");
  CHECK(first_error("data g = circle(n = 4)\ntask k = kernel(network = net, kind = ntk, x1 = g, sweep q = [1])") ==
        "sweep over unknown param 'q'");
  CHECK(first_error("data g = circle(n = 2.5)") == "'n' must be an integer >= 1, got 2.5");
  CHECK(first_error("data g = circle(n = 4)\ndata s = select(g)") ==
        "'select' takes exactly one of 'every' and 'indices'");
  CHECK(first_error("data s = select(g, every = 2)\ndata g = circle(n = 4)") == "unknown data set 'g'");
  CHECK(first_error("target y = x0 * z") == "unknown name 'z' in a target (coordinates are x0, x1, ...)");
  CHECK(first_error("data g = circle(n = 4)\ntask k = kernel(network = net, kind = ntk, x1 = g)\nquick kk(x1 = g)") ==
        "'quick' names unknown task 'kk'");
}

TEST_CASE("a selection past the end of its data set is a data error") {
  auto l = load("data g = circle(n = 4)\ndata s = select(g, indices = [1, 4])\n");
  REQUIRE_MESSAGE(l->spec != nullptr, l->diags.render());
  experiment::DataSets data(l->spec->experiment);
  CHECK_THROWS_AS(data.points("s"), runtime::DataError);
}
