// The .npy output written band by band (banded_npy_output.h).
#include "runtime/banded_npy_output.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "runtime/errors.h"
#include "runtime/matrix_io.h"

namespace sgntk::runtime {
namespace {

constexpr std::size_t mirror_block = 64;  // later rows transposed at a time (a block stays in cache)

[[noreturn]] void fail(const std::string& path, int error) {
  throw DataError(fmt::format("{}: cannot write: {}", path, std::strerror(error)));
}

std::string beside(const std::string& path, const std::string& suffix) {
  const std::filesystem::path target(path);
  return (std::filesystem::path(folder_of(path)) / ("." + target.filename().string() + suffix)).string();
}

// The size of the file at `path`, or -1.
long long file_size(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<long long>(st.st_size) : -1;
}

}  // namespace

std::string partial_path_of(const std::string& path) { return beside(path, ".partial"); }
std::string partial_journal_path_of(const std::string& path) { return beside(path, ".partial.bands"); }

void remove_partial(const std::string& path) {
  remove_band_journals(partial_journal_path_of(path));  // the side files first: without them the data is not resumed
  ::unlink(partial_path_of(path).c_str());
}

BandedNpyOutput::BandedNpyOutput(const std::string& path, std::size_t rows, std::size_t cols, std::size_t band_rows,
                                 const std::optional<std::string>& fingerprint)
    : path_(path), rows_(rows), cols_(cols), band_rows_(band_rows), keep_(fingerprint.has_value()) {
  refuse_folder_target(path);
  const std::string header = npy_header({static_cast<long>(rows), static_cast<long>(cols)});
  header_bytes_ = header.size();
  const std::size_t file_bytes = header.size() + rows * cols * sizeof(double);
  if (fingerprint) {
    temp_ = partial_path_of(path);
    journal_path_ = partial_journal_path_of(path);
    if (const auto state = read_band_journals(journal_path_);
        state && file_size(temp_) == static_cast<long long>(file_bytes)) {
      if (state->header.fingerprint != *fingerprint || state->header.rows != rows || state->header.cols != cols)
        throw DataError(fmt::format(
            "{}: --resume: the partial result {} was computed from other inputs or options (spec, network, --set, "
            "kind, data or shape differ); run without --resume to start over",
            path, temp_));
      fd_ = ::open(temp_.c_str(), O_RDWR | O_CLOEXEC);
      if (fd_ < 0) fail(path, errno);
      band_rows_ = state->header.band_rows;
      done_.assign((rows + band_rows_ - 1) / band_rows_, false);
      for (std::size_t b : state->done)
        if (b < done_.size()) done_[b] = true;
      // The bands that MPI ranks recorded in side files of their own go into the one journal,
      // so that the ranks of this run start their side files afresh.
      if (!rank_journal_paths(journal_path_).empty()) consolidate_band_journals(journal_path_, *state);
      journal_ = std::make_unique<BandJournal>(journal_path_, state->header, true);
      return;
    }
    remove_band_journals(journal_path_);  // side files without their data (or unreadable) start over
    fd_ = ::open(temp_.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  } else {
    fd_ = create_temporary(path, temp_);
  }
  int error = fd_ < 0 ? errno : 0;
  // Blocks allocated up front: a full disk fails here, not half-way through the kernel.
  if (error == 0) error = ::posix_fallocate(fd_, 0, static_cast<off_t>(file_bytes));
  if (error != 0) {
    if (fd_ >= 0) {
      keep_ = false;
      discard();
    }
    fail(path, error);
  }
  try {
    pwrite_all(header.data(), header.size(), 0);
    if (fingerprint) {
      // The data file (header and size) is on disk before the side file that vouches for it.
      if (::fsync(fd_) != 0) fail(path, errno);
      journal_ = std::make_unique<BandJournal>(journal_path_, BandJournalHeader{*fingerprint, rows, cols, band_rows_},
                                               false);
      sync_folder(folder_of(path));
    }
  } catch (...) {
    keep_ = false;
    discard();
    throw;
  }
  done_.assign((rows + band_rows_ - 1) / band_rows_, false);
}

BandedNpyOutput::BandedNpyOutput(const std::string& path, std::size_t rows, std::size_t cols, const SharedBands& shared,
                                 const std::optional<std::string>& fingerprint, int rank)
    : path_(path), temp_(shared.temp), rows_(rows), cols_(cols), band_rows_(shared.band_rows), keep_(true),
      owner_(false) {
  header_bytes_ = npy_header({static_cast<long>(rows), static_cast<long>(cols)}).size();
  fd_ = ::open(temp_.c_str(), O_RDWR | O_CLOEXEC);
  if (fd_ < 0)
    throw DataError(fmt::format("{}: cannot open the temporary {} that rank 0 created: {}; under mpirun, --out must "
                                "be on a file system that every rank shares",
                                path, temp_, std::strerror(errno)));
  if (fingerprint)
    journal_ = std::make_unique<BandJournal>(rank_journal_path(partial_journal_path_of(path), rank),
                                             BandJournalHeader{*fingerprint, rows, cols, band_rows_}, false);
  done_.assign((rows + band_rows_ - 1) / band_rows_, false);
}

BandedNpyOutput::~BandedNpyOutput() {
  if (fd_ >= 0) discard();
}

void BandedNpyOutput::discard() {
  ::close(fd_);
  fd_ = -1;
  if (keep_ || !owner_) return;  // resumable: the data and its side files stay for --resume
  journal_.reset();
  if (!journal_path_.empty()) remove_band_journals(journal_path_);
  ::unlink(temp_.c_str());
}

void BandedNpyOutput::close_share() {
  int error = ::fsync(fd_) != 0 ? errno : 0;
  if (::close(fd_) != 0 && error == 0) error = errno;  // a shared file system may report a lost write here
  fd_ = -1;
  journal_.reset();
  if (error != 0) fail(path_, error);
}

std::size_t BandedNpyOutput::bands_done() const { return static_cast<std::size_t>(std::count(done_.begin(), done_.end(), true)); }

void BandedNpyOutput::pwrite_all(const void* data, std::size_t bytes, std::size_t offset) {
  const char* p = static_cast<const char*>(data);
  while (bytes > 0) {
    const ssize_t n = ::pwrite(fd_, p, bytes, static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(path_, errno);
    }
    p += n, offset += static_cast<std::size_t>(n), bytes -= static_cast<std::size_t>(n);
  }
}

void BandedNpyOutput::write(const KernelBand& band) {
  if (band.nan_seen) return;  // the run fails: no NaN reaches the file, no band is recorded
  const std::size_t width = cols_ - band.c0;
  // Rows r0..r1 from column c0: one write when they are whole rows, else one per row.
  if (band.c0 == 0)
    pwrite_all(band.values, (band.r1 - band.r0) * cols_ * sizeof(double), header_bytes_ + band.r0 * cols_ * sizeof(double));
  else
    for (std::size_t i = band.r0; i < band.r1; ++i)
      pwrite_all(band.values + (i - band.r0) * width, width * sizeof(double),
                 header_bytes_ + (i * cols_ + band.c0) * sizeof(double));
  if (band.symmetric) write_mirror(band);
  if (journal_) {
    if (::fdatasync(fd_) != 0) fail(path_, errno);  // the band is on disk before its record
    journal_->record(band.index);
  } else {
    // Rows [0, r1) are final: start writing them to disk while the next band is computed.
    ::sync_file_range(fd_, static_cast<off_t>(header_bytes_ + band.r0 * cols_ * sizeof(double)),
                      static_cast<off_t>((band.r1 - band.r0) * cols_ * sizeof(double)), SYNC_FILE_RANGE_WRITE);
  }
  done_[band.index] = true;
}

// Entries (j, i) for j >= r1 and i in [r0, r1): the band's columns past it, transposed into
// segments of the later rows, a block of rows at a time.
void BandedNpyOutput::write_mirror(const KernelBand& band) {
  const std::size_t height = band.r1 - band.r0;
  segments_.resize(mirror_block * height);
  for (std::size_t j0 = band.r1; j0 < rows_; j0 += mirror_block) {
    const std::size_t n = std::min(mirror_block, rows_ - j0);
    for (std::size_t i = band.r0; i < band.r1; ++i)
      for (std::size_t j = 0; j < n; ++j) segments_[j * height + (i - band.r0)] = band.value(i, j0 + j);
    for (std::size_t j = 0; j < n; ++j)
      pwrite_all(segments_.data() + j * height, height * sizeof(double),
                 header_bytes_ + ((j0 + j) * cols_ + band.r0) * sizeof(double));
  }
}

void BandedNpyOutput::commit() {
  if (!owner_) throw std::logic_error("BandedNpyOutput::commit: a joined output is committed by its owner");
  for (std::size_t b = 0; b < done_.size(); ++b)
    if (!done_[b]) throw std::logic_error("BandedNpyOutput::commit: a band was never written");
  int error = ::fsync(fd_) != 0 ? errno : 0;
  if (error == 0 && std::rename(temp_.c_str(), path_.c_str()) != 0) error = errno;
  if (error != 0) {
    discard();
    fail(path_, error);
  }
  ::close(fd_);  // the data is on disk and renamed: a failing close loses nothing
  fd_ = -1;
  journal_.reset();
  if (!journal_path_.empty()) remove_band_journals(journal_path_);  // they vouched for the renamed temporary
  sync_folder(folder_of(path_));
}

}  // namespace sgntk::runtime
