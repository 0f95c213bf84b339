#include "runtime/plugin_probe.h"

#include <dlfcn.h>
#include <sys/stat.h>
#include <csignal>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <map>
#include <mutex>
#include <thread>

#include "runtime/child_process.h"
#include "runtime/plugin_wire.h"

namespace sgntk::runtime {
namespace {

constexpr const char* helper_name = "sgntk-plugin-probe";

// A library file as it is now: the cache forgets it when it is replaced or rewritten.
std::string file_key(const std::string& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) return {};
  return fmt::format("{}\x1f{}:{}:{}:{}.{}", file, st.st_dev, st.st_ino, st.st_size, st.st_mtim.tv_sec,
                     st.st_mtim.tv_nsec);
}

std::mutex cache_mutex;
std::map<std::string, PluginLoadResult> scan_cache;   // by file_key
std::map<std::string, ProbeOutcome> probe_cache;      // by file_key + id + parameters

std::string last_line(const std::string& text) {
  std::string_view s(text);
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.remove_suffix(1);
  const std::size_t nl = s.rfind('\n');
  std::string line(nl == std::string_view::npos ? s : s.substr(nl + 1));
  if (line.size() > 200) line = line.substr(0, 200) + "...";
  return line;
}

// The helper died of a signal meant for the whole process group (Ctrl-C, a kill of the job):
// nothing is known about the plugin, and nothing is cached.
bool interrupted(const ChildRun& run) {
  return run.end == ChildRun::End::signalled && (run.code == SIGINT || run.code == SIGTERM || run.code == SIGHUP);
}

// How the helper ended, for a message: "crashed with SIGSEGV (signal 11) while calling eval".
std::string ending_text(const ChildRun& run, const std::string& stage) {
  std::string text;
  switch (run.end) {
    case ChildRun::End::signalled:
      text = fmt::format("{} {} while {}", interrupted(run) ? "was not checked: its probe was stopped by" : "crashed with",
                         signal_text(run.code), stage);
      break;
    case ChildRun::End::exited:
      text = fmt::format("ended the process with exit status {} while {} (a plugin must return, never exit)",
                         run.code, stage);
      break;
    case ChildRun::End::timed_out:
      text = fmt::format("did not return within {} s while {}, and was stopped (an endless loop?)",
                         probe_timeout().count() / 1000.0, stage);
      break;
    case ChildRun::End::not_started:
      return fmt::format("could not be checked: the probe helper '{}' did not start ({})",
                         run.argv.empty() ? helper_name : run.argv[0], run.start_error);
  }
  if (const std::string words = last_line(run.errors); !words.empty())
    text += fmt::format("; its last words on stderr: '{}'", words);
  return text;
}

std::size_t parallel_helpers() { return std::max(2u, std::thread::hardware_concurrency()); }

ChildRun helper_run(std::vector<std::string> args) {
  ChildRun run;
  run.argv.push_back(probe_helper_path());
  run.argv.insert(run.argv.end(), args.begin(), args.end());
  if (run.argv[0].empty()) {
    run.argv[0] = helper_name;
    run.start_error = "not found beside this program nor in the build folder";
  }
  return run;
}

void run_helpers(std::vector<ChildRun>& runs) {
  std::vector<ChildRun> todo;
  for (ChildRun& r : runs)
    if (r.start_error.empty()) todo.push_back(std::move(r));
  run_children(todo, probe_timeout(), parallel_helpers());
  std::size_t k = 0;
  for (ChildRun& r : runs)
    if (r.start_error.empty()) r = std::move(todo[k++]);
}

// Lists `files` in helpers: one helper for all of them, and after a library that takes a helper
// down, a new one for the files after it. `known[i]` is false where the helper could not start
// or was interrupted: that result says nothing about the library.
std::vector<PluginLoadResult> list_isolated(const std::vector<std::string>& files, std::vector<bool>& known) {
  std::vector<PluginLoadResult> results(files.size());
  known.assign(files.size(), true);
  std::size_t from = 0;
  while (from < files.size()) {
    std::vector<std::string> args{"list"};
    args.insert(args.end(), files.begin() + static_cast<std::ptrdiff_t>(from), files.end());
    std::vector<ChildRun> runs{helper_run(args)};
    run_helpers(runs);
    const ChildRun& run = runs[0];
    const std::vector<wire::Record> records = wire::decode(run.report);
    std::size_t current = from;  // the file being listed
    bool open = false;
    std::string stage = "starting";
    for (std::size_t at = 0; at < records.size(); ++at) {
      const wire::Record& r = records[at];
      if (r[0] == "file" && r.size() == 2) {
        current = from + std::stoul(r[1]);
        open = true;
        results[current] = {};
      } else if (r[0] == "stage" && r.size() == 2) {
        stage = r[1];
      } else if (r[0] == "descriptor") {
        PluginDescriptor d;
        d.file = files[current];
        if (!wire::read_descriptor(records, at, d)) break;
        --at;
        results[current].descriptors.push_back(std::move(d));
      } else if (r[0] == "error" && r.size() == 3) {
        results[current].errors.push_back({files[current], r[1], r[2]});
      } else if (r[0] == "done") {
        open = false;
        ++current;
      }
    }
    if (current >= files.size() && !open) break;
    // The helper went down in files[current] (or before its first file): blame that one.
    results[current] = {};
    results[current].errors.push_back({files[current], "", ending_text(run, stage)});
    known[current] = run.end != ChildRun::End::not_started && !interrupted(run);
    from = current + 1;
  }
  return results;
}

std::string probe_key(const ProbeRequest& r) {
  std::string key = file_key(r.file) + "\x1e" + r.id;
  for (const auto& [name, value] : r.given) key += "\x1e" + name + "=" + wire::number(value);
  return key;
}

ProbeOutcome read_probe(const ProbeRequest& request, const ChildRun& run) {
  const std::string label = fmt::format("plugin '{}' ({})", request.id, request.file);
  std::string stage = "starting";
  bool passed = false;
  for (const wire::Record& r : wire::decode(run.report)) {
    if (r[0] == "stage" && r.size() == 2) stage = r[1];
    else if (r[0] == "invalid" && r.size() == 3) return {false, r[2], std::stoi(r[1])};
    else if (r[0] == "fail" && r.size() == 2) return {false, r[1], -1};
    else if (r[0] == "ok") passed = true;
  }
  if (passed && run.end == ChildRun::End::exited && run.code == 0) return {true, {}, -1};
  if (passed) stage = "unloading the library";
  return {false, label + ": " + ending_text(run, stage), -1};
}

}  // namespace

