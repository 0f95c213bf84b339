// Semantic analysis of the experiment statements (`data`, `target`, `task`, `quick`): checks
// every argument against the signature of its data source or task (signatures.h), resolves
// names (data, targets, networks, tasks, params) and fills an Experiment with typed tasks.
#pragma once
#include "cli/experiment/experiment.h"
#include "compiler/sema/build_graph.h"

namespace sgntk::experiment {

// The checker to hand to build_graph() (or load_spec()): it runs after params, functions and
// networks, with the spec's symbol table, so errors come in spec order and the names of data,
// targets and tasks share the one namespace of params and functions. Fills `out`.
sema::StatementChecker experiment_checker(Experiment& out);

}  // namespace sgntk::experiment
