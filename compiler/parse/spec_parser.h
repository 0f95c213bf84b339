// Parsing: spec text -> ast::Spec (Boost.Spirit X3; the grammar is in spec_parser.cpp, one
// translation unit). Stops at the first syntax error, reported as "expected <what>" at the
// offending token. Nesting deeper than max_nesting_depth is an error, detected before the
// parser recurses further, so no input can overflow the stack.
#pragma once
#include <optional>

#include "compiler/parse/ast.h"
#include "compiler/source/diagnostics.h"

namespace sgntk::parse {

inline constexpr int max_nesting_depth = 256;

std::optional<ast::Spec> parse_spec(const SourceFile& file, Diagnostics& diags);

}  // namespace sgntk::parse
