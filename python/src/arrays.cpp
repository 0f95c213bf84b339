#include "python/src/arrays.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdint>

#include "runtime/errors.h"

namespace sgntk::python {
namespace {

template <class T>
void copy_strided(const InArray& a, runtime::RowMatrix& m, std::int64_t row_stride, std::int64_t col_stride) {
  const T* base = static_cast<const T*>(a.data());
  for (Eigen::Index i = 0; i < m.rows(); ++i)
    for (Eigen::Index j = 0; j < m.cols(); ++j) m(i, j) = static_cast<double>(base[i * row_stride + j * col_stride]);
}

template <class... T>
struct TypeList {};

// Dispatches on (dtype code, bits) to copy_strided<T>; false when no T matches.
template <class... T>
bool copy_any(TypeList<T...>, const InArray& a, runtime::RowMatrix& m, std::int64_t rs, std::int64_t cs) {
  const nb::dlpack::dtype d = a.dtype();
  return ((d == nb::dtype<T>() ? (copy_strided<T>(a, m, rs, cs), true) : false) || ...);
}

using Supported = TypeList<double, float, std::int64_t, std::int32_t, std::int16_t, std::int8_t, std::uint64_t,
                           std::uint32_t, std::uint16_t, std::uint8_t, bool>;

}  // namespace

runtime::RowMatrix to_matrix(const InArray& a, const char* what, Vector vector) {
  if (a.ndim() != 1 && a.ndim() != 2)
    throw runtime::DataError(fmt::format("{} has {} dimensions, expected a 2-D array (one point per row) or 1-D", what,
                                         a.ndim()));
  Eigen::Index rows, cols;
  std::int64_t rs, cs;
  if (a.ndim() == 2) {
    rows = static_cast<Eigen::Index>(a.shape(0)), cols = static_cast<Eigen::Index>(a.shape(1));
    rs = a.stride(0), cs = a.stride(1);
  } else if (vector == Vector::row) {
    rows = 1, cols = static_cast<Eigen::Index>(a.shape(0)), rs = 0, cs = a.stride(0);
  } else {
    rows = static_cast<Eigen::Index>(a.shape(0)), cols = 1, rs = a.stride(0), cs = 0;
  }
  if (rows == 0 || cols == 0) throw runtime::DataError(fmt::format("{} is empty ({} x {})", what, rows, cols));
  runtime::RowMatrix m(rows, cols);
  if (!copy_any(Supported{}, a, m, rs, cs))
    throw runtime::DataError(fmt::format("{}: unsupported dtype (code {}, {} bits); use a float, integer or bool array",
                                         what, a.dtype().code, a.dtype().bits));
  for (Eigen::Index k = 0; k < m.size(); ++k)
    if (!std::isfinite(m.data()[k]))
      throw runtime::DataError(
          fmt::format("{}: element ({}, {}) is not finite ({})", what, k / cols, k % cols, m.data()[k]));
  return m;
}

namespace {

template <class Owned>
OutArray owning_array(Owned* owned, double* data, std::vector<std::size_t> shape) {
  nb::capsule owner(owned, [](void* p) noexcept { delete static_cast<Owned*>(p); });
  return OutArray(data, shape.size(), shape.data(), owner);
}

}  // namespace

OutArray to_numpy(runtime::RowMatrix&& m) {
  auto* owned = new runtime::RowMatrix(std::move(m));
  return owning_array(owned, owned->data(), {static_cast<std::size_t>(owned->rows()), static_cast<std::size_t>(owned->cols())});
}

OutArray to_numpy(std::vector<double>&& data, const std::vector<long>& shape) {
  auto* owned = new std::vector<double>(std::move(data));
  return owning_array(owned, owned->data(), std::vector<std::size_t>(shape.begin(), shape.end()));
}

OutArray to_numpy(const Eigen::VectorXd& v) {
  return to_numpy(std::vector<double>(v.data(), v.data() + v.size()), {static_cast<long>(v.size())});
}

}  // namespace sgntk::python
