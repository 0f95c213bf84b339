// numpy arrays in and out. In: any CPU array of a float, integer or bool dtype, any strides
// (Fortran order, views), 2-D or 1-D, read straight into the runtime's row-major float64 matrix
// (the one copy the runtime's API needs; no intermediate conversion). Out: float64 arrays that
// own their memory (the result moves into the array's capsule, no copy).
#pragma once
#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>

#include <string>
#include <vector>

#include "runtime/matrix_io.h"

namespace sgntk::python {

namespace nb = nanobind;
using InArray = nb::ndarray<nb::ro, nb::device::cpu>;
using OutArray = nb::ndarray<nb::numpy, double>;

// What a 1-D array means: one point (a row; inputs x) or one value per point (a column; targets y).
enum class Vector { row, column };

// Throws runtime::DataError naming `what` for an unsupported dtype, more than 2 dimensions, no
// entries, or a value that is NaN or infinite.
runtime::RowMatrix to_matrix(const InArray& array, const char* what, Vector vector = Vector::row);

OutArray to_numpy(runtime::RowMatrix&& m);
OutArray to_numpy(std::vector<double>&& data, const std::vector<long>& shape);
OutArray to_numpy(const Eigen::VectorXd& v);

}  // namespace sgntk::python
