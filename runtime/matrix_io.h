// Reading and writing 2-D float64 matrices as .csv (one row per line, comma separated, no
// header, '#' comment lines allowed) or .npy (float64, C order, 2-D; version 1.0 written),
// chosen by the file extension. Writes are atomic: a temporary file renamed into place, so a
// failed run leaves no partial output.
#pragma once
#include <Eigen/Core>
#include <string>
#include <vector>

namespace sgntk::runtime {

using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Throws DataError ("FILE:LINE: ..." for csv) on any problem: missing file, unknown extension,
// ragged rows, non-numeric fields, NaN or inf values, an empty file, a bad npy header.
RowMatrix read_matrix(const std::string& path);

// Throws DataError when the path cannot be written; never leaves a partial file.
void write_matrix(const std::string& path, const Eigen::Ref<const RowMatrix>& m);

// Writes an npy array of any rank (float64, C order); shape.size() >= 1. Atomic as above.
void write_npy(const std::string& path, const double* data, const std::vector<long>& shape);

}  // namespace sgntk::runtime
