// The spec grammar (Boost.Spirit X3), in this one translation unit, and parse_spec().
// Layout after the X3 examples: rule ids, rules, grammar, then the entry point. The EBNF above
// each rule is the one specs/README.md documents.
#include "compiler/parse/spec_parser.h"

#include <boost/spirit/home/x3.hpp>
#include <boost/spirit/home/x3/support/utility/annotate_on_success.hpp>
#include <functional>
#include <limits>
#include <map>
#include <string>
#include <type_traits>

#include "compiler/parse/ast_adapted.h"

namespace sgntk::parse {
namespace {

namespace x3 = boost::spirit::x3;
using Iterator = std::string::const_iterator;

//===------------------------------------------------------------------------------------===//
// Parser context: position annotation and the nesting guard
//===------------------------------------------------------------------------------------===//

// Stands in for X3's error_handler under x3::error_handler_tag: annotate_on_success calls
// tag(), which stores byte offsets (not X3's position cache) so that our own renderer is used.
struct Annotator {
  Iterator begin;
  template <typename Node>
  void tag(Node& node, Iterator first, Iterator last) const {
    if constexpr (std::is_base_of_v<x3::position_tagged, Node>) {
      node.id_first = static_cast<int>(first - begin);
      node.id_last = static_cast<int>(last - begin);
    }
  }
};

struct depth_tag;
// The `which` of the expectation_failure thrown when nesting is too deep.
constexpr const char* too_deep_marker = "@too_deep";

// nest[p]: parses p with one more level of nesting, failing hard (before recursing) when the
// depth would exceed max_nesting_depth. Every recursive path of the grammar passes through it.
template <typename Subject>
struct NestDirective : x3::unary_parser<Subject, NestDirective<Subject>> {
  using base_type = x3::unary_parser<Subject, NestDirective<Subject>>;
  static bool const is_pass_through_unary = true;
  static bool const handles_container = Subject::handles_container;
  constexpr NestDirective(Subject const& subject) : base_type(subject) {}

