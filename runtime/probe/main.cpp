// sgntk-plugin-probe: loads plugins on behalf of the host (runtime/plugin_probe.h), so that a
// plugin that crashes, hangs or exits takes down this process only. It reports on fd 3 in the
// records of runtime/plugin_wire.h, announcing each call into plugin code ("stage") before it
// is made, so that the host can say where a plugin failed.
//
//   sgntk-plugin-probe list FILE...             every descriptor of each library
//   sgntk-plugin-probe probe FILE ID [NAME=V]... instantiate ID with these parameters and check it
#include <sys/prctl.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "runtime/plugin_check.h"
#include "runtime/plugin_host.h"
#include "runtime/plugin_wire.h"

using namespace sgntk::runtime;

namespace {

constexpr int report_fd = 3;

void send(const wire::Record& record) {
  const std::string line = wire::encode(record);
  for (std::size_t at = 0; at < line.size();) {
    const ssize_t n = ::write(report_fd, line.data() + at, line.size() - at);
    if (n <= 0) std::_Exit(4);  // the host is gone
    at += static_cast<std::size_t>(n);
  }
}

void stage(const char* what) { send({"stage", what}); }

int list(int argc, char** argv) {
  for (int i = 0; i < argc; ++i) {
    send({"file", std::to_string(i)});
    stage("loading the library");
    {
      const PluginLoadResult r = load_plugin_library(argv[i]);
      std::vector<wire::Record> records;
      for (const PluginDescriptor& d : r.descriptors) wire::append_descriptor(d, records);
      for (const PluginLoadError& e : r.errors) records.push_back({"error", e.id, e.message});
      for (const wire::Record& rec : records) send(rec);
      stage("unloading the library");
    }
    send({"done", std::to_string(i)});
  }
  return 0;
}

int probe(const std::string& file, const std::string& id, int argc, char** argv) {
  std::vector<std::pair<std::string, double>> given;
  for (int i = 0; i < argc; ++i) {
    const char* eq = std::strchr(argv[i], '=');
    if (eq == nullptr) return 2;
    given.emplace_back(std::string(argv[i], static_cast<std::size_t>(eq - argv[i])), wire::to_number(eq + 1));
  }
  stage("loading the library");
  {
    const PluginLoadResult r = load_plugin_library(file);
    const PluginDescriptor* d = nullptr;
    for (const PluginDescriptor& candidate : r.descriptors)
      if (candidate.id == id) d = &candidate;
    if (d == nullptr) {
      send({"fail", "plugin '" + id + "' (" + file + "): no longer provided by this library"});
      return 0;
    }
    InstantiateError error;
    const PluginInstanceRef instance = instantiate(*d, given, error, stage);
    if (!instance) {
      send({"invalid", std::to_string(error.param), error.message});
      return 0;
    }
    if (const std::string why = check_plugin(*instance, stage); !why.empty()) {
      send({"fail", why});
      return 0;
    }
    stage("unloading the library");
  }
  send({"ok"});
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // Never outlive the host: a helper stuck in a plugin's endless loop dies with it.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() == 1) return 4;
  if (argc >= 2 && std::strcmp(argv[1], "list") == 0) return list(argc - 2, argv + 2);
  if (argc >= 4 && std::strcmp(argv[1], "probe") == 0) {
    try {
      return probe(argv[2], argv[3], argc - 4, argv + 4);
    } catch (const std::exception& e) {
      send({"fail", std::string("the probe failed: ") + e.what()});
      return 0;
    }
  }
  return 2;
}
