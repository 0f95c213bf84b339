// The jobs sgntk runs, one function each, called by the commands (cli/cmd_*.cpp) and by the
// tasks of `sgntk run` (cli/experiment/task_*.cpp) alike. Each runs the runtime on a lowered
// program and applies the one rule for non-finite results:
//   * NaN anywhere in a result is an error (runtime::DataError naming the first NaN entry, and
//     the caller writes nothing);
//   * +inf is kept where the kernel is +inf by construction: the naive NTK of a jump activation
//     on the diagonal (E[delta(u) delta(v)] diverges where x = x'); warn_infinite_diagonal()
//     says so, with the layer and its activation.
#pragma once
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "compiler/lower/lower.h"
#include "compiler/sema/module.h"
#include "compiler/source/diagnostics.h"
#include "runtime/bind.h"
#include "runtime/empirical_kernel.h"
#include "runtime/errors.h"
#include "runtime/kernels.h"
#include "runtime/predict.h"
#include "runtime/bound_program.h"
#include "runtime/training.h"

namespace sgntk::jobs {

// The program every job runs: lower::lower, then runtime::bind (which loads the plugins), with
// bind's problems reported at their spec positions. std::nullopt after an error; then
// `*bind_failed` (when given) tells whether lowering succeeded and binding (the plugins) failed.
std::optional<runtime::KernelProgram> lower_and_bind(const sema::Module& module, const std::string& network,
                                                    const lower::LowerOptions& options,
                                                    const runtime::BindOptions& bind_options, Diagnostics& diags,
                                                    bool* bind_failed = nullptr);

// K[i][j] = K(x1_i, x2_j); x2 == nullptr: x1.
runtime::RowMatrix kernel(const runtime::KernelProgram& program, runtime::KernelKind kind, const runtime::RowMatrix& x1,
                          const runtime::RowMatrix* x2, const runtime::KernelOptions& options);

// The same into a caller's destination (a memory-mapped output file): every entry is written
// once; throws NanResult when an entry is NaN (the caller then discards `out`).
void kernel_into(const runtime::KernelProgram& program, runtime::KernelKind kind, const runtime::RowMatrix& x1,
                 const runtime::RowMatrix* x2, runtime::MatrixView out, const runtime::KernelOptions& options);

// How kernel_to_file writes an .npy output: in place (memory-mapped, peak memory about the
// output's size) or out of core (band by band, peak memory about one band).
struct KernelFileOptions {
  // Out of core when the output's bytes exceed it; 0: default_memory_budget().
  std::size_t memory_budget = 0;
  bool out_of_core = false;  // out of core whatever the size
  // --resume (out of core): what the inputs' fingerprint covers besides the points, the kind and
  // the shape (the spec's text and the options that change entries); std::nullopt: not resumable.
  std::optional<std::string> resume_identity;
  std::function<void(const std::string&)> notice;  // a line for the user (a resumed run says so)
};

// KernelFileOptions::resume_identity for a spec of `spec_text` compiled with these options: the
// text and every option that changes an entry (not the threads: entries are the same bits for
// every thread count). The CLI and the Python package use it alike.
std::string kernel_resume_identity(const std::string& spec_text, const std::string& network, double tolerance,
                                   const std::vector<std::string>& sets, const std::vector<std::string>& plugin_paths);
// The fingerprint of a kernel's inputs that a --resume side file holds (hex): `identity` (what
// KernelFileOptions::resume_identity says), the kind and the points.
std::string kernel_fingerprint(const std::string& identity, runtime::KernelKind kind, const runtime::RowMatrix& x1,
                               const runtime::RowMatrix* x2);

// 1/8 of the machine's physical memory.
std::size_t default_memory_budget();

// Whether kernel_to_file computes an output of rows x cols out of core.
bool kernel_out_of_core(std::size_t rows, std::size_t cols, const KernelFileOptions& file);

// The same into the file `path` (.npy or .csv), replacing it only when every entry is computed
// and none is NaN (else it keeps its older content and no temporary is left; a resumable run
// keeps its partial file for --resume). An .npy file is computed in place, memory-mapped (peak
// memory about the output's size), or out of core when kernel_out_of_core() says so: in bands of
// rows of at most 1/32 of the memory budget each, written with pwrite (runtime/banded_npy_output),
// bitwise the same file. csv text cannot be written in place, so a .csv goes through the matrix in
// memory and write_matrix.
void kernel_to_file(const runtime::KernelProgram& program, runtime::KernelKind kind, const runtime::RowMatrix& x1,
                    const runtime::RowMatrix* x2, const std::string& path, const runtime::KernelOptions& options,
                    const KernelFileOptions& file = {});

// kernel_to_file's out-of-core path (kernel_out_of_core.cpp).
void kernel_bands_to_file(const runtime::KernelProgram& program, runtime::KernelKind kind, const runtime::RowMatrix& x1,
                          const runtime::RowMatrix* x2, const std::string& path, const runtime::KernelOptions& options,
                          const KernelFileOptions& file);

// A warning (with a note) per layer whose `kind` kernel is +inf on the diagonal, pointing at its
// activation in the spec; nothing for kernels that are finite there.
void warn_infinite_diagonal(const sema::Module& module, const runtime::KernelProgram& program,
                            runtime::KernelKind kind, Diagnostics& diags);

// [ensemble, n1, n2], C order.
std::vector<double> empirical(const runtime::KernelProgram& program, const runtime::EmpiricalJob& job);

runtime::EnsembleResult train(const runtime::KernelProgram& program, const runtime::EnsembleTraining& job);
// The rule for non-finite results of train() on a whole ensemble's result (outputs, then loss), for results that
// were put together from parts (cli/ensemble_ranks.h).
void refuse_non_finite_in_ensemble(const runtime::EnsembleResult& result, long ensemble);

runtime::Prediction predict(const runtime::KernelProgram& program, runtime::PredictKind kind,
                            const runtime::RowMatrix& x_train, const runtime::RowMatrix& y_train,
                            const runtime::RowMatrix& x_test, const runtime::PredictOptions& options);

// The prediction into files: `out` the mean and std ([n_test, 2 * outputs]), `cov` the
// covariance, each optional, both written or neither. An .npy `cov` larger than the memory budget (as
// KernelFileOptions; or any, with out_of_core) streams band by band into its file
// (runtime::predict_in_bands; the solved test rows, when they take more than half the budget, in a
// scratch file beside it): peak memory O(N_train^2 + band x (N_train + n_test)), not the
// covariance's; the same bytes as in memory. Returns the prediction without its covariance.
struct PredictFiles {
  std::string out, cov;
  std::size_t memory_budget = 0;  // 0: default_memory_budget()
  bool out_of_core = false;
};
bool predict_out_of_core(std::size_t n_test, const PredictFiles& files);
runtime::Prediction predict_to_files(const runtime::KernelProgram& program, runtime::PredictKind kind,
                                     const runtime::RowMatrix& x_train, const runtime::RowMatrix& y_train,
                                     const runtime::RowMatrix& x_test, runtime::PredictOptions options,
                                     const PredictFiles& files);

// What the NaN rule throws: a DataError, so every command reports it as bad input (exit 1).
struct NanResult : runtime::DataError {
  using runtime::DataError::DataError;
};

// The rule for non-finite results: throws NanResult at the first entry of the C-order array
// `data` of `shape` that is NaN ("WHAT is NaN at entry (i, j, ...); no output written") or +-inf
// ("WHAT is infinite at entry (...): beyond the largest double; no output written"). For finite
// networks and predictions, which have no infinity that the mathematics means.
void refuse_non_finite(const double* data, const std::vector<long>& shape, const std::string& what);
[[noreturn]] void throw_nan_at(const std::vector<long>& index, const std::string& what);
[[noreturn]] void throw_infinite_at(const std::vector<long>& index, const std::string& what);
// The same rule for a kernel, from what its computation found: its first NaN, else its first
// infinity that the mathematics does not mean (runtime::KernelSummary).
void refuse_bad_entries(const runtime::KernelSummary& summary, runtime::KernelKind kind);

}  // namespace sgntk::jobs
