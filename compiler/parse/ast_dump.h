// `sgntk check --dump ast`: the AST as an indented tree, one node a line, each with the
// line:column where it starts, e.g.
//   param m @1:7
//     number 2 @1:11
// A chain with a single operand (no operator) is shown as that operand.
#pragma once
#include <string>

#include "compiler/parse/ast.h"

namespace sgntk::parse {
std::string dump_ast(const ast::Spec& spec, const SourceFile& file);
}
