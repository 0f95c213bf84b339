// The side file of a resumable out-of-core kernel (band_journal.h).
#include "runtime/band_journal.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "runtime/errors.h"
#include "runtime/matrix_io.h"

namespace sgntk::runtime {
namespace {

constexpr const char* magic = "sgntk kernel bands 1";

[[noreturn]] void fail(const std::string& path, int error) {
  throw DataError(fmt::format("{}: cannot write: {}", path, std::strerror(error)));
}

// Where consolidate_band_journals writes the merged journal before renaming it onto `path`.
std::string consolidating_path(const std::string& path) { return path + ".new"; }

std::string header_line(const BandJournalHeader& h) {
  return fmt::format("{}\nfingerprint {}  rows {}  cols {}  band_rows {}\n", magic, h.fingerprint, h.rows, h.cols,
                     h.band_rows);
}

}  // namespace

std::optional<BandJournalState> read_band_journal(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::istringstream lines(text);
  std::string line;
  BandJournalState state;
  if (!std::getline(lines, line) || line != magic) return std::nullopt;
  if (!std::getline(lines, line) || lines.eof()) return std::nullopt;  // a header line without its '\n': torn
  {
    std::istringstream fields(line);
    std::string k1, k2, k3, k4;
    BandJournalHeader& h = state.header;
    if (!(fields >> k1 >> h.fingerprint >> k2 >> h.rows >> k3 >> h.cols >> k4 >> h.band_rows) || k1 != "fingerprint" ||
        k2 != "rows" || k3 != "cols" || k4 != "band_rows" || h.band_rows == 0)
      return std::nullopt;
  }
  // Each record is a whole line: a last line without its '\n' was torn by a crash.
  std::size_t consumed = static_cast<std::size_t>(lines.tellg());
  while (consumed < text.size()) {
    const std::size_t end = text.find('\n', consumed);
    if (end == std::string::npos) break;
    std::istringstream fields(text.substr(consumed, end - consumed));
    std::string word;
    std::size_t band = 0;
    if (fields >> word >> band && word == "done") state.done.push_back(band);
    consumed = end + 1;
  }
  return state;
}

std::string rank_journal_path(const std::string& journal_path, int rank) {
  return fmt::format("{}.{}", journal_path, rank);
}

std::vector<std::string> rank_journal_paths(const std::string& journal_path) {
  namespace fs = std::filesystem;
  const std::string prefix = fs::path(journal_path).filename().string() + ".";
  std::vector<std::string> found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(folder_of(journal_path), ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() > prefix.size() && name.compare(0, prefix.size(), prefix) == 0 &&
        name.find_first_not_of("0123456789", prefix.size()) == std::string::npos)
      found.push_back((fs::path(folder_of(journal_path)) / name).string());
  }
  std::sort(found.begin(), found.end());
  return found;
}

std::optional<BandJournalState> read_band_journals(const std::string& path) {
  std::optional<BandJournalState> state = read_band_journal(path);
  if (!state) return state;
  for (const std::string& rank_path : rank_journal_paths(path))
    if (const auto rank = read_band_journal(rank_path); rank && rank->header == state->header)
      state->done.insert(state->done.end(), rank->done.begin(), rank->done.end());
  std::sort(state->done.begin(), state->done.end());
  state->done.erase(std::unique(state->done.begin(), state->done.end()), state->done.end());
  return state;
}

void consolidate_band_journals(const std::string& path, const BandJournalState& state) {
  std::string text = header_line(state.header);
  for (std::size_t band : state.done) text += fmt::format("done {}\n", band);
  const std::string temp = consolidating_path(path);
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  int error = fd < 0 ? errno : write_and_sync(fd, text);
  if (fd >= 0) ::close(fd);
  if (error == 0 && std::rename(temp.c_str(), path.c_str()) != 0) error = errno;
  if (error != 0) {
    ::unlink(temp.c_str());
    fail(path, error);
  }
  sync_folder(folder_of(path));
  for (const std::string& rank_path : rank_journal_paths(path)) ::unlink(rank_path.c_str());
}

void remove_band_journals(const std::string& path) {
  for (const std::string& rank_path : rank_journal_paths(path)) ::unlink(rank_path.c_str());
  ::unlink(path.c_str());
  ::unlink(consolidating_path(path).c_str());  // left by a run that stopped while merging
}

BandJournal::BandJournal(const std::string& path, const BandJournalHeader& header, bool append) : path_(path) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC | (append ? 0 : O_CREAT | O_TRUNC), 0666);
  if (fd_ < 0) fail(path, errno);
  if (append) return;
  const int error = write_and_sync(fd_, header_line(header));
  if (error != 0) {
    ::close(fd_);
    fd_ = -1;
    fail(path, error);
  }
}

BandJournal::~BandJournal() {
  if (fd_ >= 0) ::close(fd_);
}

void BandJournal::record(std::size_t band) {
  if (const int error = write_and_sync(fd_, fmt::format("done {}\n", band)); error != 0) fail(path_, error);
}

}  // namespace sgntk::runtime
