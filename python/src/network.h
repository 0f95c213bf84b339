// A spec loaded, checked and compiled for one network: what sgntk.load() returns. It owns the
// spec (the source the diagnostics point into, the module) and the bound kernel program that
// every job runs; the front end runs once per load, never per call.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/experiment/load_experiment.h"
#include "runtime/bound_program.h"

namespace sgntk::python {

struct LoadOptions {
  std::string network;                    // empty: the spec's only network
  std::vector<std::string> sets;          // "NAME=VALUE", as `--set`
  std::vector<std::string> plugin_paths;  // searched first, as `--plugin-path`
  double tolerance = 1e-10;               // relative error target of numeric expectations
};

class Network {
 public:
  // `text` given: the spec's text, `path` only names it in diagnostics. Throws DiagnosticFailure.
  Network(const std::string& path, const std::optional<std::string>& text, LoadOptions options);

  const runtime::KernelProgram& program() const { return program_; }
  const sema::Module& module() const { return spec_->spec->module; }
  const LoadOptions& options() const { return options_; }
  const std::string& source_text() const { return spec_->spec->source->text(); }  // the spec as compiled

  // What `sgntk check SPEC` prints, and the dump of one stage: "ast", "graph" or "program".
  std::string check() const;
  std::string dump(const std::string& stage) const;

 private:
  std::unique_ptr<experiment::LoadedExperiment> spec_;
  runtime::KernelProgram program_;
  LoadOptions options_;
};

}  // namespace sgntk::python
