#include "cli/experiment/load_experiment.h"

#include "cli/experiment/check_experiment.h"

namespace sgntk::experiment {

std::unique_ptr<LoadedExperiment> load_experiment(const std::string& path, const std::vector<std::string>& sets,
                                                  Diagnostics& diags) {
  auto out = std::make_unique<LoadedExperiment>();
  out->spec = load_spec(path, sets, diags, experiment_checker(out->experiment));
  return out->spec ? std::move(out) : nullptr;
}

std::unique_ptr<LoadedExperiment> load_experiment_text(const std::string& path, std::string text,
                                                       const std::vector<std::string>& sets, Diagnostics& diags) {
  auto out = std::make_unique<LoadedExperiment>();
  out->spec = load_spec_text(path, std::move(text), sets, diags, experiment_checker(out->experiment));
  return out->spec ? std::move(out) : nullptr;
}

std::unique_ptr<LoadedExperiment> build_experiment(const ParsedSpec& parsed,
                                                   const std::vector<sema::ParamOverride>& overrides,
                                                   Diagnostics& diags) {
  auto out = std::make_unique<LoadedExperiment>();
  out->spec = build_spec(parsed, overrides, diags, experiment_checker(out->experiment));
  return out->spec ? std::move(out) : nullptr;
}

}  // namespace sgntk::experiment
