// The signatures of the data sources and tasks a spec may call: every argument with its type,
// whether it is required, and its default. The experiment checker (check_experiment.cpp) checks
// calls against them with sema's one argument matcher (compiler/sema/arguments.h).
#pragma once
#include <string>
#include <vector>

namespace sgntk::experiment {

enum class ArgType {
  number,    // a constant expression (params allowed; inf allowed)
  count,     // an integer >= 1
  natural,   // an integer >= 0
  naturals,  // a list of integers >= 0 (a single value is a list of one)
  string,    // "text"
  network,   // the name of a network
  data,      // the name of a data set
  values,    // the name of a data set or a target
  task,      // the name of a task
  tasks,     // a list of task names
  choice,    // one of `choices`, as a bare name or a string
};

struct ArgSpec {
  std::string name;
  ArgType type;
  bool required = false;
  std::vector<double> def = {};        // default of a numeric argument
  std::vector<std::string> choices = {};
  std::string def_text = {};           // default of a choice; empty: none
};

struct Signature {
  std::string name;
  std::string positional = {};         // the argument a positional item stands for; empty: none
  bool sweeps = false;                 // `sweep NAME = [...]` allowed
  std::vector<ArgSpec> args;
};

const std::vector<Signature>& data_signatures();
// In the order of TaskBody's alternatives (experiment.h).
const std::vector<Signature>& task_signatures();

const Signature* find_signature(const std::vector<Signature>& table, const std::string& name);
std::vector<std::string> names_of(const std::vector<Signature>& table);

}  // namespace sgntk::experiment
