// Loading and checking plugins, and the search-path registry (plugin_host.h). Instances and
// the runtime wrappers are in plugin_instance.cpp.
#include "runtime/plugin_host.h"

#include <dlfcn.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <set>
#include <system_error>

namespace sgntk::runtime {

// ---- the library handle -------------------------------------------------------------------------

class PluginLibrary {
 public:
  explicit PluginLibrary(void* handle) : handle_(handle) {}
  PluginLibrary(const PluginLibrary&) = delete;
  PluginLibrary& operator=(const PluginLibrary&) = delete;
  ~PluginLibrary() { dlclose(handle_); }
  void* symbol(const char* name) const { return dlsym(handle_, name); }

 private:
  void* handle_;
};

// ---- small descriptions -----------------------------------------------------------------------

bool PluginParam::accepts(double v) const {
  if (!std::isfinite(v)) return false;
  if ((flags & SGNTK_PARAM_INTEGER) && v != std::floor(v)) return false;
  const bool lo_ok = (flags & SGNTK_PARAM_LO_OPEN) ? v > lo : v >= lo;
  const bool hi_ok = (flags & SGNTK_PARAM_HI_OPEN) ? v < hi : v <= hi;
  return lo_ok && hi_ok;
}

std::string PluginParam::range_text() const {
  auto bound = [](double b) { return std::isinf(b) ? std::string(b < 0 ? "-inf" : "inf") : fmt::format("{}", b); };
  return fmt::format("{}{}{}, {}{}", (flags & SGNTK_PARAM_INTEGER) ? "integer in " : "",
                     (flags & SGNTK_PARAM_LO_OPEN) || std::isinf(lo) ? "(" : "[", bound(lo), bound(hi),
                     (flags & SGNTK_PARAM_HI_OPEN) || std::isinf(hi) ? ")" : "]");
}

int PluginDescriptor::find_param(std::string_view name) const {
  for (std::size_t i = 0; i < params.size(); ++i)
    if (params[i].name == name) return static_cast<int>(i);
  return -1;
}

std::vector<std::string> PluginDescriptor::param_names() const {
  std::vector<std::string> names;
  for (const PluginParam& p : params) names.push_back(p.name);
  return names;
}

const char* normalisation_name(std::uint32_t normalisation) {
  switch (normalisation) {
    case SGNTK_NORM_RAW: return "raw (not normalised)";
    case SGNTK_NORM_AREA: return "area 1 (Heaviside-consistent)";
    case SGNTK_NORM_PEAK: return "peak 1";
    case SGNTK_NORM_SIGN_JUMP: return "area 2 (sign-consistent)";
  }
  return "unknown";
}

std::string capability_names(std::uint32_t caps) {
  static const std::pair<std::uint32_t, const char*> names[] = {
      {SGNTK_CAP_THREAD_SAFE, "thread-safe"},
      {SGNTK_CAP_GAUSS_AVERAGE, "closed E[g(V)]"},
      {SGNTK_CAP_GAUSS_EXPECT2, "closed E[g(u) g(v)]"},
      {SGNTK_CAP_SHAPE, "shape"},
  };
  std::string out;
  for (const auto& [bit, name] : names)
    if (caps & bit) out += (out.empty() ? "" : ", ") + std::string(name);
  return out.empty() ? "none" : out;
}

std::string PluginLoadError::text() const {
  if (id.empty()) return fmt::format("'{}': {}", file, message);
  return fmt::format("plugin '{}' in '{}': {}", id, file, message);
}

bool plugin_file_names_id(std::string_view file, std::string_view id) {
  const std::string name = std::filesystem::path(file).filename().string();
  const std::string want(id);
  return name == "libsgntk_" + want + ".so" || name == "lib" + want + ".so" || name == want + ".so";
}

// ---- checking one descriptor ------------------------------------------------------------------

namespace {

constexpr std::uint32_t max_descriptors = 256;  // an enumeration that never ends is a bug
constexpr std::uint32_t max_params = 64;

bool is_identifier(const char* s, bool allow_dot) {
  if (s == nullptr || !(std::isalpha(static_cast<unsigned char>(*s)) || *s == '_')) return false;
  for (++s; *s; ++s)
    if (!(std::isalnum(static_cast<unsigned char>(*s)) || *s == '_' || (allow_dot && *s == '.')))
      return false;
  return true;
}

std::string text_or_empty(const char* s) { return s ? s : ""; }

// Fills `d` from the plugin's descriptor, or returns why it cannot be used. The order is the
// ABI contract: the version first, then the size, and only then any other field.
std::string check_descriptor(const sgntk_surrogate_descriptor* in, PluginDescriptor& d) {
  if (in->abi.major != SGNTK_ABI_MAJOR)
    return fmt::format("built for plugin ABI {}.{}, but this sgntk reads ABI major {} only",
                       in->abi.major, in->abi.minor, SGNTK_ABI_MAJOR);
  const std::size_t size = in->struct_size;
  if (size < SGNTK_DESCRIPTOR_SIZE_1_0)
    return fmt::format("descriptor struct_size is {} bytes, smaller than the {} bytes of ABI 1.0",
                       size, SGNTK_DESCRIPTOR_SIZE_1_0);
  // Read nothing past the plugin's size; fields a newer host knows and the plugin lacks stay 0.
  std::memcpy(&d.raw, in, std::min(size, sizeof d.raw));
  const sgntk_surrogate_descriptor& r = d.raw;
  d.abi_major = r.abi.major;
  d.abi_minor = r.abi.minor;
  if (!is_identifier(r.id, true))
    return r.id ? fmt::format("id '{}' is not an identifier", r.id) : "descriptor has no id";
  d.id = r.id;
  d.version = text_or_empty(r.version);
  d.description = text_or_empty(r.description);
  if (r.formula == nullptr || *r.formula == '\0') return "descriptor states no formula";
  d.formula = r.formula;
  if (r.normalisation > SGNTK_NORM_SIGN_JUMP)
    return fmt::format("unknown normalisation {}", r.normalisation);
  d.normalisation = r.normalisation;
  d.caps = r.caps;
  if (r.eval == nullptr) return "descriptor has no eval function";
  if (!(r.caps & SGNTK_CAP_THREAD_SAFE)) return "eval is not declared thread-safe (SGNTK_CAP_THREAD_SAFE)";
  const struct { std::uint32_t bit; bool present; const char* name; } hooks[] = {
      {SGNTK_CAP_GAUSS_AVERAGE, r.gauss_average != nullptr, "gauss_average"},
      {SGNTK_CAP_GAUSS_EXPECT2, r.gauss_expect2 != nullptr, "gauss_expect2"},
      {SGNTK_CAP_SHAPE, r.shape != nullptr, "shape"},
  };
  for (const auto& h : hooks)
    if (((r.caps & h.bit) != 0) != h.present)
      return fmt::format("capability flag and hook '{}' disagree", h.name);
  if (r.param_count > max_params) return fmt::format("{} parameters (at most {})", r.param_count, max_params);
  if (r.param_count > 0 && r.params == nullptr) return "param_count > 0 but no parameter table";
  std::set<std::string> seen;
  for (std::uint32_t i = 0; i < r.param_count; ++i) {
    const sgntk_param_info& p = r.params[i];
    if (!is_identifier(p.name, false)) return fmt::format("parameter {} has no valid name", i);
    PluginParam q{p.name, text_or_empty(p.description), p.default_value, p.lo, p.hi, p.flags};
    if (!seen.insert(q.name).second) return fmt::format("parameter '{}' is declared twice", q.name);
    if (std::isnan(p.lo) || std::isnan(p.hi) || p.lo > p.hi)
      return fmt::format("parameter '{}' has an invalid range", q.name);
    if (!q.accepts(q.default_value))
      return fmt::format("default {} of parameter '{}' is outside its range {}", q.default_value, q.name,
                         q.range_text());
    d.params.push_back(std::move(q));
  }
  return {};
}

}  // namespace

PluginLoadResult load_plugin_library(const std::string& path) {
  PluginLoadResult result;
  // dlopen searches the system folders for a name without a slash; we never want that.
  std::error_code ec;
  std::string file = std::filesystem::absolute(path, ec).string();
  if (ec) file = path;
  if (!std::filesystem::is_regular_file(file, ec)) {
    result.errors.push_back({path, "", "no such file"});
    return result;
  }
  dlerror();
  void* handle = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    result.errors.push_back({path, "", fmt::format("not a loadable library ({})", why ? why : "dlopen failed")});
    return result;
  }
  auto library = std::make_shared<const PluginLibrary>(handle);
  auto entry = reinterpret_cast<sgntk_entry_fn>(library->symbol(SGNTK_ENTRY_SYMBOL));
  if (entry == nullptr) {
    result.errors.push_back({path, "", fmt::format("not an sgntk plugin (no symbol '{}')", SGNTK_ENTRY_SYMBOL)});
    return result;
  }
  std::set<std::string> ids;
  for (std::uint32_t index = 0;; ++index) {
    if (index == max_descriptors) {
      result.errors.push_back({path, "", fmt::format("enumerates more than {} descriptors", max_descriptors)});
      break;
    }
    const sgntk_surrogate_descriptor* raw = entry(index);
    if (raw == nullptr) break;
    PluginDescriptor d;
    d.file = path;
    d.library = library;
    std::string why = check_descriptor(raw, d);
    if (why.empty() && !ids.insert(d.id).second) why = "id enumerated twice";
    if (why.empty()) result.descriptors.push_back(std::move(d));
    else result.errors.push_back({path, d.id, fmt::format("descriptor {}: {}", index, why)});
  }
  if (result.descriptors.empty() && result.errors.empty())
    result.errors.push_back({path, "", "enumerates no descriptors"});
  return result;
}

