// The plugin host: finds surrogate plugins (plugins/abi/sgntk_plugin.h) on the search path,
// loads them with dlopen, checks every descriptor (ABI version and struct size before anything
// else), instantiates a surrogate with a parameter vector, and wraps it as the runtime's array
// function and Gaussian-average types. Every error names the plugin file and, when known, the
// plugin id. The runtime never includes compiler/: spec positions are the caller's business.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "plugins/abi/sgntk_plugin.h"
#include "runtime/array_function.h"

namespace sgntk::runtime {

// ---- descriptors ---------------------------------------------------------------------------

struct PluginParam {
  std::string name, description;
  double default_value = 0.0, lo = 0.0, hi = 0.0;
  std::uint32_t flags = 0;  // SGNTK_PARAM_*
  bool accepts(double v) const;
  std::string range_text() const;  // "(0, inf)", "[0, 1]", "integer in [1, inf)"
};

class PluginLibrary;  // an open shared library (RAII; closed when the last user lets go)

// A checked descriptor, copied into host memory. The function pointers stay valid while
// `library` is held, which every copy and every instance does.
struct PluginDescriptor {
  std::string file;   // the library, as found on the search path
  std::string id, version, description, formula;
  std::uint16_t abi_major = 0, abi_minor = 0;
  std::uint32_t normalisation = SGNTK_NORM_RAW;
  std::uint32_t caps = 0;
  std::vector<PluginParam> params;
  sgntk_surrogate_descriptor raw{};  // the plugin's fields up to its struct_size, rest zero
  std::shared_ptr<const PluginLibrary> library;

  int find_param(std::string_view name) const;  // index, or -1
  std::vector<std::string> param_names() const;
};

const char* normalisation_name(std::uint32_t normalisation);  // "area 1", "peak 1", ...
std::string capability_names(std::uint32_t caps);              // "thread-safe, gauss-average"

// A library or descriptor that could not be used. `id` is empty when it could not be read
// (wrong ABI major, struct too small, not a plugin at all).
struct PluginLoadError {
  std::string file, id, message;
  bool missing_path = false;  // a --plugin-path entry that does not exist
  std::string text() const;  // "plugin 'id' in 'file': message" / "'file': message"
};

struct PluginLoadResult {
  std::vector<PluginDescriptor> descriptors;
  std::vector<PluginLoadError> errors;
};

// Opens one library and checks every descriptor it enumerates. Never throws for a bad plugin.
PluginLoadResult load_plugin_library(const std::string& path);

// True when a library's file name is the conventional one for `id`: libsgntk_<id>.so,
// lib<id>.so or <id>.so. Lets a load error be blamed on the id a spec asked for.
bool plugin_file_names_id(std::string_view file, std::string_view id);

// ---- search path and registry ----------------------------------------------------------------

struct SearchDir {
  enum class Origin { option, environment, build, install };
  std::string path;
  Origin origin;
};
const char* origin_name(SearchDir::Origin origin);  // "--plugin-path", "SGNTK_PLUGIN_PATH", ...

// --plugin-path entries, then SGNTK_PLUGIN_PATH (colon separated), then the build's plugin
// folder, then the install folder. Empty entries are dropped.
std::vector<SearchDir> plugin_search_path(const std::vector<std::string>& option_paths);

// Every plugin on a search path. An entry may be a folder (every *.so in it, in name order) or
// one library file. A missing --plugin-path entry is an error; missing default folders are not.
class PluginRegistry {
 public:
  // Loads the libraries in this process (only safe for libraries known to be sound: see
  // plugin_probe.h for the scan that loads each one in a separate process).
  static PluginRegistry scan(const std::vector<SearchDir>& path);
  // Loads the library files through `load`, which returns one result per file, in order.
  using Loader = std::function<std::vector<PluginLoadResult>(const std::vector<std::string>& files)>;
  static PluginRegistry scan(const std::vector<SearchDir>& path, const Loader& load);

  // The first descriptor with this id in search order (later ones are shadowed), or null.
  const PluginDescriptor* find(std::string_view id) const;
  // Every usable descriptor, in search order, shadowed ones included.
  const std::vector<PluginDescriptor>& descriptors() const { return descriptors_; }
  const std::vector<PluginLoadError>& errors() const { return errors_; }
  const std::vector<SearchDir>& path() const { return path_; }
  std::vector<std::string> ids() const;  // unique, in search order

 private:
  std::vector<SearchDir> path_;
  std::vector<PluginDescriptor> descriptors_;
  std::vector<PluginLoadError> errors_;
};

// ---- instances and wrappers -------------------------------------------------------------------

// A plugin surrogate with its full parameter vector (descriptor order). eval, average and
// expect2 are thread-safe; shape() calls a [main-thread] hook. Every call checks the status
// code and that every output is finite, and throws EvalError naming the plugin id and file.
class PluginInstance {
 public:
  PluginInstance(PluginDescriptor descriptor, std::vector<double> values);

  const PluginDescriptor& descriptor() const { return descriptor_; }
  const std::vector<double>& values() const { return values_; }
  std::string text() const;   // plugin("fast_sigmoid", slope = 25, scale = 1)
  std::string label() const;  // plugin 'fast_sigmoid' (/path/libsgntk_fast_sigmoid.so)

  void eval(const double* x, double* out, std::size_t n) const;
  bool has_average() const { return descriptor_.raw.gauss_average != nullptr; }
  void average(const double* mean, const double* var, double* out, std::size_t n) const;
  bool has_expect2() const { return descriptor_.raw.gauss_expect2 != nullptr; }
  void expect2(const double* a, const double* b, const double* c, double* out, std::size_t n) const;
  // From the shape hook; without one: no breakpoints, not known to be smooth.
  Shape shape() const;

 private:
  PluginDescriptor descriptor_;
  std::vector<double> values_;
};

using PluginInstanceRef = std::shared_ptr<const PluginInstance>;

// Why instantiate() failed; `param` indexes the `given` list when one parameter is to blame.
struct InstantiateError {
  std::string message;
  int param = -1;
};

// Called with "calling eval", "calling shape", ... before each call into the plugin, so that the
// probe helper can say where a plugin crashed or hung.
using PluginStage = std::function<void(const char* stage)>;

// Fills defaults, checks names, ranges and the plugin's own check_params, then probes eval (and
// the hooks) at a few points so that an error code or a NaN is reported now, not mid-run. A
// hook that answers SGNTK_EUNSUPPORTED for these parameters is dropped (quadrature instead).
// Returns null and sets `error` on failure.
PluginInstanceRef instantiate(const PluginDescriptor& descriptor,
                              const std::vector<std::pair<std::string, double>>& given,
                              InstantiateError& error, const PluginStage& stage = {});

// E[g(u) g(v)] for (u, v) ~ N(0, [[a, c], [c, b]]) from a plugin's closed-form hook.
class PluginExpectation2 {
 public:
  explicit PluginExpectation2(PluginInstanceRef instance) : instance_(std::move(instance)) {}
  void expect(const double* a, const double* b, const double* c, double* out, std::size_t n) const {
    instance_->expect2(a, b, c, out, n);
  }
  std::string text() const;

 private:
  PluginInstanceRef instance_;
};
using PluginExpectation2Ref = std::shared_ptr<const PluginExpectation2>;

ArrayFunctionRef plugin_function(PluginInstanceRef instance);
GaussianAverageRef plugin_average(PluginInstanceRef instance);        // null without the hook
PluginExpectation2Ref plugin_expectation2(PluginInstanceRef instance);  // null without the hook

}  // namespace sgntk::runtime
