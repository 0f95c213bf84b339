#include "cli/experiment/manifest.h"

#include <Eigen/Core>
#include <boost/uuid/detail/sha1.hpp>
#include <boost/version.hpp>
#include <cmath>
#include <fmt/format.h>
#include <oneapi/tbb/version.h>

namespace sgntk::experiment {

std::string sha1_hex(const std::string& bytes) {
  boost::uuids::detail::sha1 hash;
  hash.process_bytes(bytes.data(), bytes.size());
  boost::uuids::detail::sha1::digest_type digest;
  hash.get_digest(digest);
  std::string out;
  for (unsigned word : digest) out += fmt::format("{:08x}", word);
  return out;
}

namespace {

template <class Map>
std::string object_of_numbers(const Map& map) {
  std::string out = "{";
  for (const auto& [key, value] : map) out += (out.size() > 1 ? ", " : "") + json_string(key) + ": " + json_number(value);
  return out + "}";
}

std::string strings(const std::vector<std::string>& list) {
  std::string out = "[";
  for (const std::string& s : list) out += (out.size() > 1 ? ", " : "") + json_string(s);
  return out + "]";
}

std::string run_json(const RunRecord& r) {
  return fmt::format(R"({{"params": {}, "dir": {}, "files": {}, "values": {}, "warnings": {}}})",
                     object_of_numbers(r.params), json_string(r.dir), strings(r.files), object_of_numbers(r.values),
                     strings(r.warnings));
}

}  // namespace

std::string to_json(const Manifest& m) {
  std::string data = "{";
  for (const auto& [name, file] : m.data_files) data += (data.size() > 1 ? ", " : "") + json_string(name) + ": " + json_string(file);
  data += "}";
  std::string tasks;
  for (const TaskRecord& t : m.tasks) {
    std::string runs;
    for (const RunRecord& r : t.runs) runs += (runs.empty() ? "" : ",\n        ") + run_json(r);
    tasks += fmt::format(
        "{}    {{\"name\": {}, \"kind\": {}, \"seconds\": {:.3f}, \"args\": {},{}\n      \"plot\": {},\n"
        "      \"runs\": [\n        {}]}}",
        tasks.empty() ? "" : ",\n", json_string(t.name), json_string(t.kind), t.seconds, t.args_json,
        (t.quick_replaced_json.empty() ? "" : "\n      \"quick_replaced\": " + t.quick_replaced_json + ",") +
            (t.warnings.empty() ? "" : "\n      \"warnings\": " + strings(t.warnings) + ","),
        t.plot.empty() ? "null" : json_string(t.plot), runs);
  }
  const std::string versions = fmt::format(
      R"({{"sgntk": "0.1.0", "eigen": "{}.{}.{}", "onetbb": "{}", "boost": "{}", "compiler": {}}})", EIGEN_WORLD_VERSION,
      EIGEN_MAJOR_VERSION, EIGEN_MINOR_VERSION, TBB_VERSION_STRING, BOOST_LIB_VERSION, json_string(__VERSION__));
  return fmt::format(
      "{{\n  \"spec\": {},\n  \"spec_sha1\": {},\n  \"quick\": {},\n  \"sets\": {},\n  \"params\": {},\n"
      "  \"versions\": {},\n  \"started\": {},\n  \"seconds\": {:.3f},\n  \"data\": {},\n  \"tasks\": [\n{}\n  ]\n}}\n",
      json_string(m.spec_path), json_string(m.spec_sha1), m.quick ? "true" : "false", strings(m.sets),
      object_of_numbers(m.params), versions, json_string(m.started), m.seconds, data, tasks);
}

}  // namespace sgntk::experiment
