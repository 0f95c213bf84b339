// The options several commands share (--set, --threads, --plugin-path, --network, --tolerance,
// --quiet) are registered by one helper: every command's --help says the same about each.
#include <doctest/doctest.h>

#include <map>
#include <sstream>

#include "tests/support/run_process.h"

using sgntk::test::run_process;

namespace {

// The help text of `option` in `help`: the rest of its line (and of a continuation line), with
// runs of spaces folded; empty when the command does not list it.
std::string help_of(const std::string& help, const std::string& option) {
  std::istringstream lines(help);
  std::string line, out;
  bool found = false;
  while (std::getline(lines, line)) {
    const std::size_t at = line.find(option + " ");
    const bool starts = at != std::string::npos && line.find_first_not_of(' ') == at;
    if (!found && !starts) continue;
    if (found && line.find_first_not_of(' ') != std::string::npos && line[line.find_first_not_of(' ')] == '-') break;
    if (found && line.empty()) break;
    out += " " + (found ? line : line.substr(at + option.size()));
    found = true;
  }
  std::string folded;
  for (char c : out)
    if (c != ' ' || (!folded.empty() && folded.back() != ' ')) folded += c;
  while (!folded.empty() && folded.back() == ' ') folded.pop_back();
  return folded;
}

}  // namespace

TEST_CASE("every command that takes a common option describes it in the same words") {
  const std::vector<std::string> commands{"check", "kernel", "train", "empirical", "predict", "run", "plugins"};
  const std::vector<std::string> options{"--set", "--threads", "--plugin-path", "--network", "--tolerance", "--quiet"};
  std::map<std::string, std::string> help;
  for (const std::string& command : commands) {
    const auto r = run_process({SGNTK_EXE, command, "--help"}, SGNTK_SOURCE_DIR);
    REQUIRE(r.exit_code == 0);
    help[command] = r.out;
  }
  for (const std::string& option : options) {
    CAPTURE(option);
    std::map<std::string, std::vector<std::string>> texts;  // text -> commands using it
    for (const std::string& command : commands)
      if (const std::string text = help_of(help[command], option); !text.empty()) texts[text].push_back(command);
    CHECK(texts.size() == 1);
  }
  // The commands that run a network all take these.
  for (const std::string& command : {"kernel", "train", "empirical", "predict"})
    for (const std::string& option : {"--set", "--threads", "--plugin-path", "--network"}) {
      CAPTURE(command);
      CAPTURE(option);
      CHECK_FALSE(help_of(help[command], option).empty());
    }
  CHECK(help_of(help["run"], "--set").find("NAME=VALUE") != std::string::npos);
}
