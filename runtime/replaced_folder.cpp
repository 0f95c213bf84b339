// A result folder replaced as a whole (replaced_folder.h).
#include "runtime/replaced_folder.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "runtime/errors.h"
#include "runtime/matrix_io.h"

namespace sgntk::runtime {

namespace fs = std::filesystem;

namespace {

// "out/fig3/" and "out/./fig3" -> "/abs/out/fig3"; a symbolic link to a folder is followed, so
// that the folder it names is replaced, not the link.
fs::path normal_target(const std::string& target) {
  std::error_code ec, no_link;
  fs::path path = fs::absolute(target, ec).lexically_normal();
  if (!path.has_filename()) path = path.parent_path();  // a trailing '/'
  if (fs::is_symlink(path, no_link)) path = fs::canonical(path, ec);
  if (path == path.root_path() || ec)
    throw DataError(fmt::format("{}: cannot be replaced as a result folder", target));
  return path;
}

void refuse_foreign_folder(const fs::path& target, const std::string& shown, const std::string& marker,
                           const std::string& carried) {
  std::error_code ec;
  const fs::file_status status = fs::status(target, ec);
  if (!fs::exists(status)) return;
  if (!fs::is_directory(status)) throw DataError(fmt::format("{}: exists and is not a folder", shown));
  if (fs::exists(target / marker, ec)) return;
  for (const auto& entry : fs::directory_iterator(target, ec))
    if (entry.path().filename() != carried)
      throw DataError(fmt::format(
          "{}: holds files that are not an earlier result (no {}; '{}' among them): the output folder is replaced "
          "as a whole, so choose another one or empty it",
          shown, marker, entry.path().filename().string()));
  if (ec) throw DataError(fmt::format("{}: cannot read the folder: {}", shown, ec.message()));
}

// Staging folders of this target left by a writer that was killed (we hold the lock, so no
// live writer owns one): TARGET.tmp-XXXXXX, and TARGET.old-XXXXXX of a swap without exchange.
void remove_stale_staging(const fs::path& target) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(target.parent_path(), ec))
    for (const char* kind : {".tmp-", ".old-"}) {
      const std::string prefix = target.filename().string() + kind, name = entry.path().filename().string();
      if (name.size() == prefix.size() + 6 && name.compare(0, prefix.size(), prefix) == 0 && entry.is_directory(ec))
        fs::remove_all(entry.path(), ec);
    }
}

}  // namespace

ReplacedFolder::ReplacedFolder(const std::string& target, const std::string& marker, const std::string& carried,
                               const std::string& command)
    : target_(normal_target(target)), carried_(carried) {
  refuse_foreign_folder(target_, target, marker, carried);
  for (fs::path p = target_.parent_path(); !fs::exists(p); p = p.parent_path()) created_.insert(created_.begin(), p);
  std::error_code ec;
  fs::create_directories(target_.parent_path(), ec);
  if (ec) {
    created_.clear();  // nothing to undo that is ours to undo with certainty
    throw DataError(fmt::format("{}: cannot create its parent folder: {}", target, ec.message()));
  }
  try {
    lock_ = std::make_unique<OutputLock>(target_.string(), command);
    remove_stale_staging(target_);
    std::string pattern = target_.string() + ".tmp-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr)
      throw DataError(fmt::format("{}: cannot create a staging folder beside it: {}", target, std::strerror(errno)));
    staging_ = pattern;
  } catch (...) {
    lock_.reset();
    for (auto p = created_.rbegin(); p != created_.rend(); ++p) fs::remove(*p, ec);
    throw;
  }
}

ReplacedFolder::~ReplacedFolder() {
  std::error_code ec;
  if (!committed_) fs::remove_all(staging_, ec);
  lock_.reset();  // after the staging folder is gone: a new writer may take the lock at once
  if (committed_) return;
  // The parents made for the target, innermost first, as long as nothing else lives in them
  // (a failed run may have saved networks for --resume under the target).
  for (auto p = created_.rbegin(); p != created_.rend(); ++p)
    if (!fs::remove(*p, ec)) break;
}

void ReplacedFolder::commit() {
  auto fail = [&](int error) {
    throw DataError(fmt::format("{}: cannot replace the folder: {}", target_.string(), std::strerror(error)));
  };
  // The files are flushed by their writers; the folders' entries are flushed here.
  std::error_code ec;
  for (const auto& entry : fs::recursive_directory_iterator(staging_, ec))
    if (entry.is_directory(ec))
      if (const int error = sync_folder(entry.path().string())) fail(error);
  if (const int error = sync_folder(staging_.string())) fail(error);

  if (!fs::exists(target_, ec)) {
    if (std::rename(staging_.c_str(), target_.c_str()) != 0) fail(errno);
  } else {
    // The old folder ends at `old`: the staging name after an exchange, a fresh name otherwise.
    fs::path old = staging_;
    if (::renameat2(AT_FDCWD, staging_.c_str(), AT_FDCWD, target_.c_str(), RENAME_EXCHANGE) != 0) {
      if (errno != EINVAL && errno != ENOSYS) fail(errno);
      // No exchange on this file system: the old folder steps aside, then the new one comes in.
      std::string aside = target_.string() + ".old-XXXXXX";
      if (::mkdtemp(aside.data()) == nullptr) fail(errno);
      old = aside;
      if (std::rename(target_.c_str(), old.c_str()) != 0) {
        const int error = errno;
        fs::remove(old, ec);
        fail(error);
      }
      if (std::rename(staging_.c_str(), target_.c_str()) != 0) {
        const int error = errno;
        std::rename(old.c_str(), target_.c_str());
        fail(error);
      }
    }
    if (!carried_.empty() && fs::exists(old / carried_, ec)) fs::rename(old / carried_, target_ / carried_, ec);
    fs::remove_all(old, ec);
  }
  committed_ = true;
  sync_folder(target_.parent_path().string());  // the swap itself; the results are complete either way
}

}  // namespace sgntk::runtime
