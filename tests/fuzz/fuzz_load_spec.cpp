// libFuzzer entry point: any byte string goes through the whole front end (parse, build the
// graphs, run the graph passes that simplify them and differentiate every activation, render
// the diagnostics), once as written and once with --set m=inf when the spec has a param m. It
// must never crash, hang, leak or throw; diagnostics are the only acceptable reaction to bad
// input.
#include <cstddef>
#include <cstdint>
#include <string>

#include "cli/experiment/load_experiment.h"
#include "compiler/lower/pass_order.h"
#include "compiler/sema/module_print.h"

namespace {
void run(const std::string& text, const std::vector<std::string>& sets) {
  sgntk::Diagnostics diags;
  // The networks and the experiment statements (data, target, task), checked as every command
  // checks them.
  auto loaded = sgntk::experiment::load_experiment_text("fuzz.sgntk", text, sets, diags);
  (void)diags.render();
  if (!loaded) return;
  const sgntk::sema::Module& module = loaded->spec->module;
  // The graph passes simplify every function and differentiate every layer's activation.
  const sgntk::sema::FunctionGraphs graphs = sgntk::lower::run_graph_passes(module);
  (void)sgntk::sema::describe_module(module, graphs);
  (void)sgntk::sema::dump_graph(module, graphs);
  if (sets.empty() && module.params.count("m") != 0) run(text, {"m=inf"});
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  run(std::string(reinterpret_cast<const char*>(data), size), {});
  return 0;
}
