// The side file of a resumable out-of-core kernel (band_journal.h).
#include "runtime/band_journal.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
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

BandJournal::BandJournal(const std::string& path, const BandJournalHeader& header, bool append) : path_(path) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC | (append ? 0 : O_CREAT | O_TRUNC), 0666);
  if (fd_ < 0) fail(path, errno);
  if (append) return;
  const int error = write_and_sync(fd_, fmt::format("{}\nfingerprint {}  rows {}  cols {}  band_rows {}\n", magic,
                                                   header.fingerprint, header.rows, header.cols, header.band_rows));
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
