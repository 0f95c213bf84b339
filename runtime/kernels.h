// The infinite-width kernels of a compiled network: NNGP (Sigma), NTK (Theta) and SG-NTK (I).
// The diagonal recursion runs first (O(N L)); then every entry runs all layers fused, over
// tiles of entries in parallel (oneTBB). Symmetric kernels compute only the upper tiles.
// Results are bitwise identical for every thread count: an entry's arithmetic does not depend
// on which thread computes it.
#pragma once
#include <cstddef>
#include <functional>
#include <optional>
#include <utility>

#include "runtime/matrix_io.h"
#include "runtime/bound_program.h"
#include "runtime/kinds.h"

namespace sgntk::runtime {

struct KernelOptions {
  int threads = 0;                            // 0: all cores
  std::function<void(double)> progress;       // called from the calling thread with 0..1
  // Polled before each tile (from any thread): once it returns true the remaining tiles are
  // skipped and compute_kernel throws Cancelled. For Ctrl-C in the Python package.
  std::function<bool()> cancelled;
  // Called from the calling thread as the work advances: rows [0, r) of the destination are
  // final. A file destination starts writing them to disk while the rest is computed.
  std::function<void(std::size_t)> rows_done;
};

// A row-major destination of rows x cols doubles, row r starting at data + r * stride: a
// RowMatrix, or a memory-mapped output file (written tile by tile, never copied).
struct MatrixView {
  double* data;
  std::size_t rows, cols, stride;
  double& operator()(std::size_t r, std::size_t c) const { return data[r * stride + c]; }
};

// What a computation leaves to its caller besides the entries: the first NaN entry (smallest
// row-major index, the same for every thread count), if any. The NaN rule belongs to the jobs.
struct KernelSummary {
  std::optional<std::pair<std::size_t, std::size_t>> first_nan;
};

// Computes K(x1, x2) into `out` (x1.rows() x x2.rows(), every entry written once). Same
// contract and errors as compute_kernel below.
KernelSummary compute_kernel_into(const KernelProgram& program, KernelKind kind, const RowMatrix& x1,
                                  const RowMatrix* x2, MatrixView out, const KernelOptions& options = {});

// K[i][j] = K(x1_i, x2_j); for sgntk the true derivative belongs to x1_i, the surrogate to x2_j.
// `x2 == nullptr` means x2 = x1 (then symmetry is used where it holds). Throws DataError when a
// point's dimension differs from the network's input dimension.
RowMatrix compute_kernel(const KernelProgram& program, KernelKind kind, const RowMatrix& x1, const RowMatrix* x2,
                         const KernelOptions& options = {});

// True when the kernel matrix of `kind` on x1 against itself is symmetric for this program.
bool kernel_is_symmetric(const KernelProgram& program, KernelKind kind, const RowMatrix& x1);

}  // namespace sgntk::runtime
