// The probe helper's report (runtime/probe/) as text the host parses: one record per line,
// fields separated by tabs, with backslash, tab and newline escaped, and numbers as hex floats
// so that they cross exactly. A descriptor crosses as its metadata only (no function pointers).
#pragma once
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/plugin_host.h"

namespace sgntk::runtime::wire {

using Record = std::vector<std::string>;  // the tag, then the fields

std::string encode(const Record& record);          // one line, '\n' included
std::vector<Record> decode(std::string_view text);  // complete lines only; a torn last line is dropped

std::string number(double v);   // exact text of v (hex float, "inf", "nan")
double to_number(const std::string& text);

// The records of one descriptor ("descriptor", then one "param" per parameter), and back.
void append_descriptor(const PluginDescriptor& d, std::vector<Record>& out);
// Reads the descriptor that starts at records[at]; advances `at` past it. False when malformed.
bool read_descriptor(const std::vector<Record>& records, std::size_t& at, PluginDescriptor& d);

}  // namespace sgntk::runtime::wire
