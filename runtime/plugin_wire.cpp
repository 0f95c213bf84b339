#include "runtime/plugin_wire.h"

#include <cstdlib>
#include <fmt/format.h>

namespace sgntk::runtime::wire {

std::string encode(const Record& record) {
  std::string line;
  for (std::size_t i = 0; i < record.size(); ++i) {
    if (i) line += '\t';
    for (char c : record[i]) {
      if (c == '\\') line += "\\\\";
      else if (c == '\t') line += "\\t";
      else if (c == '\n') line += "\\n";
      else line += c;
    }
  }
  return line + '\n';
}

std::vector<Record> decode(std::string_view text) {
  std::vector<Record> out;
  std::size_t at = 0;
  for (std::size_t end; (end = text.find('\n', at)) != std::string_view::npos; at = end + 1) {
    Record r(1);
    for (std::size_t i = at; i < end; ++i) {
      const char c = text[i];
      if (c == '\t') {
        r.emplace_back();
      } else if (c == '\\' && i + 1 < end) {
        const char e = text[++i];
        r.back() += e == 't' ? '\t' : e == 'n' ? '\n' : e;
      } else {
        r.back() += c;
      }
    }
    out.push_back(std::move(r));
  }
  return out;
}

std::string number(double v) { return fmt::format("{:a}", v); }

double to_number(const std::string& text) { return std::strtod(text.c_str(), nullptr); }

void append_descriptor(const PluginDescriptor& d, std::vector<Record>& out) {
  out.push_back({"descriptor", d.id, d.version, d.description, d.formula, std::to_string(d.abi_major),
                 std::to_string(d.abi_minor), std::to_string(d.normalisation), std::to_string(d.caps),
                 std::to_string(d.params.size())});
  for (const PluginParam& p : d.params)
    out.push_back({"param", p.name, p.description, number(p.default_value), number(p.lo), number(p.hi),
                   std::to_string(p.flags)});
}

bool read_descriptor(const std::vector<Record>& records, std::size_t& at, PluginDescriptor& d) {
  const Record& r = records[at];
  if (r.size() != 10 || r[0] != "descriptor") return false;
  d.id = r[1];
  d.version = r[2];
  d.description = r[3];
  d.formula = r[4];
  d.abi_major = static_cast<std::uint16_t>(std::stoul(r[5]));
  d.abi_minor = static_cast<std::uint16_t>(std::stoul(r[6]));
  d.normalisation = static_cast<std::uint32_t>(std::stoul(r[7]));
  d.caps = static_cast<std::uint32_t>(std::stoul(r[8]));
  const std::size_t count = std::stoul(r[9]);
  ++at;
  for (std::size_t i = 0; i < count; ++i, ++at) {
    if (at >= records.size()) return false;
    const Record& p = records[at];
    if (p.size() != 7 || p[0] != "param") return false;
    d.params.push_back({p[1], p[2], to_number(p[3]), to_number(p[4]), to_number(p[5]),
                        static_cast<std::uint32_t>(std::stoul(p[6]))});
  }
  return true;
}

}  // namespace sgntk::runtime::wire
