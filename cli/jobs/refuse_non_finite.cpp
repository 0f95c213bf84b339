#include <cmath>
#include <fmt/format.h>

#include "cli/jobs/jobs.h"

namespace sgntk::jobs {

void refuse_non_finite(const double* data, const std::vector<long>& shape, const std::string& what) {
  long size = 1;
  for (long extent : shape) size *= extent;
  for (long flat = 0; flat < size; ++flat) {
    if (std::isfinite(data[flat])) continue;
    std::vector<long> index(shape.size());
    for (std::size_t d = shape.size(), rest = static_cast<std::size_t>(flat); d-- > 0;) {
      index[d] = static_cast<long>(rest % static_cast<std::size_t>(shape[d]));
      rest /= static_cast<std::size_t>(shape[d]);
    }
    if (std::isnan(data[flat])) throw_nan_at(index, what);
    throw_infinite_at(index, what);
  }
}

void throw_nan_at(const std::vector<long>& index, const std::string& what) {
  throw NanResult(fmt::format("{} is NaN at entry ({}); no output written", what, fmt::join(index, ", ")));
}

void throw_infinite_at(const std::vector<long>& index, const std::string& what) {
  throw NanResult(fmt::format("{} is infinite at entry ({}): beyond the largest double; no output written", what,
                              fmt::join(index, ", ")));
}

}  // namespace sgntk::jobs
