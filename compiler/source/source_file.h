// A spec file's text with its line table: the one place that maps byte offsets to line:column.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sgntk {

struct LineCol {
  int line = 0;    // 1-based
  int column = 0;  // 1-based, counted in characters (UTF-8 continuation bytes do not count)
};

class SourceFile {
 public:
  SourceFile(std::string path, std::string text);

  const std::string& path() const { return path_; }
  const std::string& text() const { return text_; }
  LineCol line_col(std::size_t offset) const;
  std::string_view line_text(int line) const;  // without the newline
  int line_count() const { return static_cast<int>(line_starts_.size()); }

 private:
  std::string path_;
  std::string text_;
  std::vector<std::size_t> line_starts_;
};

// Reads a file; std::nullopt with `error` set (strerror text) when it cannot be read.
std::optional<SourceFile> load_source(const std::string& path, std::string& error);

}  // namespace sgntk
