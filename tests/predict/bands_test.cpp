// The covariance by bands (runtime::predict_in_bands, what `sgntk predict` streams to a file):
// bitwise the matrix predict() holds for every band height, with the solved test rows held,
// spilled to a scratch file or solved again, and that matrix against the textbook formula C = S - P - P^T + A Sigma A^T computed
// here with whole-matrix products.
#include <doctest/doctest.h>

#include <Eigen/LU>
#include <cstring>
#include <filesystem>
#include <string>

#include "runtime/errors.h"
#include "tests/predict/predict_fixture.h"

namespace {

using namespace sgntk;
using Eigen::MatrixXd;
using runtime::KernelKind;
using runtime::PredictKind;
using runtime::RowMatrix;

// 300 test points on rings of three radii: 5 tiles, the last one partial.
RowMatrix test_points() {
  return test::circle(300, [](int i) { return 0.5 + 0.25 * (i % 3); });
}

// The covariance put together from its bands, as a file receives them (the mirror written by the receiver).
RowMatrix from_bands(const runtime::KernelProgram& program, PredictKind kind, const RowMatrix& x, const RowMatrix& y,
                     const RowMatrix& grid, const runtime::PredictOptions& options, std::size_t band_rows,
                     const std::string& rows, runtime::Prediction& p, int& band_count) {
  RowMatrix cov = RowMatrix::Constant(grid.rows(), grid.rows(), NAN);
  runtime::CovarianceBands bands;
  bands.band_rows = band_rows;
  bands.hold_test_rows = rows == "held";
  if (rows == "spilled") {
    bands.spill_folder = std::string(SGNTK_BINARY_DIR) + "/predict_bands";
    std::filesystem::remove_all(bands.spill_folder);
    std::filesystem::create_directories(bands.spill_folder);
  }
  band_count = 0;
  std::size_t next_row = 0;
  bands.band = [&](const runtime::KernelBand& b) {
    CHECK(b.r0 == next_row);  // in order, each once
    CHECK(b.index == static_cast<std::size_t>(band_count));
    CHECK(b.c0 == b.r0);
    CHECK(b.symmetric);
    next_row = b.r1;
    ++band_count;
    for (std::size_t i = b.r0; i < b.r1; ++i)
      for (std::size_t j = b.c0; j < b.cols; ++j) cov(i, j) = cov(j, i) = b.value(i, j);
  };
  p = runtime::predict_in_bands(program, kind, x, y, grid, options, bands);
  CHECK(next_row == static_cast<std::size_t>(grid.rows()));
  CHECK(p.cov.size() == 0);
  if (rows == "spilled")  // the scratch file is unnamed: nothing is left
    CHECK(std::filesystem::is_empty(bands.spill_folder));
  return cov;
}

bool same_bits(const RowMatrix& a, const RowMatrix& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         std::memcmp(a.data(), b.data(), sizeof(double) * static_cast<std::size_t>(a.size())) == 0;
}

}  // namespace

TEST_CASE("the covariance by bands is bitwise predict()'s, for every band height, test rows held, spilled or solved again") {
  const RowMatrix grid = test_points(), x = test::every_7th(test::circle()), y = test::paper_target(x);
  struct Case {
    const char* spec;
    PredictKind kind;
    double t;
  };
  for (const Case c : {Case{"sign_sgl", PredictKind::sgntk, 3000.0}, Case{"erf_ntk", PredictKind::ntk, INFINITY},
                       Case{"erf_ntk", PredictKind::nngp, INFINITY}}) {
    CAPTURE(c.spec);
    CAPTURE(c.t);
    const runtime::KernelProgram program = test::paper_program(c.spec);
    runtime::PredictOptions options;
    options.t = c.t;
    options.threads = 2;
    const runtime::Prediction want = runtime::predict(program, c.kind, x, y, grid, options);
    REQUIRE(want.cov.rows() == 300);
    CHECK(same_bits(want.cov, want.cov.transpose()));  // exactly symmetric
    for (Eigen::Index i = 0; i < 300; ++i) CHECK(want.std(i) == std::sqrt(std::max(want.cov(i, i), 0.0)));
    for (const std::size_t band_rows : {64, 128, 192, 320}) {
      for (const std::string rows : {"held", "spilled", "solved again"}) {
        CAPTURE(band_rows);
        CAPTURE(rows);
        options.threads = rows == "held" ? 1 : 2;  // and every thread count
        runtime::Prediction p;
        int bands = 0;
        const RowMatrix cov = from_bands(program, c.kind, x, y, grid, options, band_rows, rows, p, bands);
        CHECK(bands == static_cast<int>((300 + band_rows - 1) / band_rows));
        CHECK(same_bits(cov, want.cov));
        CHECK(same_bits(p.mean, want.mean));
        CHECK(std::memcmp(p.std.data(), want.std.data(), sizeof(double) * 300) == 0);
      }
    }
    // Without a covariance: the same mean and std.
    options.covariance = false;
    const runtime::Prediction no_cov = runtime::predict(program, c.kind, x, y, grid, options);
    CHECK(same_bits(no_cov.mean, want.mean));
    CHECK(std::memcmp(no_cov.std.data(), want.std.data(), sizeof(double) * 300) == 0);
  }
}

