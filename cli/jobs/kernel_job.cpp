// The kernel job: an infinite-width kernel matrix, and the warnings of its +inf diagonal.
#include <fmt/format.h>

#include <filesystem>
#include <string>

#include "cli/jobs/jobs.h"
#include "cli/jobs/kinds.h"
#include "runtime/banded_npy_output.h"
#include "runtime/mapped_npy_output.h"

namespace sgntk::jobs {

runtime::RowMatrix kernel(const runtime::KernelProgram& program, runtime::KernelKind kind, const runtime::RowMatrix& x1,
                          const runtime::RowMatrix* x2, const runtime::KernelOptions& options) {
  runtime::RowMatrix k(x1.rows(), x2 ? x2->rows() : x1.rows());
  kernel_into(program, kind, x1, x2,
              {k.data(), static_cast<std::size_t>(k.rows()), static_cast<std::size_t>(k.cols()),
               static_cast<std::size_t>(k.cols())},
              options);
  return k;
}

void kernel_into(const runtime::KernelProgram& program, runtime::KernelKind kind, const runtime::RowMatrix& x1,
                 const runtime::RowMatrix* x2, runtime::MatrixView out, const runtime::KernelOptions& options) {
  refuse_bad_entries(runtime::compute_kernel_into(program, kind, x1, x2, out, options), kind);
}

void refuse_bad_entries(const runtime::KernelSummary& summary, runtime::KernelKind kind) {
  const std::string what = fmt::format("the {} kernel", kind_name(kind));
  auto index = [](const std::pair<std::size_t, std::size_t>& at) {
    return std::vector<long>{static_cast<long>(at.first), static_cast<long>(at.second)};
  };
  if (summary.first_nan) throw_nan_at(index(*summary.first_nan), what);
  if (summary.first_infinite) throw_infinite_at(index(*summary.first_infinite), what);
}

void kernel_to_file(const runtime::KernelProgram& program, runtime::KernelKind kind, const runtime::RowMatrix& x1,
                    const runtime::RowMatrix* x2, const std::string& path, const runtime::KernelOptions& options,
                    const KernelFileOptions& file) {
  runtime::refuse_folder_target(path);  // before the computation, for csv too
  if (std::filesystem::path(path).extension() != ".npy") {
    runtime::write_matrix(path, kernel(program, kind, x1, x2, options));
    return;
  }
  const std::size_t rows = static_cast<std::size_t>(x1.rows()), cols = static_cast<std::size_t>(x2 ? x2->rows() : x1.rows());
  if (kernel_out_of_core(rows, cols, file)) {
    kernel_bands_to_file(program, kind, x1, x2, path, options, file);
  } else {
    runtime::MappedNpyOutput out(path, rows, cols);
    runtime::KernelOptions streamed = options;
    streamed.rows_done = [&out](std::size_t done) { out.flush_rows(done); };
    kernel_into(program, kind, x1, x2, out.view(), streamed);
    out.commit();
  }
  runtime::remove_partial(path);  // an earlier --resume run's files, if any: the target supersedes them
}

void warn_infinite_diagonal(const sema::Module& module, const runtime::KernelProgram& program,
                            runtime::KernelKind kind, Diagnostics& diags) {
  // The NTK carries E[phi'(u) phi'(v)] of the true derivative, and so does the SG-NTK of a layer
  // without a surrogate (it has nothing else to pair phi' with); the NNGP has no derivative.
  const bool sgntk = kind == runtime::KernelKind::sgntk;
  const sema::Network* network = module.find_network(program.network);
  for (std::size_t l = 0; l < program.hidden.size(); ++l) {
    const runtime::LayerProgram& hidden = program.hidden[l];
    if (!runtime::infinite_on_diagonal(hidden, kind)) continue;
    const sema::Layer& layer = network->hidden[l];
    const SourceRange where = layer.activation && layer.activation->where.file ? layer.activation->where : layer.where;
    // The activation as the user wrote it (a name or the inline expression's text); the
    // derivative's own text (delta(x)) is what sgntk made of it.
    const std::string written = layer.activation ? layer.activation->name : hidden.ntk.f_text;
    diags.warning(where, fmt::format("the {} of layer {} is +inf on the diagonal: the derivative of '{}' is a "
                                     "delta ({}) and E[delta(u) delta(v)] diverges where x = x'",
                                     sgntk ? "SG-NTK" : "NTK", l + 1, written, hidden.ntk.f_text));
    if (sgntk)
      diags.note(where, fmt::format("layer {} has no surrogate, so its SG-NTK pairs the delta with itself; give it "
                                    "one (surrogate = ...) for a finite SG-NTK", l + 1));
    else
      diags.note(where, "the naive NTK of a jump activation is ill-posed; the SG-NTK (--kind sgntk) is finite");
  }
}

}  // namespace sgntk::jobs
