#include "cli/experiment/data_sets.h"

#include <cmath>
#include <fmt/format.h>
#include <numbers>

#include "runtime/errors.h"
#include "runtime/philox.h"

namespace sgntk::experiment {

using runtime::DataError;
using runtime::RowMatrix;

const RowMatrix& DataSets::points(const std::string& name) {
  if (auto it = cache_.find(name); it != cache_.end()) return it->second;
  const DataDecl* d = experiment_.find_data(name);
  if (d == nullptr) throw DataError(fmt::format("unknown data set '{}'", name));
  return cache_.emplace(name, make(*d)).first->second;
}

RowMatrix DataSets::make(const DataDecl& d) {
  using Kind = DataDecl::Kind;
  switch (d.kind) {
    case Kind::circle: {
      // The paper's grid: alpha_i = 2 pi i/n - pi, x_i = (sin alpha_i, cos alpha_i).
      RowMatrix x(d.n, 2);
      for (long i = 0; i < d.n; ++i) {
        const double alpha = 2 * std::numbers::pi * static_cast<double>(i) / static_cast<double>(d.n) - std::numbers::pi;
        x(i, 0) = std::sin(alpha);
        x(i, 1) = std::cos(alpha);
      }
      return x;
    }
    case Kind::lattice: {
      // n points per axis from low to high; the last coordinate varies fastest.
      long rows = 1;
      for (int k = 0; k < d.dim; ++k) rows *= d.n;
      RowMatrix x(rows, d.dim);
      const double step = d.n > 1 ? (d.high - d.low) / static_cast<double>(d.n - 1) : 0.0;
      for (long r = 0; r < rows; ++r) {
        long rest = r;
        for (int k = d.dim - 1; k >= 0; --k, rest /= d.n) x(r, k) = d.low + step * static_cast<double>(rest % d.n);
      }
      return x;
    }
    case Kind::gaussian: {
      // Standard normal coordinates from the counter-based stream (seed, 0xda7a, 0): the same
      // points on every machine and for every thread count.
      RowMatrix x(d.n, d.dim);
      runtime::philox::NormalStream(d.seed, 0xda7au, 0).fill<double>(0, x.data(), static_cast<std::uint64_t>(x.size()));
      return x;
    }
    case Kind::csv:
    case Kind::npy: {
      const std::string ext = d.kind == Kind::csv ? ".csv" : ".npy";
      if (d.path.size() < ext.size() || d.path.compare(d.path.size() - ext.size(), ext.size(), ext) != 0)
        throw DataError(fmt::format("data '{}': '{}' does not end in {}", d.name, d.path, ext));
      return runtime::read_matrix(d.path);
    }
    case Kind::select: {
      const RowMatrix& from = points(d.from);
      std::vector<long> rows = d.indices;
      if (d.every > 0)
        for (long i = d.offset; i < from.rows(); i += d.every) rows.push_back(i);
      if (rows.empty()) throw DataError(fmt::format("data '{}' selects no rows of '{}'", d.name, d.from));
      RowMatrix x(static_cast<long>(rows.size()), from.cols());
      for (std::size_t k = 0; k < rows.size(); ++k) {
        if (rows[k] >= from.rows())
          throw DataError(fmt::format("data '{}': index {} is out of range ('{}' has {} rows)", d.name, rows[k],
                                      d.from, from.rows()));
        x.row(static_cast<long>(k)) = from.row(rows[k]);
      }
      return x;
    }
  }
  throw DataError("unknown data source");
}

RowMatrix DataSets::values(const std::string& name, const RowMatrix& x) {
  const TargetDecl* target = experiment_.find_target(name);
  if (target == nullptr) return points(name);
  if (target->body.max_coordinate() >= x.cols())
    throw DataError(fmt::format("target '{}' uses x{}, but the points have {} coordinates", name,
                                target->body.max_coordinate(), x.cols()));
  RowMatrix y(x.rows(), 1);
  for (long i = 0; i < x.rows(); ++i) {
    y(i, 0) = target->body(std::span<const double>(x.row(i).data(), static_cast<std::size_t>(x.cols())));
    if (!std::isfinite(y(i, 0)))
      throw DataError(fmt::format("target '{}' is not finite at row {} of its points", name, i));
  }
  return y;
}

}  // namespace sgntk::experiment