// ---- search path and registry ------------------------------------------------------------------

const char* origin_name(SearchDir::Origin origin) {
  switch (origin) {
    case SearchDir::Origin::option: return "--plugin-path";
    case SearchDir::Origin::environment: return "SGNTK_PLUGIN_PATH";
    case SearchDir::Origin::build: return "build";
    case SearchDir::Origin::install: return "install";
  }
  return "";
}

std::vector<SearchDir> plugin_search_path(const std::vector<std::string>& option_paths) {
  std::vector<SearchDir> path;
  for (const std::string& p : option_paths)
    if (!p.empty()) path.push_back({p, SearchDir::Origin::option});
  if (const char* env = std::getenv("SGNTK_PLUGIN_PATH")) {
    std::string_view rest(env);
    while (!rest.empty()) {
      const std::size_t colon = rest.find(':');
      const std::string_view item = rest.substr(0, colon);
      if (!item.empty()) path.push_back({std::string(item), SearchDir::Origin::environment});
      rest = colon == std::string_view::npos ? std::string_view{} : rest.substr(colon + 1);
    }
  }
#ifdef SGNTK_PLUGIN_BUILD_DIR
  path.push_back({SGNTK_PLUGIN_BUILD_DIR, SearchDir::Origin::build});
#endif
#ifdef SGNTK_PLUGIN_INSTALL_DIR
  path.push_back({SGNTK_PLUGIN_INSTALL_DIR, SearchDir::Origin::install});
#endif
  return path;
}

