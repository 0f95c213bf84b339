// The data sets and targets of a spec, made on first use and kept: circle, lattice and Gaussian
// points, csv/npy files, row selections, and target expressions evaluated on a data set.
#pragma once
#include <map>
#include <string>

#include "cli/experiment/experiment.h"
#include "runtime/matrix_io.h"

namespace sgntk::experiment {

class DataSets {
 public:
  explicit DataSets(const Experiment& experiment) : experiment_(experiment) {}

  // The points of data set `name` (one per row). Throws runtime::DataError (unreadable file,
  // index out of range).
  const runtime::RowMatrix& points(const std::string& name);

  // `name` is a data set (returned as is) or a target (evaluated at every row of x, one column).
  runtime::RowMatrix values(const std::string& name, const runtime::RowMatrix& x);

 private:
  runtime::RowMatrix make(const DataDecl& d);
  const Experiment& experiment_;
  std::map<std::string, runtime::RowMatrix> cache_;
};

}  // namespace sgntk::experiment