TEST_CASE("the blocked covariance equals the textbook formula with whole-matrix products to 1e-12") {
  const RowMatrix grid = test_points(), x = test::every_7th(test::circle()), y = test::paper_target(x);
  for (const PredictKind kind : {PredictKind::sgntk, PredictKind::ntk}) {
    const runtime::KernelProgram program = test::paper_program(kind == PredictKind::sgntk ? "erf_sgntk" : "erf_ntk");
    const test::Kernels k = test::kernels(program, kind == PredictKind::sgntk ? KernelKind::sgntk : KernelKind::ntk,
                                          x, grid);
    // A = K(x,X) K(X,X)^-1 at t = inf, by a full-pivoting LU of its own.
    const Eigen::FullPivLU<MatrixXd> lu_transposed{MatrixXd(k.k_train_train.transpose())};
    const MatrixXd a = lu_transposed.solve(MatrixXd(k.k_test_train.transpose())).transpose();
    const MatrixXd p = a * MatrixXd(k.sigma_test_train.transpose());
    const MatrixXd want_cov = MatrixXd(k.sigma_test_test) - p - p.transpose() + a * MatrixXd(k.sigma_train_train) * a.transpose();
    const MatrixXd want_mean = a * MatrixXd(y);

    runtime::PredictOptions options;
    const runtime::Prediction got = runtime::predict(program, kind, x, y, grid, options);
    const double scale = k.sigma_test_test.cwiseAbs().maxCoeff();
    CHECK((MatrixXd(got.cov) - want_cov).cwiseAbs().maxCoeff() < 1e-12 * scale);
    CHECK(test::max_relative_difference(got.mean, want_mean) < 1e-12);
    // predict_from_kernels runs the same blocks on the given matrices.
    const runtime::Prediction from_kernels = test::predict(k, y, INFINITY);
    CHECK((from_kernels.cov - got.cov).cwiseAbs().maxCoeff() < 1e-13 * scale);
  }
}

TEST_CASE("covariance_bands: bands of 1/32 of the budget, test rows held while they take at most half of it") {
  const runtime::CovarianceBands small = runtime::covariance_bands(2000, 20000, std::size_t{3} << 30);
  CHECK(small.band_rows % runtime::predict_tile_rows == 0);
  CHECK(2 * small.band_rows * 20000 * sizeof(double) <= (std::size_t{3} << 30) / 32);
  CHECK(small.band_rows >= (std::size_t{3} << 30) / 32 / (2 * 20000 * sizeof(double)) - runtime::predict_tile_rows);
  CHECK(small.hold_test_rows);  // 640 MB <= 1.5 GB
  CHECK_FALSE(runtime::covariance_bands(2000, 20000, std::size_t{1} << 30).hold_test_rows);
  CHECK(runtime::covariance_bands(2000, 20000, 1000).band_rows == runtime::predict_tile_rows);  // at least a tile
}

TEST_CASE("a NaN test kernel or an overflowing covariance stops the bands before a band holding it is passed on") {
  const runtime::KernelProgram program = test::paper_program("erf_ntk");
  const RowMatrix x = test::every_7th(test::circle()), y = test::paper_target(x);
  RowMatrix grid = test_points();
  grid(130, 1) = 1e300;  // |x|^2 overflows: Sigma(x, .) is not finite for that point
  runtime::CovarianceBands bands;
  bands.band_rows = 64;
  std::size_t passed = 0;
  bands.band = [&](const runtime::KernelBand& b) { passed = b.r1; };
  runtime::PredictOptions options;
  CHECK_THROWS(runtime::predict_in_bands(program, PredictKind::ntk, x, y, grid, options, bands));
  CHECK(passed <= 128);
}
