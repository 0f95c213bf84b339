// The cache-resident training engine against the previous engine (three BLAS products per layer
// on FiniteNetwork): one step to rounding, the updated forward products of sign networks, the
// statistics of long runs, and bitwise identity over thread counts.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "runtime/training.h"
#include "runtime/training_engine.h"
#include "tests/finite/test_networks.h"

namespace {

using namespace sgntk;
using test::circle_job;

// The paper's sign network (forward sign, backward erf'), 2-n-n-1.
runtime::KernelProgram sign_network(int n) {
  return test::network(2, {test::layer(n, test::sign_fn(), nullptr, test::erf_prime(1)),
                           test::layer(n, test::sign_fn(), nullptr, test::erf_prime(1))});
}

runtime::KernelProgram erf_network(int n) {
  return test::network(2, {test::layer(n, test::erf_fn(2), test::erf_prime(2), test::erf_prime(1)),
                           test::layer(n, test::erf_fn(2), test::erf_prime(2), test::erf_prime(1))});
}

// max |a - b| over every weight and bias, relative to the largest |b|.
template <class Scalar>
double relative_difference(const runtime::FiniteNetwork<Scalar>& a, const runtime::FiniteNetwork<Scalar>& b) {
  double diff = 0, size = 0;
  for (int l = 0; l < a.layer_count(); ++l) {
    diff = std::max(diff, static_cast<double>((a.weight(l) - b.weight(l)).cwiseAbs().maxCoeff()));
    diff = std::max(diff, static_cast<double>((a.bias(l) - b.bias(l)).cwiseAbs().maxCoeff()));
    size = std::max(size, static_cast<double>(b.weight(l).cwiseAbs().maxCoeff()));
  }
  return diff / size;
}

template <class Scalar>
void check_steps_agree(const runtime::KernelProgram& program, long steps, double tolerance) {
  using Net = runtime::FiniteNetwork<Scalar>;
  const runtime::EnsembleTraining job = circle_job(15, steps);
  const typename Net::Matrix x = job.x.cast<Scalar>(), y = job.y.cast<Scalar>();
  for (std::uint32_t index : {0u, 1u, 2u}) {
    Net engine(program, 3, index), reference(program, 3, index);
    std::vector<double> engine_loss, reference_loss;
    runtime::train_network<Scalar>(engine, x, y, job.settings,
                                   [&](long, double loss, const auto&) { engine_loss.push_back(loss); });
    runtime::train_network_reference<Scalar>(reference, x, y, job.settings,
                                             [&](long, double loss, const auto&) { reference_loss.push_back(loss); });
    CHECK(relative_difference(engine, reference) < tolerance);
    CHECK(relative_difference(engine, reference) > 0);  // the order of operations did change
    for (std::size_t t = 0; t < engine_loss.size(); ++t)
      CHECK(std::abs(engine_loss[t] - reference_loss[t]) < tolerance * reference_loss[t]);
  }
}

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}

double standard_error(const std::vector<double>& v) {
  const double m = mean(v);
  double s = 0;
  for (double x : v) s += (x - m) * (x - m);
  return std::sqrt(s / static_cast<double>(v.size() - 1) / static_cast<double>(v.size()));
}

}  // namespace

TEST_CASE("one training step of the engine agrees with the previous engine to rounding") {
  check_steps_agree<double>(sign_network(64), 1, 1e-13);
  check_steps_agree<float>(sign_network(64), 1, 1e-5);
  check_steps_agree<double>(erf_network(40), 1, 1e-13);
  check_steps_agree<float>(erf_network(40), 1, 1e-5);
  // Smooth networks do not amplify rounding: 40 steps still agree closely.
  check_steps_agree<double>(erf_network(40), 40, 1e-11);
}

TEST_CASE("sign networks update their forward products, and the products stay those of the weights") {
  const runtime::KernelProgram program = sign_network(200);
  runtime::EnsembleTraining job = circle_job(15, 0);
  const runtime::FiniteNetwork<double>::Matrix x = job.x, y = job.y;
  runtime::FiniteNetwork<double> net(program, 3, 0);
  runtime::TrainingEngine<double> engine(net, x, y, job.settings);
  runtime::FiniteNetwork<double>::Pass pass;
  for (int step = 0; step < 3 * runtime::TrainingEngine<double>::refresh_period; ++step) {
    const double loss = engine.forward();
    engine.write_to(net);
    net.forward(x, pass);
    const double plain = (pass.outputs() - y).squaredNorm() / (2.0 * 15);
    CAPTURE(step);
    CHECK(std::abs(loss - plain) < 1e-12 * plain);
    engine.update();
  }
  // Nearly every step but the refreshes updated the hidden-to-hidden product (the first layer and
  // the readout are cheaper to recompute).
  CHECK(engine.incremental_products() > 3 * (runtime::TrainingEngine<double>::refresh_period - 4));
  CHECK(engine.incremental_products() < 3 * runtime::TrainingEngine<double>::refresh_period);
}

TEST_CASE("long runs of sign networks: the engine's statistics match the previous engine's") {
  // Sign networks amplify rounding, so trajectories part after many steps: compare the mean
  // final loss and the ensemble mean on a grid of 100 networks, within 3 standard errors.
  const runtime::KernelProgram program = sign_network(64);
  runtime::EnsembleTraining job = circle_job(15, 300);
  job.ensemble = 100;
  job.eval = circle_job(40, 0).x;
  job.save_at = {300};
  const runtime::EnsembleResult engine = runtime::train_ensemble(program, job);
  job.reference_engine = true;
  const runtime::EnsembleResult reference = runtime::train_ensemble(program, job);
  const long records = static_cast<long>(engine.loss_steps.size());
  std::vector<double> loss_e, loss_r;
  for (long e = 0; e < job.ensemble; ++e) {
    loss_e.push_back(engine.loss[e * records + records - 1]);
    loss_r.push_back(reference.loss[e * records + records - 1]);
  }
  CHECK(engine.loss != reference.loss);  // the runs did part
  const double loss_se = std::hypot(standard_error(loss_e), standard_error(loss_r));
  CHECK(std::abs(mean(loss_e) - mean(loss_r)) < 3 * loss_se);
  CHECK(mean(loss_e) < 0.2 * engine.loss[0]);  // both trained
  for (long i = 0; i < 40; ++i) {
    std::vector<double> out_e, out_r;
    for (long e = 0; e < job.ensemble; ++e) {
      out_e.push_back(engine.outputs[e * 40 + i]);
      out_r.push_back(reference.outputs[e * 40 + i]);
    }
    CAPTURE(i);
    CHECK(std::abs(mean(out_e) - mean(out_r)) < 3 * std::hypot(standard_error(out_e), standard_error(out_r)));
  }
}

TEST_CASE("sign-network ensembles are bitwise identical on 1 and 2 threads, in f64 and f32") {
  runtime::EnsembleTraining job = circle_job(15, 80);
  job.ensemble = 6;
  job.save_at = {0, 33, 80};
  job.eval = circle_job(100, 0).x;
  for (auto precision : {runtime::Precision::f64, runtime::Precision::f32}) {
    job.precision = precision;
    job.threads = 1;
    const runtime::EnsembleResult serial = runtime::train_ensemble(sign_network(96), job);
    job.threads = 2;
    const runtime::EnsembleResult parallel = runtime::train_ensemble(sign_network(96), job);
    CHECK(parallel.outputs == serial.outputs);
    CHECK(parallel.loss == serial.loss);
  }
}
