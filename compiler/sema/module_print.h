// Readable views of a sema::Module for `sgntk check`: the default summary (params, functions,
// and per network each layer with its activation, the activation's derivative as
// passes::differentiate computes it, and its surrogate), and `--dump graph` (every function's
// hash-consed graph as a numbered node list).
#pragma once
#include <string>

#include "compiler/sema/module.h"

namespace sgntk::sema {
std::string describe_module(const Module& module);
std::string dump_graph(const Module& module);
}
