// `sgntk run SPEC`: runs every task of a spec in order and writes, under OUT,
//   OUT/data/<data>.npy           every data set
//   OUT/<task>/[<sweep point>/]   each task's npy results (a sweep point is a folder "m_2-n_500")
//   OUT/<task>.png                each plot task's figure
//   OUT/manifest.json             last: spec hash, params, seeds, versions, timings, file list
// The results are written into a staging folder beside OUT (OUT.tmp-XXXXXX) and replace OUT as a
// whole (runtime/replaced_folder.h) only when every task has finished, so an interrupted or
// failed run leaves OUT as it was, and a manifest always describes the results beside it. A
// run holds a lock on OUT (OUT.lock) and a second run into it is refused. An existing OUT is
// replaced only if it is an earlier result (it has a manifest.json) or empty. Train tasks also
// save their finished networks, `chunk` at a time, under OUT/.resume/<task>/<job>/, in place
// (they survive a stop, and move into the new folder at the swap): with `resume`, a run trains
// only the networks no earlier run of the same spec, sets and arguments finished
// (network_store.h).
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "compiler/source/diagnostics.h"

namespace sgntk::experiment {

// Progress of the run, for the CLI's display. Called from the calling thread only.
struct Reporter {
  std::function<void(const std::string& label)> begin;   // a step starts ("train sgl [n=500]")
  std::function<void(double fraction)> progress;         // 0..1 within the step
  std::function<void(const std::string& text)> warning;  // one sentence
};

struct RunOptions {
  std::string spec;                     // path of the spec
  std::vector<std::string> sets;        // --set NAME=VALUE, applied to every sweep point
  std::string out;                      // output folder; empty: out/<spec file stem>
  bool quick = false;                   // apply the spec's `quick` overrides
  bool resume = false;                  // train tasks reuse the networks an earlier run saved
  int threads = 0;                      // 0: all cores
  std::vector<std::string> plugin_paths;
  std::vector<std::string> only;        // run only these tasks (and nothing else); empty: all
  std::string python = "/usr/bin/python3";
  std::string scripts_dir;              // where plot_figure.py is; empty: beside the executable
};

enum class RunStatus { ok, input_error, interrupted };

// Diagnostics of the spec and one-line errors of data, evaluation or plotting go to diags.
RunStatus run_experiment(const RunOptions& options, const Reporter& reporter, Diagnostics& diags);

// The output folder run_experiment() uses for `options`.
std::string output_folder(const RunOptions& options);

}  // namespace sgntk::experiment
