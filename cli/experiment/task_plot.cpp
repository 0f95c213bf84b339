// The plot task (matplotlib, through scripts/plot_figure.py), the result writers and warnings.
#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <fcntl.h>
#include <fstream>
#include <cstring>

#include "cli/experiment/interrupt.h"
#include "cli/experiment/tasks.h"
#include "runtime/errors.h"

extern char** environ;

namespace sgntk::experiment {

namespace fs = std::filesystem;

void write_result(const TaskContext& ctx, const std::string& file, const runtime::RowMatrix& m) {
  runtime::write_npy((ctx.dir / file).string(), m.data(), {m.rows(), m.cols()});
  ctx.record.files.push_back(file);
}

void write_result(const TaskContext& ctx, const std::string& file, const std::vector<double>& data,
                  const std::vector<long>& shape) {
  runtime::write_npy((ctx.dir / file).string(), data.data(), shape);
  ctx.record.files.push_back(file);
}

void warn(const TaskContext& ctx, const std::string& text) {
  ctx.record.warnings.push_back(text);
  if (ctx.reporter.warning) ctx.reporter.warning(text);
}

namespace {

// The plotting script: --scripts-dir, else scripts/ next to the executable's folder (the build
// folder sits in the repository), else scripts/ beside the executable.
fs::path plot_script(const RunOptions& options) {
  std::vector<fs::path> candidates;
  if (!options.scripts_dir.empty()) candidates.push_back(fs::path(options.scripts_dir) / "plot_figure.py");
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    candidates.push_back(exe.parent_path().parent_path() / "scripts/plot_figure.py");
    candidates.push_back(exe.parent_path() / "scripts/plot_figure.py");
  }
  for (const fs::path& p : candidates)
    if (fs::exists(p)) return p;
  throw runtime::DataError("cannot find scripts/plot_figure.py (give its folder with --scripts-dir)");
}

// The last non-empty line of a text file ("" if none).
std::string last_line(const fs::path& path) {
  std::ifstream in(path);
  std::string line, last;
  while (std::getline(in, line))
    if (!line.empty()) last = line;
  return last;
}

// Draws the PNG; throws DataError when it cannot (no script, no python, the script failed).
void draw_plot(const TaskContext& ctx, const std::string& args_json, const fs::path& manifest, const fs::path& png) {
  const fs::path script = plot_script(ctx.options);
  std::vector<std::string> args{ctx.options.python, script.string(), "--manifest", manifest.string(),
                                "--task", ctx.task.name, "--out", png.string(), "--args", args_json};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  // The script's stderr goes to a file, so that its message can go into the warning (and the manifest).
  const fs::path messages = png.parent_path() / "plot.stderr";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, messages.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw runtime::DataError(fmt::format("cannot start '{}': {}", ctx.options.python, std::strerror(rc)));
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  throw_if_interrupted();
  const std::string said = last_line(messages);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw runtime::DataError(fmt::format("plot '{}' was not drawn: {} exited with status {}{}", ctx.task.name,
                                         script.string(), WIFEXITED(status) ? WEXITSTATUS(status) : -1,
                                         said.empty() ? "" : ": " + said));
}

}  // namespace

std::string run_plot_task(const TaskContext& ctx, const std::string& args_json, const fs::path& manifest,
                          const fs::path& png) {
  try {
    draw_plot(ctx, args_json, manifest, png);
  } catch (const runtime::DataError& e) {
    return e.what();
  }
  return {};
}

}  // namespace sgntk::experiment
