#include "cli/jobs/kinds.h"

namespace sgntk::jobs {

template <>
const KindTable<runtime::KernelKind>& kind_table<runtime::KernelKind>() {
  static const KindTable<runtime::KernelKind> table{
      {"nngp", runtime::KernelKind::nngp}, {"ntk", runtime::KernelKind::ntk}, {"sgntk", runtime::KernelKind::sgntk}};
  return table;
}

template <>
const KindTable<runtime::EmpiricalKind>& kind_table<runtime::EmpiricalKind>() {
  static const KindTable<runtime::EmpiricalKind> table{{"ntk", runtime::EmpiricalKind::ntk},
                                                       {"sgntk", runtime::EmpiricalKind::sgntk}};
  return table;
}

template <>
const KindTable<runtime::PredictKind>& kind_table<runtime::PredictKind>() {
  static const KindTable<runtime::PredictKind> table{
      {"nngp", runtime::PredictKind::nngp}, {"ntk", runtime::PredictKind::ntk}, {"sgntk", runtime::PredictKind::sgntk}};
  return table;
}

template <>
const KindTable<runtime::Backprop>& kind_table<runtime::Backprop>() {
  static const KindTable<runtime::Backprop> table{{"surrogate", runtime::Backprop::surrogate},
                                                  {"true", runtime::Backprop::true_derivative}};
  return table;
}

template <>
const KindTable<runtime::Precision>& kind_table<runtime::Precision>() {
  static const KindTable<runtime::Precision> table{{"f64", runtime::Precision::f64}, {"f32", runtime::Precision::f32}};
  return table;
}

}  // namespace sgntk::jobs
