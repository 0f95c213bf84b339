#include "compiler/sema/build_network.h"

#include <climits>
#include <cmath>
#include <fmt/format.h>
#include <map>

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
  bool collect(const std::vector<ast::Arg>& args, const std::vector<std::string>& allowed,
               const std::string& owner, ArgMap& out);
  std::optional<int> count(const ArgMap& args, const std::string& name, std::optional<int> fallback);
  std::optional<double> sigma(const ArgMap& args, const std::string& name, double fallback);
  std::optional<FunctionDef> function(const ast::Arg& arg, bool surrogate);
  SourceRange at(const ast::x3::position_tagged& node) const { return ast::range_of(node, s_.file()); }

  Symbols& s_;
};

// A bare name (`act = erf`) rather than an expression (`act = erf(2*x)`); nullptr otherwise.
// The parser nests one chain per precedence level, so a lone name sits under several chains
// without operators.
const ast::Name* bare_name(const ast::Expr& e) {
  const ast::BinaryChain* chain = &e;
  while (chain->rest.empty()) {
    if (const auto* name = boost::get<ast::Name>(&chain->first)) return name;
    const auto* inner = boost::get<ast::x3::forward_ast<ast::BinaryChain>>(&chain->first);
    if (inner == nullptr) return nullptr;
    chain = &inner->get();
  }
  return nullptr;
}

std::optional<Network> NetworkBuilder::build(const ast::Network& n) {
  Network out;
  out.name = n.name.name;
  out.where = at(n.name);
  bool ok = true;
  ArgMap args;
  ok = collect(n.args, {"input"}, "network", args);
  if (args.count("input") == 0 && ok) {
    s_.diags().error(at(n.name), fmt::format("network '{}' needs the argument 'input' (the input dimension)", n.name.name));
    ok = false;
  }
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
  ArgMap args;
  if (l.kind.name == "dense") {
    out.kind = Layer::Kind::dense;
    bool ok = collect(l.args, {"width", "sigma_w", "sigma_b", "act", "surrogate"}, "dense", args);
    if (!ok) return std::nullopt;
    const auto width = count(args, "width", std::nullopt);
    const auto sigma_w = sigma(args, "sigma_w", 1.0);
    const auto sigma_b = sigma(args, "sigma_b", 0.0);
    if (args.count("width") == 0) {
      s_.diags().error(at(l.kind), "dense layer needs the argument 'width'");
      ok = false;
    }
    if (args.count("act") == 0) {
      s_.diags().error(at(l.kind), "dense layer needs the argument 'act' (its activation)");
      ok = false;
    } else {
      out.activation = function(*args.at("act"), /*surrogate=*/false);
      ok = ok && out.activation.has_value();
    }
    if (args.count("surrogate") != 0) {
      out.surrogate = function(*args.at("surrogate"), /*surrogate=*/true);
      ok = ok && out.surrogate.has_value();
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
    if (!collect(l.args, {"outputs", "sigma_w", "sigma_b"}, "readout", args)) return std::nullopt;
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
  if (const std::string close = did_you_mean(l.kind.name, {"dense", "readout"}); !close.empty())
    s_.diags().note(at(l.kind), fmt::format("did you mean '{}'?", close));
  return std::nullopt;
}

bool NetworkBuilder::collect(const std::vector<ast::Arg>& args, const std::vector<std::string>& allowed,
                             const std::string& owner, ArgMap& out) {
  bool ok = true;
  for (const ast::Arg& a : args) {
    if (std::find(allowed.begin(), allowed.end(), a.name.name) == allowed.end()) {
      s_.diags().error(at(a.name), fmt::format("unknown argument '{}' for '{}'", a.name.name, owner));
      if (const std::string close = did_you_mean(a.name.name, allowed); !close.empty())
        s_.diags().note(at(a.name), fmt::format("did you mean '{}'?", close));
      ok = false;
    } else if (auto [it, inserted] = out.emplace(a.name.name, &a); !inserted) {
      s_.diags().error(at(a.name), fmt::format("duplicate argument '{}'", a.name.name));
      s_.diags().note(at(it->second->name), "previous value is here");
      ok = false;
    }
  }
  return ok;
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
  const ast::Name* name = bare_name(arg.value);
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
    if (is_builtin_activation(name->name)) {
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

}  // namespace

std::optional<Network> build_network(const ast::Network& network, Symbols& symbols) {
  return NetworkBuilder(symbols).build(network);
}

}  // namespace sgntk::sema
