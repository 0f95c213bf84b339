// The jobs on finite networks and the prediction: empirical kernels, ensemble training and the
// infinite-width prediction, each under the rule for non-finite results of jobs.h.
#include <fmt/format.h>

#include "cli/jobs/jobs.h"
#include "cli/jobs/kinds.h"
#include "runtime/quadrature_misses.h"

namespace sgntk::jobs {

std::vector<double> empirical(const runtime::KernelProgram& program, const runtime::EmpiricalJob& job) {
  std::vector<double> k = runtime::empirical_kernels(program, job);
  const long n2 = job.x2.size() > 0 ? job.x2.rows() : job.x1.rows();
  refuse_non_finite(k.data(), {job.ensemble, static_cast<long>(job.x1.rows()), n2},
             fmt::format("the empirical {} kernel", kind_name(job.kind)));
  return k;
}

void refuse_non_finite_in_ensemble(const runtime::EnsembleResult& result, long ensemble) {
  refuse_non_finite(result.outputs.data(), result.outputs_shape, "the output of the trained networks");
  refuse_non_finite(result.loss.data(), {ensemble, static_cast<long>(result.loss_steps.size())}, "the training loss");
}

runtime::EnsembleResult train(const runtime::KernelProgram& program, const runtime::EnsembleTraining& job) {
  runtime::EnsembleResult result = runtime::train_ensemble(program, job);
  refuse_non_finite_in_ensemble(result, job.ensemble);
  return result;
}

runtime::Prediction predict(const runtime::KernelProgram& program, runtime::PredictKind kind,
                            const runtime::RowMatrix& x_train, const runtime::RowMatrix& y_train,
                            const runtime::RowMatrix& x_test, const runtime::PredictOptions& options) {
  runtime::reset_quadrature_misses();
  runtime::Prediction p = runtime::predict(program, kind, x_train, y_train, x_test, options);
  refuse_non_finite(p.mean.data(), {p.mean.rows(), p.mean.cols()}, "the predicted mean");
  refuse_non_finite(p.cov.data(), {p.cov.rows(), p.cov.cols()}, "the predicted covariance");
  if (auto w = runtime::quadrature_miss_warning()) p.warnings.push_back(std::move(*w));
  return p;
}

}  // namespace sgntk::jobs
