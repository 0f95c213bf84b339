// The prediction into its files (jobs.h, predict_to_files): the mean and std in memory, the
// covariance in memory or, past the memory budget, band by band into its .npy
// (runtime/banded_npy_output); both files or neither.
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "cli/jobs/jobs.h"
#include "runtime/banded_npy_output.h"
#include "runtime/quadrature_misses.h"

namespace sgntk::jobs {
namespace {

// [n_test, 2 * outputs]: the mean of each output, then its standard deviation.
runtime::RowMatrix mean_and_std(const runtime::Prediction& p) {
  const Eigen::Index k = p.mean.cols();
  runtime::RowMatrix m(p.mean.rows(), 2 * k);
  m.leftCols(k) = p.mean;
  m.rightCols(k) = p.std.replicate(1, k);
  return m;
}

[[noreturn]] void cannot_write(const std::string& path, int error) {
  throw runtime::DataError(fmt::format("{}: cannot write: {}", path, std::strerror(error)));
}

// The mean file staged (complete on disk) before the covariance replaces its target, renamed
// after it: a failure before the covariance's rename changes neither file.
void commit_both(const std::string& out, const std::string& bytes, runtime::BandedNpyOutput& cov) {
  std::string temp;
  const int fd = runtime::create_temporary(out, temp);
  if (fd < 0) cannot_write(out, errno);
  int error = runtime::write_and_sync(fd, bytes);
  if (::close(fd) != 0 && error == 0) error = errno;
  if (error != 0) {
    ::unlink(temp.c_str());
    cannot_write(out, error);
  }
  try {
    cov.commit();
  } catch (...) {
    ::unlink(temp.c_str());
    throw;
  }
  if (std::rename(temp.c_str(), out.c_str()) != 0) {
    error = errno;
    ::unlink(temp.c_str());
    cannot_write(out, error);
  }
  runtime::sync_folder(runtime::folder_of(out));
}

bool same_file(const std::string& a, const std::string& b) {
  namespace fs = std::filesystem;
  std::error_code ea, eb;
  return fs::weakly_canonical(a, ea) == fs::weakly_canonical(b, eb) && !ea && !eb;
}

}  // namespace

bool predict_out_of_core(std::size_t n_test, const PredictFiles& files) {
  if (files.cov.empty() || std::filesystem::path(files.cov).extension() != ".npy") return false;
  const std::size_t budget = files.memory_budget ? files.memory_budget : default_memory_budget();
  return files.out_of_core || n_test * n_test * sizeof(double) > budget;
}

runtime::Prediction predict_to_files(const runtime::KernelProgram& program, runtime::PredictKind kind,
                                          const runtime::RowMatrix& x_train, const runtime::RowMatrix& y_train,
                                          const runtime::RowMatrix& x_test, runtime::PredictOptions options,
                                          const PredictFiles& files) {
  options.covariance = !files.cov.empty();
  if (!predict_out_of_core(static_cast<std::size_t>(x_test.rows()), files)) {
    runtime::Prediction p = jobs::predict(program, kind, x_train, y_train, x_test, options);
    if (options.cancelled && options.cancelled()) throw runtime::Cancelled();  // a signal during the solve
    std::vector<std::pair<std::string, std::string>> bytes;
    if (!files.out.empty()) bytes.emplace_back(files.out, runtime::matrix_bytes(files.out, mean_and_std(p)));
    if (!files.cov.empty()) bytes.emplace_back(files.cov, runtime::matrix_bytes(files.cov, p.cov));
    runtime::write_files_atomically(bytes);
    p.cov.resize(0, 0);
    return p;
  }
  if (!files.out.empty()) runtime::refuse_folder_target(files.out);
  if (!files.out.empty() && same_file(files.out, files.cov))
    throw runtime::DataError(fmt::format("{}: cannot write the same file twice in one result", files.cov));
  const std::size_t n_test = static_cast<std::size_t>(x_test.rows());
  runtime::CovarianceBands bands = runtime::covariance_bands(
      static_cast<std::size_t>(x_train.rows()), n_test, files.memory_budget ? files.memory_budget : default_memory_budget());
  bands.spill_folder = runtime::folder_of(files.cov);  // the solved test rows, when they do not fit: beside the output
  runtime::BandedNpyOutput cov(files.cov, n_test, n_test, bands.band_rows, std::nullopt);
  bands.band = [&cov](const runtime::KernelBand& band) { cov.write(band); };  // finite: checked by the runtime
  runtime::reset_quadrature_misses();
  runtime::Prediction p = runtime::predict_in_bands(program, kind, x_train, y_train, x_test, options, bands);
  refuse_non_finite(p.mean.data(), {p.mean.rows(), p.mean.cols()}, "the predicted mean");
  if (auto w = runtime::quadrature_miss_warning()) p.warnings.push_back(std::move(*w));
  if (options.cancelled && options.cancelled()) throw runtime::Cancelled();
  if (files.out.empty())
    cov.commit();
  else
    commit_both(files.out, runtime::matrix_bytes(files.out, mean_and_std(p)), cov);
  return p;
}

}  // namespace sgntk::jobs
