// Training of finite networks and ensembles: GD vs SGL, determinism over thread counts, the loss
// curve, single precision and the checks on the data.
#include <doctest/doctest.h>

#include <cmath>

#include "runtime/errors.h"
#include "runtime/training.h"
#include "tests/finite/test_networks.h"

namespace {

using namespace sgntk;
using test::circle_job;

}  // namespace

TEST_CASE("SGL whose surrogates equal the true derivatives gives exactly the gradient descent result") {
  const auto gd = test::network(2, {test::layer(16, test::erf_fn(2), test::erf_prime(2)),
                                    test::layer(16, test::tanh_fn(), test::tanh_prime())});
  const auto sgl = test::network(2, {test::layer(16, test::erf_fn(2), test::erf_prime(2), test::erf_prime(2)),
                                     test::layer(16, test::tanh_fn(), test::tanh_prime(), test::tanh_prime())});
  const auto other = test::network(2, {test::layer(16, test::erf_fn(2), test::erf_prime(2), test::erf_prime(1)),
                                       test::layer(16, test::tanh_fn(), test::tanh_prime(), test::tanh_prime())});
  runtime::EnsembleTraining job = circle_job(15, 50, 0.1);
  job.ensemble = 3;
  job.save_at = {0, 50};
  job.settings.backprop = runtime::Backprop::true_derivative;
  const runtime::EnsembleResult a = runtime::train_ensemble(gd, job);
  job.settings.backprop = runtime::Backprop::surrogate;
  const runtime::EnsembleResult b = runtime::train_ensemble(sgl, job);
  const runtime::EnsembleResult c = runtime::train_ensemble(other, job);
  CHECK(a.outputs == b.outputs);
  CHECK(a.loss == b.loss);
  CHECK(a.outputs != c.outputs);  // a different surrogate does change the trajectory
}

TEST_CASE("ensembles are bitwise identical for every thread count and precision-specific") {
  const auto program = test::network(2, {test::layer(32, test::erf_fn(2), test::erf_prime(2), test::erf_prime(1)),
                                         test::layer(32, test::erf_fn(2), test::erf_prime(2), test::erf_prime(1))});
  runtime::EnsembleTraining job = circle_job(15, 20, 0.1);
  job.ensemble = 9;
  job.save_at = {0, 7, 20};
  job.eval = circle_job(100, 0, 0.1).x;
  for (auto precision : {runtime::Precision::f64, runtime::Precision::f32}) {
    job.precision = precision;
    job.threads = 1;
    const runtime::EnsembleResult serial = runtime::train_ensemble(program, job);
    for (int threads : {2, 0}) {
      CAPTURE(threads);
      job.threads = threads;
      const runtime::EnsembleResult parallel = runtime::train_ensemble(program, job);
      CHECK(parallel.outputs == serial.outputs);
      CHECK(parallel.loss == serial.loss);
    }
  }
  // Shapes: [saves, ensemble, n_eval, outputs] and [ensemble, steps + 1].
  job.precision = runtime::Precision::f64;
  const runtime::EnsembleResult r = runtime::train_ensemble(program, job);
  CHECK(r.outputs_shape == std::vector<long>{3, 9, 100, 1});
  CHECK(r.outputs.size() == 3 * 9 * 100);
  CHECK(r.loss.size() == 9 * 21);
  // Networks differ from each other; f32 follows f64 closely but not bitwise.
  CHECK(r.outputs[0] != r.outputs[100]);
  job.precision = runtime::Precision::f32;
  const runtime::EnsembleResult f = runtime::train_ensemble(program, job);
  double worst = 0;
  for (std::size_t i = 0; i < r.outputs.size(); ++i) worst = std::max(worst, std::abs(r.outputs[i] - f.outputs[i]));
  CHECK(worst > 0);
  CHECK(worst < 1e-4);
}

TEST_CASE("training with a small learning rate lowers the loss at every step") {
  const auto program = test::network(2, {test::layer(64, test::erf_fn(2), test::erf_prime(2), test::erf_prime(1)),
                                         test::layer(64, test::erf_fn(2), test::erf_prime(2), test::erf_prime(1))});
  runtime::EnsembleTraining job = circle_job(15, 300, 0.01);
  job.ensemble = 4;
  const runtime::EnsembleResult r = runtime::train_ensemble(program, job);
  REQUIRE(r.loss_steps.size() == 301);
  for (long e = 0; e < 4; ++e) {
    const double* loss = r.loss.data() + e * 301;
    for (int t = 1; t <= 300; ++t) {
      CAPTURE(e);
      CAPTURE(t);
      REQUIRE(loss[t] < loss[t - 1]);
    }
    CHECK(loss[300] < 0.9 * loss[0]);
  }
}

TEST_CASE("the loss curve can be subsampled and always ends at the last step") {
  const auto program = test::network(2, {test::layer(8, test::tanh_fn(), test::tanh_prime())});
  runtime::EnsembleTraining job = circle_job(5, 10, 0.1);
  job.loss_every = 4;
  const runtime::EnsembleResult sub = runtime::train_ensemble(program, job);
  CHECK(sub.loss_steps == std::vector<long>{0, 4, 8, 10});
  job.loss_every = 1;
  const runtime::EnsembleResult all = runtime::train_ensemble(program, job);
  CHECK(sub.loss == std::vector<double>{all.loss[0], all.loss[4], all.loss[8], all.loss[10]});
}

TEST_CASE("bad training data is reported as a data error") {
  const auto program = test::network(2, {test::layer(8, test::tanh_fn(), test::tanh_prime())});
  runtime::EnsembleTraining job = circle_job(5, 10, 0.1);
  SUBCASE("wrong input dimension") {
    job.x.conservativeResize(5, 3);
    CHECK_THROWS_WITH_AS(runtime::train_ensemble(program, job), doctest::Contains("2-dimensional"), runtime::DataError);
  }
  SUBCASE("targets and inputs disagree") {
    job.y.conservativeResize(4, 1);
    CHECK_THROWS_WITH_AS(runtime::train_ensemble(program, job), doctest::Contains("rows"), runtime::DataError);
  }
  SUBCASE("save step beyond the end") {
    job.save_at = {0, 11};
    CHECK_THROWS_WITH_AS(runtime::train_ensemble(program, job), doctest::Contains("save step 11"), runtime::DataError);
  }
  SUBCASE("divergence") {
    job.settings.learning_rate = 1e6;
    job.settings.steps = 1000;
    CHECK_THROWS_WITH_AS(runtime::train_ensemble(program, job), doctest::Contains("diverged"), runtime::EvalError);
  }
}

TEST_CASE("a loss that is not finite before any update does not blame the learning rate") {
  // log(x) is NaN for x < 0, which some pre-activation of the initial network always is.
  const auto log_fn = test::fn("log(x)", [](double x) { return std::log(x); });
  const auto log_prime = test::fn("1/x", [](double x) { return 1 / x; });
  const auto program = test::network(2, {test::layer(8, log_fn, log_prime)});
  runtime::EnsembleTraining job = circle_job(5, 10, 1e-6);  // a tiny rate: it is not the cause
  std::string message;
  try {
    runtime::train_ensemble(program, job);
  } catch (const runtime::EvalError& e) {
    message = e.what();
  }
  CHECK(message.find("at step 0, before any update") != std::string::npos);
  CHECK(message.find("forward pass of the initial network is not finite") != std::string::npos);
  CHECK(message.find("learning rate") == std::string::npos);
}