  template <typename It, typename Context, typename RContext, typename Attribute>
  bool parse(It& first, It const& last, Context const& context, RContext& rcontext, Attribute& attr) const {
    int& depth = x3::get<depth_tag>(context).get();
    if (depth >= max_nesting_depth) {
      It at = first;
      x3::skip_over(at, last, context);
      boost::throw_exception(x3::expectation_failure<It>(at, too_deep_marker));
    }
    ++depth;
    const bool ok = this->subject.parse(first, last, context, rcontext, attr);
    --depth;
    return ok;
  }
};

struct NestGen {
  template <typename Subject>
  constexpr NestDirective<typename x3::extension::as_parser<Subject>::value_type> operator[](Subject const& s) const {
    return {x3::as_parser(s)};
  }
};
constexpr NestGen nest{};

//===------------------------------------------------------------------------------------===//
// Rule IDs (annotated rules inherit annotate_on_success) and their human names
//===------------------------------------------------------------------------------------===//

struct number_class : x3::annotate_on_success {};
struct name_class : x3::annotate_on_success {};
struct string_class : x3::annotate_on_success {};
struct call_class : x3::annotate_on_success {};
struct if_class : x3::annotate_on_success {};
struct condition_class : x3::annotate_on_success {};
struct negate_class : x3::annotate_on_success {};
struct derivative_class : x3::annotate_on_success {};
struct additive_class : x3::annotate_on_success {};
struct multiplicative_class : x3::annotate_on_success {};
struct power_class : x3::annotate_on_success {};
struct add_operation_class : x3::annotate_on_success {};
struct mul_operation_class : x3::annotate_on_success {};
struct pow_operation_class : x3::annotate_on_success {};
struct unary_class;
struct primary_class;
struct parenthesized_class;
struct comparison_op_class;
struct arg_class : x3::annotate_on_success {};
struct arg_list_class;
struct call_args_class;
struct param_class : x3::annotate_on_success {};
struct lambda_class : x3::annotate_on_success {};
struct plugin_class : x3::annotate_on_success {};
struct function_body_class;
struct activation_class : x3::annotate_on_success {};
struct surrogate_class : x3::annotate_on_success {};
struct layer_class : x3::annotate_on_success {};
struct layers_end_class;
struct network_class : x3::annotate_on_success {};
struct list_class;
struct list_items_class;
struct value_class;
struct item_class : x3::annotate_on_success {};
struct items_class;
struct invocation_class : x3::annotate_on_success {};
struct data_class : x3::annotate_on_success {};
struct target_class : x3::annotate_on_success {};
struct task_class : x3::annotate_on_success {};
struct quick_class : x3::annotate_on_success {};
struct statement_class;
struct end_class;

// Rule name -> what the user reads after "expected ".
const std::map<std::string, std::string>& id_map() {
  static const std::map<std::string, std::string> map{
      {"number", "number"},
      {"name", "name"},
      {"string", "string"},
      {"expression", "expression"},
      {"comparison_op", "comparison ('<', '<=', '>' or '>=')"},
      {"function_body", "'(' or '= plugin(...)'"},
      {"layers_end", "layer or '}'"},
      {"value", "value (number, string, name or list)"},
      {"list", "list"},
      {"invocation", "invocation such as 'circle(n = 100)'"},
      {"end", "'param', 'activation', 'surrogate', 'network', 'data', 'target', 'task' or 'quick'"},
  };
  return map;
}

//===------------------------------------------------------------------------------------===//
// Rules
//===------------------------------------------------------------------------------------===//

x3::rule<number_class, ast::Number> const number = "number";
x3::rule<name_class, ast::Name> const name = "name";
x3::rule<string_class, ast::StringLiteral> const string_literal = "string";
x3::rule<call_class, ast::Call> const call = "call";
x3::rule<if_class, ast::If> const if_expr = "if";
x3::rule<condition_class, ast::Condition> const condition = "condition";
x3::rule<comparison_op_class, std::string> const comparison_op = "comparison_op";
x3::rule<negate_class, ast::Unary> const negate = "negate";
x3::rule<derivative_class, ast::Unary> const derivative = "derivative";
x3::rule<unary_class, ast::Operand> const unary = "expression";
x3::rule<primary_class, ast::Operand> const primary = "expression";
x3::rule<parenthesized_class, ast::BinaryChain> const parenthesized = "parenthesized";
x3::rule<power_class, ast::BinaryChain> const power = "expression";
x3::rule<multiplicative_class, ast::BinaryChain> const multiplicative = "expression";
x3::rule<additive_class, ast::BinaryChain> const additive = "expression";
x3::rule<add_operation_class, ast::Operation> const add_operation = "add_operation";
x3::rule<mul_operation_class, ast::Operation> const mul_operation = "mul_operation";
x3::rule<pow_operation_class, ast::Operation> const pow_operation = "pow_operation";
x3::rule<arg_class, ast::Arg> const arg = "argument";
x3::rule<arg_list_class, std::vector<ast::Arg>> const arg_list = "arg_list";
x3::rule<call_args_class, std::vector<ast::Expr>> const call_args = "call_args";
x3::rule<param_class, ast::Param> const param = "param";
x3::rule<lambda_class, ast::Lambda> const lambda = "lambda";
x3::rule<plugin_class, ast::PluginRef> const plugin = "plugin";
x3::rule<function_body_class, ast::FunctionBody> const function_body = "function_body";
x3::rule<activation_class, ast::Function> const activation = "activation";
x3::rule<surrogate_class, ast::Function> const surrogate = "surrogate";
x3::rule<layer_class, ast::Layer> const layer = "layer";
x3::rule<layers_end_class> const layers_end = "layers_end";
x3::rule<network_class, ast::Network> const network = "network";
x3::rule<list_class, ast::ValueList> const value_list = "list";
x3::rule<list_items_class, std::vector<ast::Value>> const list_items = "list";
x3::rule<value_class, ast::Value> const value = "value";
x3::rule<item_class, ast::Item> const item = "argument";
x3::rule<items_class, std::vector<ast::Item>> const items = "items";
x3::rule<invocation_class, ast::Invocation> const invocation = "invocation";
x3::rule<data_class, ast::Data> const data = "data";
x3::rule<target_class, ast::Target> const target = "target";
x3::rule<task_class, ast::Task> const task = "task";
x3::rule<quick_class, ast::Quick> const quick = "quick";
x3::rule<statement_class, ast::Statement> const statement = "statement";
x3::rule<end_class> const end = "end";

//===------------------------------------------------------------------------------------===//
// Grammar
//===------------------------------------------------------------------------------------===//

// Character classes are spelled out (not x3::alpha) so that no locale and no <cctype> call is
// involved, whatever bytes the input holds.
auto const ident_start = x3::char_("a-zA-Z_");
auto const ident_char = x3::char_("a-zA-Z0-9_");
auto const digit = x3::char_("0-9");
auto const keyword = [](const char* word) { return x3::lexeme[x3::lit(word) >> !ident_char]; };

// skipper = whitespace | '#' { any char but newline }
auto const skipper = x3::char_(" \t\r\n\f\v") | x3::lexeme['#' >> *(x3::char_ - '\n')];

// Number, Name and StringLiteral are filled (and position-tagged) by these actions: X3 does not
// call on_success for a rule whose attribute a semantic action sets.
template <typename Member>
auto fill(Member member) {
  return [member](auto& ctx) {
    const auto& range = x3::_attr(ctx);
    auto& node = x3::_val(ctx);
    (node.*member).assign(range.begin(), range.end());
    x3::get<x3::error_handler_tag>(ctx).get().tag(node, range.begin(), range.end());
  };
}
auto const set_text = fill(&ast::Number::text);
auto const set_name = fill(&ast::Name::name);
auto const set_string = fill(&ast::StringLiteral::value);

// number = digit {digit} ["." {digit}] [exponent] | "." digit {digit} [exponent]
// exponent = ("e" | "E") ["+" | "-"] digit {digit}
auto const exponent = x3::char_("eE") >> -x3::char_("+-") >> +digit;
auto const number_def = x3::raw[x3::lexeme[((+digit >> -('.' >> *digit)) | ('.' >> +digit)) >>
                                           -exponent >> !ident_char]][set_text];

// name = (letter | "_") {letter | digit | "_"}
auto const name_def = x3::raw[x3::lexeme[ident_start >> *ident_char]][set_name];

// string = '"' {any char but '"' or newline} '"'
auto const string_literal_def =
    x3::lexeme['"' > x3::raw[*(x3::char_ - '"' - '\n')][set_string] > '"'];

// call = name "(" expression {"," expression} ")"
auto const call_args_def = additive > *(',' > additive);
auto const call_def = (name >> '(') > call_args > ')';

// if = "if" "(" condition "," expression "," expression ")"
// condition = expression ("<" | "<=" | ">" | ">=") expression
auto const if_expr_def = keyword("if") > '(' > condition > ',' > additive > ',' > additive > ')';
auto const comparison_op_def = x3::string("<=") | x3::string(">=") | x3::string("<") | x3::string(">");
auto const condition_def = additive > comparison_op > additive;

// primary = number | "(" expression ")" | if | call | name
auto const parenthesized_def = '(' > additive > ')';
auto const primary_def = number | parenthesized | if_expr | call | name;

// unary = "-" unary | "d/dx" unary | power     (so -x^2 = -(x^2) and d/dx applies to a power)
auto const negate_def = x3::char_('-') > unary;
auto const derivative_def = (x3::lexeme[x3::lit("d/dx") >> !ident_char] >> x3::attr('d')) > unary;
auto const unary_def = nest[negate | derivative | power];

// power = primary ["^" unary]                 (right-associative)
auto const pow_operation_def = x3::char_('^') > unary;
auto const power_def = primary >> x3::repeat(0, 1)[pow_operation];

// multiplicative = unary {("*" | "/") unary}
auto const mul_operation_def = (x3::char_('*') | x3::char_('/')) > unary;
auto const multiplicative_def = unary >> *mul_operation;

// expression = multiplicative {("+" | "-") multiplicative}
auto const add_operation_def = (x3::char_('+') | x3::char_('-')) > multiplicative;
auto const additive_def = multiplicative >> *add_operation;

// argument = name "=" expression
// arguments = [argument {"," argument}]
auto const arg_def = name > '=' > additive;
auto const arg_list_def = -(arg > *(',' > arg));

// param = "param" name "=" expression
auto const param_def = keyword("param") > name > '=' > additive;

// lambda = "(" name ")" "=" expression
// plugin = "=" "plugin" "(" string {"," argument} ")"
auto const lambda_def = '(' > name > ')' > '=' > additive;
auto const plugin_def = '=' > keyword("plugin") > '(' > string_literal > *(',' > arg) > ')';
auto const function_body_def = lambda | plugin;

// activation = "activation" name lambda
// surrogate = "surrogate" name (lambda | plugin)
auto const activation_def = (keyword("activation") >> x3::attr(std::string("activation"))) > name > lambda;
auto const surrogate_def = (keyword("surrogate") >> x3::attr(std::string("surrogate"))) > name > function_body;

// layer = name "(" arguments ")"
// network = "network" name "(" arguments ")" "{" {layer} "}"
auto const layer_def = name > '(' > arg_list > ')';
auto const layers_end_def = x3::lit('}');
auto const network_def =
    keyword("network") > name > '(' > arg_list > ')' > '{' > *layer > layers_end;

// value = string | list | expression
// list = "[" [value {"," value}] "]"
auto const value_def = string_literal | nest[value_list] | additive;  // lists nest like parentheses
auto const list_items_def = '[' > -(value > *(',' > value)) > ']';
// A one-member struct does not adapt reliably in X3: the action fills and tags the list.
auto const set_list = [](auto& ctx) {
  auto& node = x3::_val(ctx);
  node.items = std::move(x3::_attr(ctx));
  x3::get<x3::error_handler_tag>(ctx).get().tag(node, x3::_where(ctx).begin(), x3::_where(ctx).end());
};
auto const value_list_def = list_items[set_list];

// item = ["sweep"] [name "="] value             (positional, named or swept argument)
// items = [item {"," item}]
// The lookahead keeps a positional name from landing in the key: X3 does not reset an optional
// attribute when its sequence fails half way.
auto const item_def = x3::matches[keyword("sweep")] >> -(&(name >> '=') >> name >> '=') >> value;
auto const items_def = -(item > *(',' > item));

// invocation = name "(" items ")"
auto const invocation_def = name > '(' > items > ')';

// data = "data" name "=" invocation
// target = "target" name "=" expression          (an expression in x0, x1, ...)
// task = "task" name "=" invocation
// quick = "quick" name "(" items ")"            (overrides of a task's arguments under --quick)
auto const data_def = keyword("data") > name > '=' > invocation;
auto const target_def = keyword("target") > name > '=' > additive;
auto const task_def = keyword("task") > name > '=' > invocation;
auto const quick_def = keyword("quick") > name > '(' > items > ')';

// spec = {statement} end-of-input
// statement = param | activation | surrogate | network | data | target | task | quick
auto const statement_def = param | activation | surrogate | network | data | target | task | quick;
auto const end_def = x3::eoi;

BOOST_SPIRIT_DEFINE(number, name, string_literal, call_args, arg_list, call, if_expr, condition, comparison_op, negate,
                    derivative, unary, primary, parenthesized, power, multiplicative, additive,
                    add_operation, mul_operation, pow_operation, arg, param, lambda, plugin,
                    function_body, activation, surrogate, layer, layers_end, network, value_list, list_items, value, item,
                    items, invocation, data, target, task, quick, statement, end)

auto const spec = *statement > end;

//===------------------------------------------------------------------------------------===//
// Error reporting
//===------------------------------------------------------------------------------------===//

// What the user reads for X3's `which`: a rule name through id_map, a literal as written.
std::string human_name(const std::string& which) {
  if (auto it = id_map().find(which); it != id_map().end()) return it->second;
  if (which.size() >= 2 && which.front() == '"' && which.back() == '"')  // literal string
    return "'" + which.substr(1, which.size() - 2) + "'";
  return which;  // literal chars are already quoted: "'('"
}

// The byte range of the token at `offset`, for the caret line: one character, or none at the end.
SourceRange token_at(const SourceFile& file, std::size_t offset) {
  return {&file, offset, std::min(offset + 1, file.text().size())};
}

}  // namespace

std::optional<ast::Spec> parse_spec(const SourceFile& file, Diagnostics& diags) {
  const std::string& text = file.text();
  if (text.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {  // positions are ints
    diags.error("'" + file.path() + "' is too large to parse");
    return std::nullopt;
  }
  Iterator first = text.begin();
  const Iterator last = text.end();
  Annotator annotator{text.begin()};
  int depth = 0;
  std::vector<ast::Statement> statements;
  try {
    auto const parser = x3::with<x3::error_handler_tag>(std::ref(annotator))[
        x3::with<depth_tag>(std::ref(depth))[spec]];
    // `spec` ends with an expectation of end-of-input, so success means everything was read.
    if (x3::phrase_parse(first, last, parser, skipper, statements)) return ast::Spec{std::move(statements)};
    diags.error(token_at(file, static_cast<std::size_t>(first - text.begin())), "expected " + human_name("end"));
  } catch (const x3::expectation_failure<Iterator>& e) {
    // Point at the offending token, not at the whitespace or comment before it; inside a
    // string the failing character itself (the newline) is the place.
    Iterator at = e.where();
    if (e.which() != "'\"'")
      while (at != last && x3::parse(at, last, skipper)) {
      }
    const auto offset = static_cast<std::size_t>(at - text.begin());
    const std::string where = at == last ? " at the end of the file" : "";
    if (e.which() == too_deep_marker)
      diags.error(token_at(file, offset),
                  "expression nested too deeply (the limit is " + std::to_string(max_nesting_depth) + " levels)");
    else
      diags.error(token_at(file, offset), "expected " + human_name(e.which()) + where);
  }
  return std::nullopt;
}

}  // namespace sgntk::parse
