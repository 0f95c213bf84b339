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
//
// Shared by the ranks of an MPI job (`sgntk kernel` under mpirun): the first rank creates the
// output as above (its owner) and tells the others where it is (shared()); each other rank joins
// it (the second constructor), writes its own bands into the same temporary with positioned
// writes (disjoint: every entry belongs to one band or to its mirror), records them in its own
// side file (band_journal.h, JOURNAL.RANK) and syncs them (close_share()); only then, after the
// ranks agreed, does the owner mark them (written_elsewhere()) and commit(). A joined output
// never removes or renames anything.
#pragma once
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runtime/band_journal.h"
#include "runtime/kernels.h"

namespace sgntk::runtime {

// Where the ranks of an MPI job write: the owner's temporary and its band height.
struct SharedBands {
  std::string temp;
  std::size_t band_rows = 0;
};

class BandedNpyOutput {
 public:
  // Reserves the file's disk space up front (a full disk is a DataError naming `path` here).
  // `band_rows` is the band height for a new file; a resumed one keeps its journal's.
  BandedNpyOutput(const std::string& path, std::size_t rows, std::size_t cols, std::size_t band_rows,
                  const std::optional<std::string>& fingerprint);
  // Joins the owner's temporary `shared.temp` of the output `path` as MPI rank `rank` (> 0),
  // recording into its own side file when `fingerprint` is given. Throws DataError when the
  // temporary cannot be opened (--out is not on a file system every rank shares).
  BandedNpyOutput(const std::string& path, std::size_t rows, std::size_t cols, const SharedBands& shared,
                  const std::optional<std::string>& fingerprint, int rank);
  ~BandedNpyOutput();
  BandedNpyOutput(const BandedNpyOutput&) = delete;
  BandedNpyOutput& operator=(const BandedNpyOutput&) = delete;

  std::size_t band_rows() const { return band_rows_; }
  SharedBands shared() const { return {temp_, band_rows_}; }
  // Whether an earlier run wrote band b (resumable outputs only).
  bool band_done(std::size_t b) const { return b < done_.size() && done_[b]; }
  std::size_t bands_done() const;

  // Writes a computed band (nothing once it has seen a NaN: the run fails); throws DataError.
  void write(const KernelBand& band);

  // A joined output: its bands on disk (fsync) and the file closed; throws DataError.
  void close_share();
  // The owner: band b was written by another rank (which closed its share).
  void written_elsewhere(std::size_t b) { done_.at(b) = true; }

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
  bool owner_ = true;  // false: joined by an MPI rank, which never removes the files
  std::vector<bool> done_;
  std::unique_ptr<BandJournal> journal_;
  std::vector<double> segments_;  // a block of the mirror, transposed
};

// The fixed names of a resumable output's temporary and side file, beside `path`.
std::string partial_path_of(const std::string& path);
std::string partial_journal_path_of(const std::string& path);

// Removes a resumable output's files if any are left (after another run replaced the target),
// the side files of MPI ranks included.
void remove_partial(const std::string& path);

}  // namespace sgntk::runtime