std::chrono::milliseconds probe_timeout() {
  if (const char* s = std::getenv("SGNTK_PLUGIN_TIMEOUT")) {
    char* end = nullptr;
    const double seconds = std::strtod(s, &end);
    if (end != s && *end == '\0' && seconds > 0 && seconds < 1e6)
      return std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
  }
  return std::chrono::seconds(5);
}

std::string probe_helper_path() {
  std::vector<std::filesystem::path> candidates;
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) candidates.push_back(self.parent_path() / helper_name);
  Dl_info info{};
  if (::dladdr(reinterpret_cast<void*>(&probe_helper_path), &info) && info.dli_fname && info.dli_fname[0] == '/')
    candidates.push_back(std::filesystem::path(info.dli_fname).parent_path() / helper_name);
#ifdef SGNTK_PLUGIN_PROBE_BUILD_PATH
  candidates.push_back(SGNTK_PLUGIN_PROBE_BUILD_PATH);
#endif
  for (const auto& c : candidates)
    if (::access(c.c_str(), X_OK) == 0) return c.string();
  return {};
}

PluginRegistry scan_plugins_isolated(const std::vector<SearchDir>& path) {
  return PluginRegistry::scan(path, [](const std::vector<std::string>& files) {
    std::vector<PluginLoadResult> results(files.size());
    std::vector<std::string> keys(files.size()), todo;
    {
      std::lock_guard lock(cache_mutex);
      for (std::size_t i = 0; i < files.size(); ++i) {
        keys[i] = file_key(files[i]);
        const auto hit = keys[i].empty() ? scan_cache.end() : scan_cache.find(keys[i]);
        if (hit != scan_cache.end()) results[i] = hit->second;
        else todo.push_back(files[i]);
      }
    }
    if (todo.empty()) return results;
    std::vector<bool> known;
    std::vector<PluginLoadResult> listed = list_isolated(todo, known);
    std::lock_guard lock(cache_mutex);
    for (std::size_t i = 0, k = 0; i < files.size(); ++i) {
      if (k < todo.size() && files[i] == todo[k]) {
        results[i] = std::move(listed[k]);
        if (!keys[i].empty() && known[k]) scan_cache[keys[i]] = results[i];
        ++k;
      }
    }
    return results;
  });
}

std::vector<ProbeOutcome> probe_plugins(const std::vector<ProbeRequest>& requests) {
  std::vector<ProbeOutcome> outcomes(requests.size());
  std::vector<std::string> keys(requests.size());
  std::vector<std::size_t> todo;
  std::vector<ChildRun> runs;
  {
    std::lock_guard lock(cache_mutex);
    for (std::size_t i = 0; i < requests.size(); ++i) {
      keys[i] = probe_key(requests[i]);
      if (const auto hit = probe_cache.find(keys[i]); hit != probe_cache.end()) {
        outcomes[i] = hit->second;
        continue;
      }
      std::vector<std::string> args{"probe", requests[i].file, requests[i].id};
      for (const auto& [name, value] : requests[i].given) args.push_back(name + "=" + wire::number(value));
      runs.push_back(helper_run(args));
      todo.push_back(i);
    }
  }
  run_helpers(runs);
  std::lock_guard lock(cache_mutex);
  for (std::size_t k = 0; k < todo.size(); ++k) {
    const std::size_t i = todo[k];
    outcomes[i] = read_probe(requests[i], runs[k]);
    // A helper that could not start or was interrupted says nothing about the plugin.
    if (runs[k].end != ChildRun::End::not_started && !interrupted(runs[k]) && !file_key(requests[i].file).empty())
      probe_cache[keys[i]] = outcomes[i];
  }
  return outcomes;
}

}  // namespace sgntk::runtime
