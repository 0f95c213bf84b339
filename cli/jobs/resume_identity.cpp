// What a resumable kernel's fingerprint covers besides the points (jobs.h, kernel_resume_identity).
#include <fmt/format.h>

#include "cli/jobs/jobs.h"

namespace sgntk::jobs {

std::string kernel_resume_identity(const std::string& spec_text, const std::string& network, double tolerance,
                                   const std::vector<std::string>& sets, const std::vector<std::string>& plugin_paths) {
  std::string text = spec_text;
  text += fmt::format("\n--network {}\n--tolerance {:a}\n", network, tolerance);
  for (const std::string& set : sets) text += "--set " + set + "\n";
  for (const std::string& path : plugin_paths) text += "--plugin-path " + path + "\n";
  return text;
}

}  // namespace sgntk::jobs
