// Back-propagated gradients against central finite differences, for smooth activations.
#include <doctest/doctest.h>

#include "runtime/errors.h"
#include "runtime/training.h"
#include "tests/finite/test_networks.h"

namespace {

using namespace sgntk;
using Net = runtime::FiniteNetwork<double>;
using Matrix = Net::Matrix;

double loss_of(const Net& net, const Matrix& x, const Matrix& y) {
  return runtime::loss_gradient(net, x, y, runtime::Backprop::true_derivative).loss;
}

// Checks every entry of `grad` against (L(p + h) - L(p - h)) / 2h, perturbing `param` in place.
template <class Param, class Grad>
void check_entries(Net& net, Param& param, const Grad& grad, const Matrix& x, const Matrix& y, const char* what) {
  const double h = 1e-5;
  for (Eigen::Index i = 0; i < param.size(); ++i) {
    const double saved = param.data()[i];
    param.data()[i] = saved + h;
    const double up = loss_of(net, x, y);
    param.data()[i] = saved - h;
    const double down = loss_of(net, x, y);
    param.data()[i] = saved;
    const double fd = (up - down) / (2 * h);
    INFO(what << " entry " << i << ": backprop " << grad.data()[i] << ", finite difference " << fd);
    CHECK(std::abs(grad.data()[i] - fd) <= 1e-6 * std::max(1.0, std::abs(fd)));
  }
}

}  // namespace

TEST_CASE("back-propagated loss gradients equal central finite differences for smooth activations") {
  // Two hidden layers with different activations and sigmas, two outputs, five samples.
  runtime::KernelProgram program =
      test::network(3, {test::layer(7, test::tanh_fn(), test::tanh_prime(), nullptr, 1.3, 0.2),
                        test::layer(6, test::erf_fn(1.5), test::erf_prime(1.5), nullptr, 0.9, 0.4)},
                    2, 1.1, 0.3);
  Net net(program, 42, 3);
  const Matrix x = Matrix::Random(5, 3);
  const Matrix y = Matrix::Random(5, 2);
  const runtime::Gradient<double> g = runtime::loss_gradient(net, x, y, runtime::Backprop::true_derivative);
  REQUIRE(g.weights.size() == 3);
  CHECK(g.loss > 0);
  for (int l = 0; l < net.layer_count(); ++l) {
    CAPTURE(l);
    check_entries(net, net.weight(l), g.weights[l], x, y, "weight");
    check_entries(net, net.bias(l), g.biases[l], x, y, "bias");
  }
}

TEST_CASE("the surrogate changes the back-propagated gradient but not the loss") {
  auto with = [](runtime::ArrayFunctionRef surrogate) {
    return test::network(2, {test::layer(8, test::erf_fn(3), test::erf_prime(3), surrogate)});
  };
  const runtime::KernelProgram plain = with(nullptr), sgl = with(test::erf_prime(1));
  const Net a(plain, 7, 0), b(sgl, 7, 0);
  const Matrix x = Matrix::Random(4, 2), y = Matrix::Random(4, 1);
  const auto ga = runtime::loss_gradient(a, x, y, runtime::Backprop::surrogate);
  const auto gb = runtime::loss_gradient(b, x, y, runtime::Backprop::surrogate);
  CHECK(ga.loss == gb.loss);
  CHECK(ga.weights[1] == gb.weights[1]);         // the readout's gradient needs no derivative
  CHECK((ga.weights[0] - gb.weights[0]).norm() > 1e-3);
}

TEST_CASE("gradient descent through a jump activation is refused with an explanation") {
  const runtime::KernelProgram program = test::network(2, {test::layer(4, test::sign_fn(), nullptr, test::erf_prime(1))});
  CHECK_NOTHROW(runtime::check_backprop(program, runtime::Backprop::surrogate));
  CHECK_THROWS_WITH_AS(runtime::check_backprop(program, runtime::Backprop::true_derivative),
                       doctest::Contains("gradient descent"), runtime::EvalError);
}

TEST_CASE("a layer whose derivative is a distribution cannot back-propagate without a surrogate") {
  // The lowering emits no derivative function when phi' holds a delta (sign' = 2 delta):
  // back-propagating its almost-everywhere part, 0, would train the readout alone.
  runtime::LayerProgram sign = test::layer(4, test::sign_fn(), nullptr);
  const runtime::KernelProgram program = test::network(2, {sign});
  CHECK_THROWS_WITH_AS(runtime::check_backprop(program, runtime::Backprop::true_derivative),
                       doctest::Contains("contains a delta"), runtime::EvalError);
  CHECK_THROWS_WITH_AS(runtime::check_backprop(program, runtime::Backprop::surrogate),
                       doctest::Contains("has no surrogate"), runtime::EvalError);
  // A genuine zero slope is a function and is used.
  runtime::LayerProgram flat = test::layer(4, test::sign_fn(), test::fn("0", [](double) { return 0.0; }));
  CHECK_NOTHROW(runtime::check_backprop(test::network(2, {flat}), runtime::Backprop::true_derivative));
}
