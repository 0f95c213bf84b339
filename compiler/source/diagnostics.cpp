#include "compiler/source/diagnostics.h"

#include <algorithm>
#include <fmt/format.h>

namespace sgntk {

void Diagnostics::error(SourceRange where, std::string message) { add(Severity::error, where, std::move(message)); }
void Diagnostics::warning(SourceRange where, std::string message) { add(Severity::warning, where, std::move(message)); }
void Diagnostics::note(SourceRange where, std::string message) { add(Severity::note, where, std::move(message)); }

void Diagnostics::add(Severity severity, SourceRange where, std::string message) {
  if (capped_) return;
  if (severity == Severity::error) {
    if (error_count_ == max_errors) {
      capped_ = true;
      list_.push_back({Severity::error, {}, fmt::format("too many errors; stopping after {}", max_errors)});
      return;
    }
    ++error_count_;
  }
  list_.push_back({severity, where, std::move(message)});
}

std::string Diagnostics::render() const {
  std::string out;
  for (const Diagnostic& d : list_) out += sgntk::render(d);
  return out;
}

static const char* severity_name(Severity s) {
  switch (s) {
    case Severity::error: return "error";
    case Severity::warning: return "warning";
    case Severity::note: return "note";
  }
  return "error";
}

// Non-printable bytes are shown as '?' and tabs as one space, so the caret stays aligned.
static std::string printable_line(std::string_view line) {
  std::string out;
  out.reserve(line.size());
  for (char ch : line) {
    const auto u = static_cast<unsigned char>(ch);
    if (ch == '\t') out += ' ';
    else if (u < 0x20 || u == 0x7F) out += '?';
    else out += ch;
  }
  return out;
}

std::string render(const Diagnostic& d) {
  if (d.where.file == nullptr) return fmt::format("sgntk: {}: {}\n", severity_name(d.severity), d.message);
  const SourceFile& file = *d.where.file;
  const LineCol at = file.line_col(d.where.begin);
  std::string out = fmt::format("{}:{}:{}: {}: {}\n", file.path(), at.line, at.column,
                                severity_name(d.severity), d.message);
  if (d.severity == Severity::note) return out;
  const std::string_view line = file.line_text(at.line);
  const std::string shown = printable_line(line);
  // The underline covers the range, clipped to the first line.
  const LineCol last = file.line_col(std::max(d.where.begin, d.where.end == 0 ? d.where.begin : d.where.end - 1));
  int width = last.line == at.line ? last.column - at.column + 1 : static_cast<int>(shown.size()) - at.column + 1;
  width = std::max(width, 1);
  const std::string gutter(fmt::format("{}", at.line).size(), ' ');
  out += fmt::format("{:>5} | {}\n", at.line, shown);
  out += fmt::format("{:>5} | {}^{}\n", "", std::string(static_cast<std::size_t>(at.column - 1), ' '),
                     std::string(static_cast<std::size_t>(width - 1), '~'));
  (void)gutter;
  return out;
}

std::string closest_name(std::string_view name, const std::vector<std::string>& candidates) {
  auto distance = [](std::string_view a, std::string_view b) {
    std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
      cur[0] = i;
      for (std::size_t j = 1; j <= b.size(); ++j)
        cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      std::swap(prev, cur);
    }
    return prev[b.size()];
  };
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, name.size() / 3) + 1;
  for (const std::string& c : candidates) {
    const std::size_t dist = distance(name, c);
    if (dist < best_distance) {
      best_distance = dist;
      best = c;
    }
  }
  return best;
}

}  // namespace sgntk
