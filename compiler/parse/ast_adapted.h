// Boost.Fusion adaptation of the AST structs, so that X3 can fill them from sequences. Only the
// grammar (spec_parser.cpp) includes this. Number, Name and StringLiteral are filled by semantic
// actions instead (single-member structs do not adapt reliably in X3).
#pragma once
#include <boost/fusion/include/adapt_struct.hpp>

#include "compiler/parse/ast.h"

BOOST_FUSION_ADAPT_STRUCT(sgntk::ast::Unary, op, operand)
BOOST_FUSION_ADAPT_STRUCT(sgntk::ast::Operation, op, operand)
BOOST_FUSION_ADAPT_STRUCT(sgntk::ast::BinaryChain, first, rest)
BOOST_FUSION_ADAPT_STRUCT(sgntk::ast::Call, callee, args)
BOOST_FUSION_ADAPT_STRUCT(sgntk::ast::Condition, lhs, op, rhs)
BOOST_FUSION_ADAPT_STRUCT(sgntk::ast::If, condition, then_value, else_value)
BOOST_FUSION_ADAPT_STRUCT(sgntk::ast::Arg, name, value)
BOOST_FUSION_ADAPT_STRUCT(sgntk::ast::Param, name, value)
BOOST_FUSION_ADAPT_STRUCT(sgntk::ast::Lambda, variable, body)
BOOST_FUSION_ADAPT_STRUCT(sgntk::ast::PluginRef, id, args)
BOOST_FUSION_ADAPT_STRUCT(sgntk::ast::Function, keyword, name, body)
BOOST_FUSION_ADAPT_STRUCT(sgntk::ast::Layer, kind, args)
BOOST_FUSION_ADAPT_STRUCT(sgntk::ast::Network, name, args, layers)
BOOST_FUSION_ADAPT_STRUCT(sgntk::ast::Item, sweep, key, value)
BOOST_FUSION_ADAPT_STRUCT(sgntk::ast::Invocation, callee, items)
BOOST_FUSION_ADAPT_STRUCT(sgntk::ast::Data, name, source)
BOOST_FUSION_ADAPT_STRUCT(sgntk::ast::Target, name, body)
BOOST_FUSION_ADAPT_STRUCT(sgntk::ast::Task, name, call)
BOOST_FUSION_ADAPT_STRUCT(sgntk::ast::Quick, task, items)
