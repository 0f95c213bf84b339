#include "cli/experiment/signatures.h"

#include <cmath>

#include "cli/jobs/kinds.h"

namespace sgntk::experiment {

using jobs::kind_names;
using T = ArgType;

const std::vector<Signature>& data_signatures() {
  static const std::vector<Signature> table{
      {"circle", "", false, {{"n", T::count, true}}},
      {"lattice", "", false,
       {{"n", T::count, true}, {"dim", T::count, false, {2}}, {"low", T::number, false, {-1}},
        {"high", T::number, false, {1}}}},
      {"gaussian", "", false,
       {{"n", T::count, true}, {"dim", T::count, false, {2}}, {"seed", T::natural, false, {0}}}},
      {"csv", "path", false, {{"path", T::string, true}}},
      {"npy", "path", false, {{"path", T::string, true}}},
      {"select", "from", false,
       {{"from", T::data, true}, {"every", T::count}, {"offset", T::natural, false, {0}}, {"indices", T::naturals}}},
  };
  return table;
}

const std::vector<Signature>& task_signatures() {
  static const std::vector<Signature> table{
      {"kernel", "", true,
       {{"network", T::network, true}, {"kind", T::choice, true, {}, kind_names<runtime::KernelKind>()},
        {"x1", T::data, true}, {"x2", T::data}}},
      {"empirical", "", true,
       {{"network", T::network, true}, {"kind", T::choice, true, {}, kind_names<runtime::EmpiricalKind>()},
        {"x1", T::data, true}, {"x2", T::data}, {"ensemble", T::count, false, {1}}, {"seed", T::natural, false, {0}},
        {"steps", T::naturals, false, {0}}, {"lr", T::number, false, {0.1}}, {"x", T::data}, {"y", T::values}}},
      {"train", "", true,
       {{"network", T::network, true}, {"x", T::data, true}, {"y", T::values, true}, {"eval", T::data},
        {"lr", T::number, false, {0.1}}, {"steps", T::natural, true}, {"ensemble", T::count, false, {1}},
        {"seed", T::natural, false, {0}}, {"save_at", T::naturals}, {"loss_every", T::count, false, {100}},
        {"backprop", T::choice, false, {}, kind_names<runtime::Backprop>(), "surrogate"},
        {"precision", T::choice, false, {}, kind_names<runtime::Precision>(), "f64"},
        {"chunk", T::count, false, {25}}}},
      {"predict", "", true,
       {{"network", T::network, true}, {"kind", T::choice, true, {}, kind_names<runtime::PredictKind>()},
        {"x_train", T::data, true}, {"y_train", T::values, true}, {"x_test", T::data, true},
        {"t", T::number, false, {INFINITY}}, {"flow_of", T::task}, {"diag_reg", T::number, false, {0}}}},
      {"plot", "", false,
       {{"style", T::choice, true, {}, {"figure1", "figure2", "figure3", "mse"}}, {"inputs", T::tasks, true},
        {"title", T::string}}},
  };
  return table;
}

const Signature* find_signature(const std::vector<Signature>& table, const std::string& name) {
  for (const Signature& s : table)
    if (name == s.name) return &s;
  return nullptr;
}

std::vector<std::string> names_of(const std::vector<Signature>& table) {
  std::vector<std::string> out;
  for (const Signature& s : table) out.push_back(s.name);
  return out;
}

}  // namespace sgntk::experiment
