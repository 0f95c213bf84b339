// The checks of predict: diverging or non-converging gradient flow (eigenvalues of K(X,X) with
// real part <= 0), ill-conditioning, the infinite diagonal of the naive NTK of a jump network,
// NaN, bad shapes and options. Never silent garbage.
#include <doctest/doctest.h>

#include "runtime/errors.h"
#include "tests/predict/predict_fixture.h"

namespace {

using namespace sgntk;
using doctest::Contains;
using runtime::DataError;
using runtime::RowMatrix;

// A 2-point problem on a given K(X,X); the NNGP parts are a harmless identity.
test::Kernels two_points(const RowMatrix& k_train_train) {
  test::Kernels k;
  k.k_train_train = k_train_train;
  k.k_test_train = RowMatrix::Identity(2, 2);
  k.sigma_train_train = RowMatrix::Identity(2, 2);
  k.sigma_test_train = RowMatrix::Identity(2, 2);
  k.sigma_test_test = RowMatrix::Identity(2, 2);
  return k;
}

RowMatrix matrix2(double a, double b, double c, double d) {
  RowMatrix m(2, 2);
  m << a, b, c, d;
  return m;
}

const RowMatrix targets = RowMatrix::Constant(2, 1, 1.0);

// The message of the DataError `run` throws ("" and a failed check when it throws none).
template <class F>
std::string data_error(F&& run) {
  try {
    run();
  } catch (const DataError& e) {
    return e.what();
  }
  FAIL_CHECK("no DataError thrown");
  return "";
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("a negative eigenvalue of K(X,X) is an error: training diverges, and the message names it") {
  const test::Kernels k = two_points(matrix2(1.0, 0.0, 0.0, -0.5));
  for (double t : {3.0, double(INFINITY)}) {
    const std::string message = data_error([&] { test::predict(k, targets, t); });
    CHECK(has(message, "training diverges"));
    CHECK(has(message, "smallest real part of an eigenvalue of K(X,X): -0.5"));
  }
}

TEST_CASE("a non-symmetric K(X,X) with complex eigenvalues is judged by their real parts") {
  // Eigenvalues 0.1 +- 3i: converges (slowly, oscillating); -0.1 +- 3i: diverges.
  CHECK_NOTHROW(test::predict(two_points(matrix2(0.1, 3.0, -3.0, 0.1)), targets, INFINITY));
  CHECK_THROWS_WITH_AS(test::predict(two_points(matrix2(-0.1, 3.0, -3.0, -0.1)), targets, 5.0),
                       Contains("real part of an eigenvalue of K(X,X): -0.1"), DataError);
}

TEST_CASE("a singular K(X,X) is an error at t = inf and a warning at finite t") {
  const test::Kernels k = two_points(matrix2(1.0, 1.0, 1.0, 1.0));  // two identical training points
  const std::string message = data_error([&] { test::predict(k, targets, INFINITY); });
  CHECK(has(message, "does not converge"));
  CHECK(has(message, "--diag-reg"));
  const runtime::Prediction p = test::predict(k, targets, 4.0);
  REQUIRE(p.warnings.size() == 1);
  CHECK(p.warnings[0].find("singular") != std::string::npos);
  // K = 2P with P the projector on (1,1)/sqrt2 and Y in range(P): mean = K(x,X) (1 - e^{-4}) / 2 Y.
  CHECK(p.mean(0, 0) == doctest::Approx(-std::expm1(-4.0) / 2).epsilon(1e-14));
  // With a regularisation t = inf is fine again.
  CHECK(test::predict(k, targets, INFINITY, 1e-3).warnings.empty());
}

TEST_CASE("an ill-conditioned K(X,X) is a warning that suggests --diag-reg") {
  const test::Kernels k = two_points(matrix2(1.0, 0.0, 0.0, 1e-13));
  const runtime::Prediction p = test::predict(k, targets, INFINITY);
  REQUIRE(p.warnings.size() == 1);
  CHECK(p.warnings[0].find("ill-conditioned (condition number ~1e+13)") != std::string::npos);
  CHECK(p.warnings[0].find("--diag-reg") != std::string::npos);
  CHECK(test::predict(k, targets, INFINITY, 1e-6).warnings.empty());
}

TEST_CASE("the naive NTK of a sign network (erf_m at m = inf) is refused: gradient descent is ill-posed") {
  const runtime::KernelProgram program = test::paper_program("erf_ntk", {"m=inf"});
  const RowMatrix grid = test::circle(), x = test::every_7th(grid), y = test::paper_target(x);
  runtime::PredictOptions options;
  for (double t : {100.0, double(INFINITY)}) {
    options.t = t;
    const std::string message =
        data_error([&] { runtime::predict(program, runtime::PredictKind::ntk, x, y, grid, options); });
    CHECK(has(message, "K(X,X) is inf on its diagonal"));
    CHECK(has(message, "ill-posed"));
    CHECK(has(message, "collapses to the initial function f_0"));
  }
  // Its NNGP and the SG-NTK of the same limit are fine.
  options.t = INFINITY;
  CHECK_NOTHROW(runtime::predict(program, runtime::PredictKind::nngp, x, y, grid, options));
  CHECK_NOTHROW(runtime::predict(test::paper_program("erf_sgntk", {"m=inf"}), runtime::PredictKind::sgntk, x, y,
                                 grid, options));
}

TEST_CASE("NaN or inf in any kernel or target is an error naming the matrix and entry") {
  test::Kernels k = two_points(RowMatrix::Identity(2, 2));
  k.k_test_train(1, 0) = NAN;
  CHECK_THROWS_WITH_AS(test::predict(k, targets, 1.0), Contains("K(x,X) is nan at entry (1, 0)"), DataError);
  k = two_points(RowMatrix::Identity(2, 2));
  k.sigma_test_test(0, 1) = INFINITY;
  CHECK_THROWS_WITH_AS(test::predict(k, targets, 1.0), Contains("Sigma(x,x') is inf at entry (0, 1)"), DataError);
  k = two_points(matrix2(1.0, NAN, 0.0, 1.0));
  CHECK_THROWS_WITH_AS(test::predict(k, targets, 1.0), Contains("K(X,X) is nan"), DataError);
  RowMatrix bad_targets = targets;
  bad_targets(1, 0) = NAN;
  CHECK_THROWS_WITH_AS(test::predict(two_points(RowMatrix::Identity(2, 2)), bad_targets, 1.0),
                       Contains("the training targets is nan"), DataError);
}

TEST_CASE("a prediction that overflows is an error, not inf") {
  test::Kernels k = two_points(RowMatrix::Identity(2, 2));
  k.k_test_train.setConstant(1e300);
  CHECK_THROWS_WITH_AS(test::predict(k, RowMatrix::Constant(2, 1, 1e300), INFINITY),
                       Contains("the predicted mean is inf"), DataError);
}

TEST_CASE("bad shapes, times and regularisations are errors") {
  const test::Kernels k = two_points(RowMatrix::Identity(2, 2));
  CHECK_THROWS_WITH_AS(test::predict(k, RowMatrix::Ones(3, 1), 1.0), Contains("K(X,X) is 2 x 2, expected 3 x 3"),
                       DataError);
  CHECK_THROWS_WITH_AS(test::predict(k, targets, -1.0), Contains("t must be >= 0"), DataError);
  CHECK_THROWS_WITH_AS(test::predict(k, targets, NAN), Contains("t must be >= 0"), DataError);
  CHECK_THROWS_WITH_AS(test::predict(k, targets, 1.0, -0.1), Contains("regularisation"), DataError);

  const runtime::KernelProgram program = test::paper_program("sign_sgl");
  const RowMatrix grid = test::circle(), x = test::every_7th(grid);
  const runtime::PredictOptions options;
  CHECK_THROWS_WITH_AS(runtime::predict(program, runtime::PredictKind::sgntk, x, RowMatrix::Ones(14, 1), grid, options),
                       Contains("the targets have 14 rows"), DataError);
  CHECK_THROWS_WITH_AS(runtime::predict(program, runtime::PredictKind::sgntk, x, RowMatrix::Ones(15, 1),
                                        RowMatrix::Ones(4, 3), options),
                       Contains("the test inputs has 3 columns"), DataError);
}
