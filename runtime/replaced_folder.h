// A result folder replaced as a whole (`sgntk run --out`). The new results are written into a
// staging folder beside the target (TARGET.tmp-XXXXXX, same file system) and swapped in only
// when all of them are written: renameat2(RENAME_EXCHANGE), or two renames where the file system
// has no exchange. Until commit() the target is untouched; without commit() (an error, a signal)
// the staging folder is removed. The target is locked (output_lock.h) for the object's lifetime.
//
// One entry of the old folder, `carried` (the saved networks of `sgntk run --resume`, written
// in place while the run goes on, not staged), moves into the new folder at the swap.
#pragma once
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "runtime/output_lock.h"

namespace sgntk::runtime {

class ReplacedFolder {
 public:
  // Refuses (DataError) a target that exists and is not a folder, or a folder that is not a
  // result folder: one that holds neither `marker` (a file the writer always writes, such as
  // manifest.json) nor only `carried`, so that a mistyped --out never deletes the user's
  // files. Creates missing parents, takes the lock (`command` names the holder), removes the
  // staging folders of an earlier writer that was killed, and makes a fresh staging folder.
  ReplacedFolder(const std::string& target, const std::string& marker, const std::string& carried,
                 const std::string& command);
  ~ReplacedFolder();
  ReplacedFolder(const ReplacedFolder&) = delete;
  ReplacedFolder& operator=(const ReplacedFolder&) = delete;

  const std::filesystem::path& target() const { return target_; }
  const std::filesystem::path& staging() const { return staging_; }

  // Flushes the staging folders to disk and swaps the staging folder in for the target; the
  // old folder's `carried` entry moves into the new one and the rest of the old folder is
  // removed. Throws DataError naming the target when the swap fails (the target is then as it
  // was). At most once.
  void commit();

 private:
  std::filesystem::path target_, staging_;
  std::string carried_;
  std::vector<std::filesystem::path> created_;  // missing parents made here, innermost last
  std::unique_ptr<OutputLock> lock_;
  bool committed_ = false;
};

}  // namespace sgntk::runtime
