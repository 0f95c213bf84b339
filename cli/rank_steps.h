// The steps of a command that runs across MPI ranks (`sgntk train` under mpirun), each run on
// every rank or on rank 0 alone, after which the ranks agree on how it went: no rank goes on,
// or waits in a collective, after another failed.
//
// A step returns an exit code (0: go on) or throws. The ranks exchange their codes; when one
// failed, every rank returns the code of the lowest failing rank, and that rank alone reports
// its failure: its diagnostics, then its exception as main would report it. Ranks other than 0
// hold back their stderr during a step (what they print, such as the spec's warnings, repeats
// rank 0's) and show it only when they are the one to report. A step stopped by SIGINT or
// SIGTERM (runtime::Cancelled) rethrows on the reporting rank, which then dies of the signal.
//
// With one process a step just runs: its code is returned and its exceptions propagate, as in
// any command.
#pragma once
#include <functional>

namespace sgntk::cli {

int on_every_rank(const std::function<int()>& step);
int on_root(const std::function<int()>& step);

}  // namespace sgntk::cli
