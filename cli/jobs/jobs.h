// The jobs sgntk runs, one function each, called by the commands (cli/cmd_*.cpp) and by the
// tasks of `sgntk run` (cli/experiment/task_*.cpp) alike. Each runs the runtime on a lowered
// program and applies the one rule for non-finite results:
//   * NaN anywhere in a result is an error (runtime::DataError naming the first NaN entry, and
//     the caller writes nothing);
//   * +inf is kept where the kernel is +inf by construction: the naive NTK of a jump activation
//     on the diagonal (E[delta(u) delta(v)] diverges where x = x'); warn_infinite_diagonal()
//     says so, with the layer and its activation.
#pragma once
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

// The same into the file `path` (.npy or .csv), replacing it only when every entry is computed
// and none is NaN (else it keeps its older content and no temporary is left). An .npy file is
// computed in place, memory-mapped (peak memory about the output's size); csv text cannot be
// written in place, so a .csv goes through the matrix in memory and write_matrix.
void kernel_to_file(const runtime::KernelProgram& program, runtime::KernelKind kind, const runtime::RowMatrix& x1,
                    const runtime::RowMatrix* x2, const std::string& path, const runtime::KernelOptions& options);

// A warning (with a note) per layer whose `kind` kernel is +inf on the diagonal, pointing at its
// activation in the spec; nothing for kernels that are finite there.
void warn_infinite_diagonal(const sema::Module& module, const runtime::KernelProgram& program,
                            runtime::KernelKind kind, Diagnostics& diags);

// [ensemble, n1, n2], C order.
std::vector<double> empirical(const runtime::KernelProgram& program, const runtime::EmpiricalJob& job);

runtime::EnsembleResult train(const runtime::KernelProgram& program, const runtime::EnsembleTraining& job);
// The NaN rule of train() on a whole ensemble's result (outputs, then loss), for results that
// were put together from parts (cli/ensemble_ranks.h).
void refuse_nan_in_ensemble(const runtime::EnsembleResult& result, long ensemble);

runtime::Prediction predict(const runtime::KernelProgram& program, runtime::PredictKind kind,
                            const runtime::RowMatrix& x_train, const runtime::RowMatrix& y_train,
                            const runtime::RowMatrix& x_test, const runtime::PredictOptions& options);

// What the NaN rule throws: a DataError, so every command reports it as bad input (exit 1).
struct NanResult : runtime::DataError {
  using runtime::DataError::DataError;
};

// The NaN rule: throws NanResult "WHAT is NaN at entry (i, j, ...); no output written" at the
// first NaN of the C-order array `data` of `shape`.
void refuse_nan(const double* data, const std::vector<long>& shape, const std::string& what);
[[noreturn]] void throw_nan_at(const std::vector<long>& index, const std::string& what);

}  // namespace sgntk::jobs
