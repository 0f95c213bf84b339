// A float64 C-order [rows, cols] .npy output written out of core: the kernel arrives band by
// band (compute_kernel_bands, kernels.h) and each band goes to a temporary beside the target
// with positioned writes (pwrite), so no more than one band is ever in memory; nothing is
// mapped, so the file's pages never count as the process's resident memory. A symmetric band
// also writes its mirror, as column segments of the later rows. commit() syncs the file and
// renames it onto the target, as MappedNpyOutput does: a target changes only when whole, and a
// run that stops before commit() leaves the older target as it was.
//
// Resumable (a fingerprint given): the temporary has a fixed name, PATH's ".NAME.partial"
// beside it, with its side file ".NAME.partial.bands" (band_journal.h); each band is synced
// (fdatasync) before the side file records it. A run that stops before commit() keeps both, and
// a later run with the same fingerprint and shape computes only the bands not recorded; one with
// another fingerprint is refused. Without a fingerprint, a stopped run leaves nothing behind.
#pragma once
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runtime/band_journal.h"
#include "runtime/kernels.h"

namespace sgntk::runtime {

class BandedNpyOutput {
 public:
  // Reserves the file's disk space up front (a full disk is a DataError naming `path` here).
  // `band_rows` is the band height for a new file; a resumed one keeps its journal's.
  BandedNpyOutput(const std::string& path, std::size_t rows, std::size_t cols, std::size_t band_rows,
                  const std::optional<std::string>& fingerprint);
  ~BandedNpyOutput();
  BandedNpyOutput(const BandedNpyOutput&) = delete;
  BandedNpyOutput& operator=(const BandedNpyOutput&) = delete;

  std::size_t band_rows() const { return band_rows_; }
  // Whether an earlier run wrote band b (resumable outputs only).
  bool band_done(std::size_t b) const { return b < done_.size() && done_[b]; }
  std::size_t bands_done() const;

  // Writes a computed band (nothing once it has seen a NaN: the run fails); throws DataError.
  void write(const KernelBand& band);

  // fsync + rename onto the target, then removes the side file; throws DataError naming the
  // target (then the temporary is removed, or kept for --resume). At most once.
  void commit();

  // Removes the resumable files too when the run fails for good (a NaN or a divergent entry,
  // which a resumed run would only meet again).
  void abandon() { keep_ = false; }

 private:
  void pwrite_all(const void* data, std::size_t bytes, std::size_t offset);
  void write_mirror(const KernelBand& band);
  void discard();

  std::string path_, temp_, journal_path_;
  std::size_t rows_, cols_, band_rows_, header_bytes_ = 0;
  int fd_ = -1;
  bool keep_ = false;  // resumable: kept when the run stops before commit()
  std::vector<bool> done_;
  std::unique_ptr<BandJournal> journal_;
  std::vector<double> segments_;  // a block of the mirror, transposed
};

// The fixed names of a resumable output's temporary and side file, beside `path`.
std::string partial_path_of(const std::string& path);
std::string partial_journal_path_of(const std::string& path);

// Removes a resumable output's files if any are left (after another run replaced the target).
void remove_partial(const std::string& path);

}  // namespace sgntk::runtime
