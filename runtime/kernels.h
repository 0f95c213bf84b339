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
  // The first +-inf entry where the mathematics means none (it does only for the NTK of a jump
  // layer, or the SG-NTK of one without a surrogate, where x = x'): an overflow.
  std::optional<std::pair<std::size_t, std::size_t>> first_infinite;
};

// Computes K(x1, x2) into `out` (x1.rows() x x2.rows(), every entry written once). Same
// contract and errors as compute_kernel below.
KernelSummary compute_kernel_into(const KernelProgram& program, KernelKind kind, const RowMatrix& x1,
                                  const RowMatrix* x2, MatrixView out, const KernelOptions& options = {});

// The kernel by bands of rows, for an output too large for memory (out of core): band b holds
// rows [r0, r1) = [b * band_rows, ...) from column c0 on, row-major (stride cols - c0). For a
// symmetric kernel c0 = r0: the band's columns before r0 are the mirror of earlier bands, and
// the entries (j, i) for j >= r1, i in [r0, r1) are values(i, j), which the receiver writes as
// column segments of later rows. The tiles are those of compute_kernel_into, so every entry is
// the same bits; each tile is computed once (the compute cost stays that of the other path).
struct KernelBand {
  std::size_t index = 0, r0 = 0, r1 = 0, c0 = 0, cols = 0;
  const double* values = nullptr;
  bool symmetric = false;
  // A NaN entry (or an infinite one that nothing means) in this band or an earlier one: the
  // kernel fails; write nothing more.
  bool nan_seen = false;
  double value(std::size_t i, std::size_t j) const { return values[(i - r0) * (cols - c0) + (j - c0)]; }
};
struct KernelBandCallbacks {
  std::function<bool(std::size_t band)> band_done;  // true: skip the band (an earlier run wrote it)
  std::function<void(const KernelBand&)> band;      // each computed band, in order, from the calling thread
};

// The rows of a band whose buffer (band_rows x cols doubles, at most) fits in `band_bytes`: a
// multiple of the tile side, at least one tile.
std::size_t kernel_band_rows(std::size_t cols, std::size_t band_bytes);

// Computes the kernel band by band (band_rows a multiple of the tile side); memory: one band's
// buffer. Stops (Cancelled) between tiles; the same errors and summary as compute_kernel_into.
KernelSummary compute_kernel_bands(const KernelProgram& program, KernelKind kind, const RowMatrix& x1,
                                   const RowMatrix* x2, std::size_t band_rows, const KernelBandCallbacks& callbacks,
                                   const KernelOptions& options = {});

// K[i][j] = K(x1_i, x2_j); for sgntk the true derivative belongs to x1_i, the surrogate to x2_j.
// `x2 == nullptr` means x2 = x1 (then symmetry is used where it holds). Throws DataError when a
// point's dimension differs from the network's input dimension.
RowMatrix compute_kernel(const KernelProgram& program, KernelKind kind, const RowMatrix& x1, const RowMatrix* x2,
                         const KernelOptions& options = {});

// Whether `layer` makes kind's kernel +inf where x = x': E[delta(u) delta(v)] in the NTK of a jump
// layer, or in the SG-NTK of one without a surrogate. The only infinity a kernel may hold.
bool infinite_on_diagonal(const LayerProgram& layer, KernelKind kind);

// True when the kernel matrix of `kind` on x1 against itself is symmetric for this program.
bool kernel_is_symmetric(const KernelProgram& program, KernelKind kind, const RowMatrix& x1);

}  // namespace sgntk::runtime
