#include "cli/kernel_ranks.h"

#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <optional>

#include "cli/exit_codes.h"
#include "cli/jobs/band_shares.h"
#include "cli/rank_steps.h"
#include "runtime/banded_npy_output.h"
#include "runtime/mpi/collectives.h"
#include "runtime/mpi/world.h"
#include "runtime/output_lock.h"

namespace sgntk::cli {
namespace {

// The first bad entry of the whole kernel from every rank's (row-major index, -1 for none): the
// smallest, the one a single process reports.
std::optional<std::pair<std::size_t, std::size_t>> first_of_all(
    const std::optional<std::pair<std::size_t, std::size_t>>& mine, std::size_t cols) {
  const long long index = mine ? static_cast<long long>(mine->first * cols + mine->second) : -1;
  long long first = -1;
  for (long long at : mpi::all_gather(index))
    if (at >= 0 && (first < 0 || at < first)) first = at;
  if (first < 0) return std::nullopt;
  return std::pair{static_cast<std::size_t>(first) / cols, static_cast<std::size_t>(first) % cols};
}

// Where rank 0's output is, its band height and the bands an earlier run finished, on every
// rank (`owned`: rank 0's output; ignored elsewhere).
std::pair<runtime::SharedBands, std::vector<bool>> shared_by_root(const runtime::BandedNpyOutput* owned,
                                                                  std::size_t rows) {
  runtime::SharedBands shared;
  std::string finished_text;  // '1' per finished band
  if (mpi::world().root()) {
    shared = owned->shared();
    for (std::size_t b = 0; b < (rows + shared.band_rows - 1) / shared.band_rows; ++b)
      finished_text += owned->band_done(b) ? '1' : '0';
  }
  shared.temp = mpi::broadcast(shared.temp, 0);
  shared.band_rows = std::stoul(mpi::broadcast(std::to_string(shared.band_rows), 0));
  std::vector<bool> finished;
  for (char c : mpi::broadcast(finished_text, 0)) finished.push_back(c == '1');
  return {shared, finished};
}

bool on_any_rank(bool mine) {
  const std::vector<int> all = mpi::all_gather(mine ? 1 : 0);
  return std::find(all.begin(), all.end(), 1) != all.end();
}

}  // namespace

int kernel_across_ranks(const runtime::KernelProgram& program, runtime::KernelKind kind, const runtime::RowMatrix& x1,
                        const runtime::RowMatrix* x2, const std::string& path, const runtime::KernelOptions& options,
                        const jobs::KernelFileOptions& file, const std::string& identity) {
  const mpi::World& world = mpi::world();
  const std::size_t rows = static_cast<std::size_t>(x1.rows()), cols = static_cast<std::size_t>(x2 ? x2->rows() : x1.rows());

  // Every rank must compute the same kernel: a rank that read other files (another copy of the
  // data on its node) would mix two kernels in one file.
  std::string fingerprint;
  bool symmetric = false;
  if (const int code = on_every_rank([&] {
        fingerprint = jobs::kernel_fingerprint(identity, kind, x1, x2);
        symmetric = !x2 && runtime::kernel_is_symmetric(program, kind, x1);
        return exit_ok;
      }))
    return code;
  const std::string root_fingerprint = mpi::broadcast(fingerprint, 0);
  if (const int code = on_every_rank([&] {
        if (fingerprint != root_fingerprint)
          throw runtime::DataError(fmt::format(
              "{}: rank {} of the MPI job read other inputs than rank 0 (the spec, its options or the points differ); "
              "every rank must read the same files",
              path, world.rank));
        return exit_ok;
      }))
    return code;
  const std::optional<std::string> resume_fingerprint =
      !file.resume_identity            ? std::nullopt
      : *file.resume_identity == identity ? std::optional(fingerprint)
                                          : std::optional(jobs::kernel_fingerprint(*file.resume_identity, kind, x1, x2));

  // Rank 0 creates the temporary (or reopens a resumable one) and reserves its disk space.
  const std::size_t tile = runtime::kernel_band_rows(cols, 0);  // the smallest band: one tile
  const std::size_t budget = file.memory_budget ? file.memory_budget : jobs::default_memory_budget();
  std::unique_ptr<runtime::OutputLock> lock;
  std::unique_ptr<runtime::BandedNpyOutput> out;
  if (const int code = on_root([&] {
        runtime::refuse_folder_target(path);
        if (resume_fingerprint)
          lock = std::make_unique<runtime::OutputLock>(path, fmt::format("sgntk kernel --out {} --resume", path));
        const std::size_t band_rows =
            jobs::band_rows_for_ranks(rows, runtime::kernel_band_rows(cols, budget / 32), tile, world.size);
        out = std::make_unique<runtime::BandedNpyOutput>(path, rows, cols, band_rows, resume_fingerprint);
        if (out->bands_done() > 0 && file.notice)
          file.notice(fmt::format("{}: resuming: {} of {} bands from an earlier run", path, out->bands_done(),
                                  (rows + out->band_rows() - 1) / out->band_rows()));
        return exit_ok;
      }))
    return code;

  const auto from_root = shared_by_root(out.get(), rows);
  const runtime::SharedBands& shared = from_root.first;
  const std::vector<bool>& finished = from_root.second;

  if (const int code = on_every_rank([&] {
        if (!world.root())
          out = std::make_unique<runtime::BandedNpyOutput>(path, rows, cols, shared, resume_fingerprint, world.rank);
        return exit_ok;
      }))
    return code;

  const jobs::BandLayout layout{rows, cols, shared.band_rows, tile, symmetric};
  const std::vector<int> owner = jobs::band_owners(layout, world.size, finished);
  runtime::KernelBandCallbacks callbacks;
  callbacks.band_done = [&](std::size_t b) { return owner[b] != world.rank || finished[b]; };
  callbacks.band = [&](const runtime::KernelBand& band) { out->write(band); };
  runtime::KernelSummary summary;
  bool for_good = false;  // a divergent entry: a resumed run would only meet it again
  const int code = on_every_rank([&] {
    try {
      summary = runtime::compute_kernel_bands(program, kind, x1, x2, shared.band_rows, callbacks, options);
    } catch (const runtime::EvalError&) {
      for_good = true;
      throw;
    }
    if (!world.root()) out->close_share();  // this rank's bands on disk before rank 0 renames
    return exit_ok;
  });
  // The first NaN and the first infinity nothing means, over all ranks, as one process finds them.
  runtime::KernelSummary whole;
  if (code == 0) {
    whole.first_nan = first_of_all(summary.first_nan, cols);
    whole.first_infinite = first_of_all(summary.first_infinite, cols);
  }
  if (on_any_rank(for_good) || whole.first_nan || whole.first_infinite) {
    if (world.root()) out->abandon();
  }
  if (code != 0) return code;

  return on_root([&] {
    jobs::refuse_bad_entries(whole, kind);
    for (std::size_t b = 0; b < owner.size(); ++b)
      if (owner[b] != 0 && !finished[b]) out->written_elsewhere(b);
    out->commit();
    runtime::remove_partial(path);  // an earlier --resume run's files, if any: the target supersedes them
    return exit_ok;
  });
}

}  // namespace sgntk::cli
