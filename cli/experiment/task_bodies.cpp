// The experiment checker, part 4: checked arguments (defaults included) -> typed tasks, and the
// arguments as the manifest lists them. The one place that reads arguments by name.
#include "cli/experiment/checker.h"
#include "cli/experiment/json.h"
#include "cli/jobs/kinds.h"

namespace sgntk::experiment {
namespace {

// Accessors of the arguments the signature guarantees (required or defaulted) or may leave out.
struct Args {
  const CheckedArgs& args;
  double number(const char* key) const { return args.at(key).numbers.at(0); }
  long integer(const char* key) const { return static_cast<long>(number(key)); }
  std::vector<long> integers(const char* key) const {
    std::vector<long> out;
    if (args.count(key) != 0)
      for (double v : args.at(key).numbers) out.push_back(static_cast<long>(v));
    return out;
  }
  const std::string& text(const char* key) const { return args.at(key).text; }
  std::optional<std::string> optional_text(const char* key) const {
    if (args.count(key) == 0) return std::nullopt;
    return args.at(key).text;
  }
  template <class Kind>
  Kind kind(const char* key) const {
    return *jobs::kind_from<Kind>(text(key));  // the signature's choices are the table's names
  }
};

}  // namespace

TaskBody task_body(const Signature& signature, const CheckedArgs& checked) {
  const Args a{checked};
  const std::string& name = signature.name;
  if (name == "kernel")
    return KernelTask{a.text("network"), a.kind<runtime::KernelKind>("kind"), a.text("x1"), a.optional_text("x2")};
  if (name == "empirical")
    return EmpiricalTask{a.text("network"),
                         a.kind<runtime::EmpiricalKind>("kind"),
                         a.text("x1"),
                         a.optional_text("x2"),
                         a.integer("ensemble"),
                         static_cast<std::uint64_t>(a.integer("seed")),
                         a.integers("steps"),
                         a.number("lr"),
                         a.optional_text("x"),
                         a.optional_text("y")};
  if (name == "train")
    return TrainTask{a.text("network"),
                     a.text("x"),
                     a.text("y"),
                     a.optional_text("eval"),
                     a.number("lr"),
                     a.integer("steps"),
                     a.integer("ensemble"),
                     static_cast<std::uint64_t>(a.integer("seed")),
                     a.integers("save_at"),
                     a.integer("loss_every"),
                     a.kind<runtime::Backprop>("backprop"),
                     a.kind<runtime::Precision>("precision"),
                     a.integer("chunk")};
  if (name == "predict")
    return PredictTask{a.text("network"),      a.kind<runtime::PredictKind>("kind"), a.text("x_train"),
                       a.text("y_train"),      a.text("x_test"),                     a.number("t"),
                       a.optional_text("flow_of"), a.number("diag_reg")};
  return PlotTask{a.text("style"), checked.at("inputs").names, a.optional_text("title")};
}

std::map<std::string, std::string> args_json(const CheckedArgs& args) {
  std::map<std::string, std::string> out;
  for (const auto& [key, arg] : args) {
    std::string value;
    if (!arg.numbers.empty()) {
      if (arg.numbers.size() == 1) {
        value = json_number(arg.numbers[0]);
      } else {
        for (double v : arg.numbers) value += (value.empty() ? "" : ", ") + json_number(v);
        value = "[" + value + "]";
      }
    } else if (arg.names.size() > 1) {
      for (const std::string& n : arg.names) value += (value.empty() ? "" : ", ") + json_string(n);
      value = "[" + value + "]";
    } else {
      value = json_string(arg.text);
    }
    out[key] = value;
  }
  return out;
}

}  // namespace sgntk::experiment