PluginRegistry PluginRegistry::scan(const std::vector<SearchDir>& path) {
  return scan(path, [](const std::vector<std::string>& files) {
    std::vector<PluginLoadResult> results;
    for (const std::string& f : files) results.push_back(load_plugin_library(f));
    return results;
  });
}

PluginRegistry PluginRegistry::scan(const std::vector<SearchDir>& path, const Loader& load) {
  PluginRegistry registry;
  registry.path_ = path;
  // The library files in search order; a missing --plugin-path entry keeps its place in the
  // error list as an entry of its own (file index -1).
  std::vector<std::string> files;
  std::vector<std::pair<int, PluginLoadError>> order;
  std::set<std::string> visited;  // the same folder twice on the path is scanned once
  for (const SearchDir& dir : path) {
    std::error_code ec;
    const std::filesystem::path p(dir.path);
    if (!std::filesystem::exists(p, ec)) {
      if (dir.origin == SearchDir::Origin::option)
        order.push_back({-1, {dir.path, "", "plugin path does not exist", true}});
      continue;
    }
    const std::string key = std::filesystem::weakly_canonical(p, ec).string();
    if (!visited.insert(key).second) continue;
    if (!std::filesystem::is_directory(p, ec)) {
      order.push_back({static_cast<int>(files.size()), {}});
      files.push_back(dir.path);
      continue;
    }
    std::vector<std::string> found;
    for (const auto& entry : std::filesystem::directory_iterator(p, ec))
      if (entry.path().extension() == ".so" && !entry.is_directory()) found.push_back(entry.path().string());
    std::sort(found.begin(), found.end());
    for (std::string& f : found) {
      order.push_back({static_cast<int>(files.size()), {}});
      files.push_back(std::move(f));
    }
  }
  std::vector<PluginLoadResult> results = files.empty() ? std::vector<PluginLoadResult>{} : load(files);
  results.resize(files.size());
  for (auto& [file, error] : order) {
    if (file < 0) {
      registry.errors_.push_back(std::move(error));
      continue;
    }
    PluginLoadResult& r = results[static_cast<std::size_t>(file)];
    for (PluginDescriptor& d : r.descriptors) registry.descriptors_.push_back(std::move(d));
    for (PluginLoadError& e : r.errors) registry.errors_.push_back(std::move(e));
  }
  return registry;
}

const PluginDescriptor* PluginRegistry::find(std::string_view id) const {
  for (const PluginDescriptor& d : descriptors_)
    if (d.id == id) return &d;
  return nullptr;
}

std::vector<std::string> PluginRegistry::ids() const {
  std::vector<std::string> out;
  for (const PluginDescriptor& d : descriptors_)
    if (std::find(out.begin(), out.end(), d.id) == out.end()) out.push_back(d.id);
  return out;
}

}  // namespace sgntk::runtime
