#include "compiler/sema/build_network.h"

#include <climits>
#include <cmath>
#include <fmt/format.h>
#include <map>

#include "compiler/parse/ast_access.h"
#include "compiler/sema/arguments.h"
#include "compiler/sema/builtins.h"

namespace sgntk::sema {
namespace {

using ArgMap = std::map<std::string, const ast::Arg*>;

class NetworkBuilder {
 public:
  explicit NetworkBuilder(Symbols& symbols) : s_(symbols) {}

  std::optional<Network> build(const ast::Network& n);

 private:
  std::optional<Layer> layer(const ast::Layer& l);
  ArgMap collect(const std::vector<ast::Arg>& args, ArgumentMatcher& matcher);
  std::optional<int> count(const ArgMap& args, const std::string& name, std::optional<int> fallback);
  std::optional<double> sigma(const ArgMap& args, const std::string& name, double fallback);
  std::optional<FunctionDef> function(const ast::Arg& arg, bool surrogate);
  void warn_if_identity(const FunctionDef& surrogate, const ast::Arg& written);
  template <class Node>
  SourceRange at(const Node& node) const { return ast::range_of(node, s_.file()); }

  Symbols& s_;
};

// The signatures of a network and its layers.
const std::vector<Parameter> network_parameters{{"input", true, " (the input dimension)"}};
const std::vector<Parameter> dense_parameters{
    {"width", true}, {"sigma_w"}, {"sigma_b"}, {"act", true, " (its activation)"}, {"surrogate"}};
const std::vector<Parameter> readout_parameters{{"outputs"}, {"sigma_w"}, {"sigma_b"}};

std::optional<Network> NetworkBuilder::build(const ast::Network& n) {
  Network out;
  out.name = n.name.name;
  out.where = at(n.name);
  ArgumentMatcher matcher(network_parameters, "network", s_.diags());
  const ArgMap args = collect(n.args, matcher);
  bool ok = matcher.ok() && matcher.check_required(fmt::format("network '{}'", n.name.name), at(n.name));
  if (const auto input = count(args, "input", std::nullopt)) out.input_dim = *input;
  else ok = false;

  const ast::Layer* readout = nullptr;
  for (const ast::Layer& l : n.layers) {
    if (readout != nullptr) {
      s_.diags().error(at(l.kind), l.kind.name == "readout" ? "a network has exactly one readout layer"
                                                            : "layer after the readout layer");
      s_.diags().note(at(readout->kind), "the readout layer is here; it must be the last layer");
      ok = false;
      continue;
    }
    std::optional<Layer> built = layer(l);
    if (!built) {
      ok = false;
    } else if (built->kind == Layer::Kind::readout) {
      readout = &l;
      out.readout = std::move(*built);
    } else {
      out.hidden.push_back(std::move(*built));
    }
  }
  if (readout == nullptr && ok) {
    s_.diags().error(at(n.name), fmt::format("network '{}' has no readout layer", n.name.name));
    ok = false;
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<Layer> NetworkBuilder::layer(const ast::Layer& l) {
  Layer out;
  out.where = at(l);
  if (l.kind.name == "dense") {
    out.kind = Layer::Kind::dense;
    ArgumentMatcher matcher(dense_parameters, "dense", s_.diags());
    const ArgMap args = collect(l.args, matcher);
    if (!matcher.ok()) return std::nullopt;
    const auto width = count(args, "width", std::nullopt);
    const auto sigma_w = sigma(args, "sigma_w", 1.0);
    const auto sigma_b = sigma(args, "sigma_b", 0.0);
    bool ok = matcher.check_required("dense layer", at(l.kind));
    if (args.count("act") != 0) {
      out.activation = function(*args.at("act"), /*surrogate=*/false);
      ok = ok && out.activation.has_value();
    }
    if (args.count("surrogate") != 0) {
      out.surrogate = function(*args.at("surrogate"), /*surrogate=*/true);
      ok = ok && out.surrogate.has_value();
      if (out.surrogate) warn_if_identity(*out.surrogate, *args.at("surrogate"));
    }
    if (!ok || !width || !sigma_w || !sigma_b) return std::nullopt;
    out.width = *width;
    out.sigma_w = *sigma_w;
    out.sigma_b = *sigma_b;
    return out;
  }
  if (l.kind.name == "readout") {
    out.kind = Layer::Kind::readout;
    for (const ast::Arg& a : l.args) {
      if (a.name.name == "act" || a.name.name == "surrogate") {
        s_.diags().error(at(a.name), fmt::format("the readout layer is linear: it takes no '{}'", a.name.name));
        return std::nullopt;
      }
    }
    ArgumentMatcher matcher(readout_parameters, "readout", s_.diags());
    const ArgMap args = collect(l.args, matcher);
    if (!matcher.ok()) return std::nullopt;
    const auto outputs = count(args, "outputs", 1);
    const auto sigma_w = sigma(args, "sigma_w", 1.0);
    const auto sigma_b = sigma(args, "sigma_b", 0.0);
    if (!outputs || !sigma_w || !sigma_b) return std::nullopt;
    out.width = *outputs;
    out.sigma_w = *sigma_w;
    out.sigma_b = *sigma_b;
    return out;
  }
  s_.diags().error(at(l.kind), fmt::format("unknown layer '{}'", l.kind.name));
  note_did_you_mean(s_.diags(), at(l.kind), l.kind.name, {"dense", "readout"});
  return std::nullopt;
}

// The arguments the matcher accepts, by name; it reports the others.
ArgMap NetworkBuilder::collect(const std::vector<ast::Arg>& args, ArgumentMatcher& matcher) {
  ArgMap out;
  for (const ast::Arg& a : args)
    if (matcher.accept(a.name.name, at(a.name))) out.emplace(a.name.name, &a);
  return out;
}

std::optional<int> NetworkBuilder::count(const ArgMap& args, const std::string& name, std::optional<int> fallback) {
  auto it = args.find(name);
  if (it == args.end()) return fallback;
  const auto value = s_.builder().constant(it->second->value, fmt::format("'{}'", name));
  if (!value) return std::nullopt;
  if (!(*value >= 1) || std::floor(*value) != *value) {
    s_.diags().error(at(it->second->value), fmt::format("'{}' must be an integer >= 1, got {}", name, *value));
    return std::nullopt;
  }
  if (*value > INT_MAX) {
    s_.diags().error(at(it->second->value), fmt::format("'{}' is too large: {} (the limit is {})", name, *value, INT_MAX));
    return std::nullopt;
  }
  return static_cast<int>(*value);
}

std::optional<double> NetworkBuilder::sigma(const ArgMap& args, const std::string& name, double fallback) {
  auto it = args.find(name);
  if (it == args.end()) return fallback;
  const auto value = s_.builder().constant(it->second->value, fmt::format("'{}'", name));
  if (!value) return std::nullopt;
  if (!(*value >= 0) || std::isinf(*value)) {
    s_.diags().error(at(it->second->value),
                     fmt::format("'{}' is a standard deviation: it must be finite and >= 0, got {}", name, *value));
    return std::nullopt;
  }
  return *value;
}

std::optional<FunctionDef> NetworkBuilder::function(const ast::Arg& arg, bool surrogate) {
  const char* role = surrogate ? "surrogate" : "activation";
  const ast::Name* name = ast::bare_name(arg.value);
  // A bare name of a function is looked up; anything else (x, a param, an expression) is an
  // inline function of x.
  if (name != nullptr && !is_reserved_name(name->name) && !s_.param(name->name)) {
    const FunctionLookup user = s_.user_function(*name);
    if (user.exists) {
      if (user.def == nullptr) return std::nullopt;  // its definition failed; already reported
      if (!surrogate && !user.def->is_expression()) {
        s_.diags().error(at(*name), fmt::format("plugin surrogate '{}' cannot be used as an activation", name->name));
        return std::nullopt;
      }
      return *user.def;
    }
    if (!surrogate && is_builtin_surrogate(name->name)) {
      s_.diags().error(at(*name), fmt::format("'{}' is a surrogate (g = 1); it cannot be used as an activation", name->name));
      return std::nullopt;
    }
    if (is_builtin_activation(name->name) || is_builtin_surrogate(name->name)) {
      graph::GraphContext& g = s_.context();
      const graph::Expr x = g.x();
      FunctionDef def;
      def.name = name->name;
      def.body = find_builtin_function(name->name)->build(g, {&x, 1});
      def.builtin = true;
      return def;
    }
    if (find_builtin_function(name->name) != nullptr) {
      s_.diags().error(at(*name), fmt::format("'{}' cannot be used as an {} by name; write '{}(x)'", name->name, role, name->name));
      return std::nullopt;
    }
    s_.diags().error(at(*name), fmt::format("unknown {} '{}'", role, name->name));
    std::vector<std::string> candidates = builtin_activation_names();
    if (surrogate)
      for (std::string& f : builtin_surrogate_names()) candidates.push_back(std::move(f));
    for (std::string& f : s_.user_function_names()) candidates.push_back(std::move(f));
    if (const std::string close = did_you_mean(name->name, candidates); !close.empty())
      s_.diags().note(at(*name), fmt::format("did you mean '{}'?", close));
    return std::nullopt;
  }
  ExprBuilder b = s_.builder();
  const graph::Expr body = b.within_limits(b.build(arg.value, /*allow_x=*/true), arg.value);
  if (body == nullptr) return std::nullopt;
  FunctionDef def;
  const SourceRange where = at(arg.value);
  def.name = s_.file().text().substr(where.begin, where.end - where.begin);
  def.body = body;
  def.where = where;
  return def;
}

// A surrogate g(x) = x (`identity`, `x`, or a function that is x) is almost always meant as the
// straight-through estimator g = 1, which several libraries call "identity" (the derivative of
// the identity). sgntk keeps g(x) = x, as written, and says so.
void NetworkBuilder::warn_if_identity(const FunctionDef& surrogate, const ast::Arg& written) {
  if (!surrogate.is_expression() || surrogate.expr() != s_.context().x()) return;
  const SourceRange where = at(written.value);
  s_.diags().warning(where, fmt::format("surrogate '{}' is g(x) = x, the identity function, not the straight-through "
                                        "estimator g(x) = 1",
                                        s_.file().text().substr(where.begin, where.end - where.begin)));
  s_.diags().note(where, "for g(x) = 1 write 'surrogate = straight_through'");
}

}  // namespace

std::optional<Network> build_network(const ast::Network& network, Symbols& symbols) {
  return NetworkBuilder(symbols).build(network);
}

}  // namespace sgntk::sema
