// The side file of a resumable out-of-core kernel (banded_npy_output.h): a header naming what
// is computed (a fingerprint of the inputs and options, the shape, the rows per band), then one
// line per finished band, appended only once that band's data is on disk (the writer syncs the
// data first). A restarted run reads it and recomputes only the bands it does not list. A line
// torn by a crash is not a record, so its band is computed again.
//
//     sgntk kernel bands 1
//     fingerprint 3f2a...  rows 30000  cols 30000  band_rows 416
//     done 0
//     done 1
//
// The ranks of an MPI job (but the first) each record their bands in a side file of their own,
// JOURNAL.RANK beside it, with the same header; a reader takes the bands any of them records.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace sgntk::runtime {

struct BandJournalHeader {
  std::string fingerprint;
  std::size_t rows = 0, cols = 0, band_rows = 0;
  bool operator==(const BandJournalHeader&) const = default;
};

struct BandJournalState {
  BandJournalHeader header;
  std::vector<std::size_t> done;  // as recorded (each band at most once is not assumed)
};

// What the journal at `path` says; std::nullopt when there is none or its header is unreadable.
std::optional<BandJournalState> read_band_journal(const std::string& path);

// The side file of MPI rank `rank` of the journal `journal_path` (JOURNAL.RANK), and those found
// beside it (any rank).
std::string rank_journal_path(const std::string& journal_path, int rank);
std::vector<std::string> rank_journal_paths(const std::string& journal_path);

// What the journal at `path` and its ranks' side files say together: the journal's header and
// every band any of them records (a rank's file with another header does not count);
// std::nullopt when the journal itself says nothing (read_band_journal).
std::optional<BandJournalState> read_band_journals(const std::string& path);

// Writes `state` as the one journal at `path` (a temporary beside it, synced, renamed onto it),
// then removes the ranks' side files, whose bands `state` holds. Throws DataError naming `path`.
void consolidate_band_journals(const std::string& path, const BandJournalState& state);

// Removes the journal at `path` and its ranks' side files.
void remove_band_journals(const std::string& path);

class BandJournal {
 public:
  // Starts the journal at `path` afresh with `header` (on disk when this returns), or, with
  // `append`, opens the existing one to record more bands. Throws DataError naming `path`.
  BandJournal(const std::string& path, const BandJournalHeader& header, bool append);
  ~BandJournal();
  BandJournal(const BandJournal&) = delete;
  BandJournal& operator=(const BandJournal&) = delete;

  // Appends "done BAND" and syncs it (fsync); throws DataError naming the journal.
  void record(std::size_t band);

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace sgntk::runtime
