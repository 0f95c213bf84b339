// A spec loaded with its experiment: the module (params, functions, networks) and the checked
// data, targets and tasks, checked together so that every command reports a spec's errors
// alike. What `sgntk run` builds and owns, and what the other commands load.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "cli/experiment/experiment.h"
#include "compiler/sema/load_spec.h"

namespace sgntk::experiment {

struct LoadedExperiment {
  std::unique_ptr<LoadedSpec> spec;
  Experiment experiment;  // target functions live in spec->module's graph context
};

// nullptr when any error was reported to diags.
std::unique_ptr<LoadedExperiment> load_experiment(const std::string& path, const std::vector<std::string>& sets,
                                                  Diagnostics& diags);
std::unique_ptr<LoadedExperiment> load_experiment_text(const std::string& path, std::string text,
                                                       const std::vector<std::string>& sets, Diagnostics& diags);
std::unique_ptr<LoadedExperiment> build_experiment(const ParsedSpec& parsed,
                                                   const std::vector<sema::ParamOverride>& overrides,
                                                   Diagnostics& diags);

}  // namespace sgntk::experiment
