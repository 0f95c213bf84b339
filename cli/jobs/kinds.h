// The one map between the words a spec or a command line writes ("ntk", "surrogate", "f32") and
// the runtime's enums. Commands (CLI11 choices), task signatures (choices) and the job layer
// all read these tables; a kind is added in one place. Header-only, like runtime/kinds.h, so that
// the experiment checker needs no runtime library.
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "runtime/kinds.h"

namespace sgntk::jobs {

template <class Kind>
using KindTable = std::vector<std::pair<std::string, Kind>>;

// One table per enum, in the order help texts and error messages list the names.
template <class Kind>
const KindTable<Kind>& kind_table();

template <>
inline const KindTable<runtime::KernelKind>& kind_table<runtime::KernelKind>() {
  static const KindTable<runtime::KernelKind> table{
      {"nngp", runtime::KernelKind::nngp}, {"ntk", runtime::KernelKind::ntk}, {"sgntk", runtime::KernelKind::sgntk}};
  return table;
}

template <>
inline const KindTable<runtime::EmpiricalKind>& kind_table<runtime::EmpiricalKind>() {
  static const KindTable<runtime::EmpiricalKind> table{{"ntk", runtime::EmpiricalKind::ntk},
                                                       {"sgntk", runtime::EmpiricalKind::sgntk}};
  return table;
}

template <>
inline const KindTable<runtime::PredictKind>& kind_table<runtime::PredictKind>() {
  static const KindTable<runtime::PredictKind> table{
      {"nngp", runtime::PredictKind::nngp}, {"ntk", runtime::PredictKind::ntk}, {"sgntk", runtime::PredictKind::sgntk}};
  return table;
}

template <>
inline const KindTable<runtime::Backprop>& kind_table<runtime::Backprop>() {
  static const KindTable<runtime::Backprop> table{{"surrogate", runtime::Backprop::surrogate},
                                                  {"true", runtime::Backprop::true_derivative}};
  return table;
}

template <>
inline const KindTable<runtime::Precision>& kind_table<runtime::Precision>() {
  static const KindTable<runtime::Precision> table{{"f64", runtime::Precision::f64}, {"f32", runtime::Precision::f32}};
  return table;
}

template <class Kind>
std::vector<std::string> kind_names() {
  std::vector<std::string> out;
  for (const auto& [name, kind] : kind_table<Kind>()) out.push_back(name);
  return out;
}

template <class Kind>
std::optional<Kind> kind_from(const std::string& name) {
  for (const auto& [n, kind] : kind_table<Kind>())
    if (n == name) return kind;
  return std::nullopt;
}

template <class Kind>
std::string kind_name(Kind kind) {
  for (const auto& [name, k] : kind_table<Kind>())
    if (k == kind) return name;
  return "?";
}

}  // namespace sgntk::jobs
