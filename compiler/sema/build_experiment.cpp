#include "compiler/sema/build_experiment.h"

#include <charconv>
#include <cmath>
#include <filesystem>
#include <fmt/format.h>
#include <set>

#include "compiler/graph/build.h"
#include "compiler/sema/builtins.h"

namespace sgntk::sema {
namespace {

namespace x3 = boost::spirit::x3;

// ---- signatures: the arguments every data source and task takes ----------------------------
enum class Type {
  number,    // a constant expression (params allowed; inf allowed)
  count,     // an integer >= 1
  natural,   // an integer >= 0
  naturals,  // a list of integers >= 0 (a single value is a list of one)
  string,    // "text"
  network,   // the name of a network
  data,      // the name of a data set
  values,    // the name of a data set or a target
  task,      // the name of a task
  tasks,     // a list of task names
  choice,    // one of `choices`, as a bare name or a string
};

struct ArgSpec {
  const char* name;
  Type type;
  bool required = false;
  std::vector<double> def = {};        // default of a numeric argument
  std::vector<std::string> choices = {};
  const char* def_text = nullptr;      // default of a choice
};

struct Signature {
  const char* name;
  const char* positional = nullptr;    // the argument a positional item stands for
  bool sweeps = false;                 // `sweep NAME = [...]` allowed
  std::vector<ArgSpec> args;
};

const std::vector<Signature>& data_signatures() {
  static const std::vector<Signature> table{
      {"circle", nullptr, false, {{"n", Type::count, true}}},
      {"lattice", nullptr, false,
       {{"n", Type::count, true}, {"dim", Type::count, false, {2}}, {"low", Type::number, false, {-1}},
        {"high", Type::number, false, {1}}}},
      {"gaussian", nullptr, false,
       {{"n", Type::count, true}, {"dim", Type::count, false, {2}}, {"seed", Type::natural, false, {0}}}},
      {"csv", "path", false, {{"path", Type::string, true}}},
      {"npy", "path", false, {{"path", Type::string, true}}},
      {"select", "from", false,
       {{"from", Type::data, true}, {"every", Type::count}, {"offset", Type::natural, false, {0}},
        {"indices", Type::naturals}}},
  };
  return table;
}

const std::vector<Signature>& task_signatures() {
  static const std::vector<Signature> table{
      {"kernel", nullptr, true,
       {{"network", Type::network, true}, {"kind", Type::choice, true, {}, {"nngp", "ntk", "sgntk"}},
        {"x1", Type::data, true}, {"x2", Type::data}}},
      {"empirical", nullptr, true,
       {{"network", Type::network, true}, {"kind", Type::choice, true, {}, {"ntk", "sgntk"}},
        {"x1", Type::data, true}, {"x2", Type::data}, {"ensemble", Type::count, false, {1}},
        {"seed", Type::natural, false, {0}}, {"steps", Type::naturals, false, {0}},
        {"lr", Type::number, false, {0.1}}, {"x", Type::data}, {"y", Type::values}}},
      {"train", nullptr, true,
       {{"network", Type::network, true}, {"x", Type::data, true}, {"y", Type::values, true}, {"eval", Type::data},
        {"lr", Type::number, false, {0.1}}, {"steps", Type::natural, true}, {"ensemble", Type::count, false, {1}},
        {"seed", Type::natural, false, {0}}, {"save_at", Type::naturals}, {"loss_every", Type::count, false, {100}},
        {"backprop", Type::choice, false, {}, {"surrogate", "true"}, "surrogate"},
        {"precision", Type::choice, false, {}, {"f64", "f32"}, "f64"}}},
      {"predict", nullptr, true,
       {{"network", Type::network, true}, {"kind", Type::choice, true, {}, {"nngp", "ntk", "sgntk"}},
        {"x_train", Type::data, true}, {"y_train", Type::values, true}, {"x_test", Type::data, true},
        {"t", Type::number, false, {INFINITY}}, {"flow_of", Type::task}, {"diag_reg", Type::number, false, {0}}}},
      {"plot", nullptr, false,
       {{"style", Type::choice, true, {}, {"figure1", "figure2", "figure3", "mse"}},
        {"inputs", Type::tasks, true}, {"title", Type::string}}},
  };
  return table;
}

const Signature* find_signature(const std::vector<Signature>& table, const std::string& name) {
  for (const Signature& s : table)
    if (name == s.name) return &s;
  return nullptr;
}

std::vector<std::string> names_of(const std::vector<Signature>& table) {
  std::vector<std::string> out;
  for (const Signature& s : table) out.emplace_back(s.name);
  return out;
}

// A bare name (`grid`) rather than an expression; nullptr otherwise. A lone name sits under one
// chain without operators per precedence level.
const ast::Name* bare_name(const ast::Value& v) {
  const auto* e = boost::get<ast::Expr>(&v);
  if (e == nullptr) return nullptr;
  const ast::BinaryChain* chain = e;
  while (chain->rest.empty()) {
    if (const auto* name = boost::get<ast::Name>(&chain->first)) return name;
    const auto* inner = boost::get<x3::forward_ast<ast::BinaryChain>>(&chain->first);
    if (inner == nullptr) return nullptr;
    chain = &inner->get();
  }
  return nullptr;
}

const x3::position_tagged& tagged(const ast::Value& v) {
  if (const auto* s = boost::get<ast::StringLiteral>(&v)) return *s;
  if (const auto* e = boost::get<ast::Expr>(&v)) return *e;
  return boost::get<x3::forward_ast<ast::ValueList>>(v).get();
}

// The elements of a list value, or the value itself as a list of one.
std::vector<const ast::Value*> elements(const ast::Value& v) {
  std::vector<const ast::Value*> out;
  if (const auto* list = boost::get<x3::forward_ast<ast::ValueList>>(&v))
    for (const ast::Value& item : list->get().items) out.push_back(&item);
  else
    out.push_back(&v);
  return out;
}

class ExperimentBuilder {
 public:
  ExperimentBuilder(Symbols& symbols, Module& module) : s_(symbols), m_(module) {}

  void declare(const ast::Name& name, std::set<std::string>& into) {
    if (s_.declare(name)) into.insert(name.name);
  }
  void data(const ast::Data& d);
  void target(const ast::Target& t);
  void task(const ast::Task& t);
  void quick(const ast::Quick& q);

  std::set<std::string> data_names, target_names, task_names;

 private:
  struct Checked {
    std::map<std::string, TaskArg> args;
    std::vector<Sweep> sweeps;
  };
  std::optional<Checked> check(const std::vector<ast::Item>& items, const Signature& sig, const std::string& owner,
                               bool apply_defaults, const x3::position_tagged& callee);
  std::optional<TaskArg> value(const ast::Value& v, const ArgSpec& spec);
  std::optional<long> integer(const ast::Value& v, const std::string& what, long minimum);
  bool reference(const ast::Value& v, const std::set<std::string>& known, const std::string& what, TaskArg& out);
  std::optional<PointExpr> point(const ast::Expr& e);
  std::optional<PointExpr> point(const ast::Operand& o);
  SourceRange at(const x3::position_tagged& node) const { return ast::range_of(node, s_.file()); }
  Diagnostics& diags() { return s_.diags(); }

  Symbols& s_;
  Module& m_;
  std::set<std::string> defined_data_;  // data defined so far (select reads earlier data only)
};

std::optional<ExperimentBuilder::Checked> ExperimentBuilder::check(const std::vector<ast::Item>& items,
                                                                   const Signature& sig, const std::string& owner,
                                                                   bool apply_defaults,
                                                                   const x3::position_tagged& callee) {
  Checked out;
  bool ok = true;
  std::map<std::string, SourceRange> seen;
  for (const ast::Item& item : items) {
    if (item.sweep) {
      if (!sig.sweeps) {
        diags().error(at(item), fmt::format("'{}' takes no sweep", owner));
        ok = false;
        continue;
      }
      if (!item.key) {
        diags().error(at(item), "a sweep names the param it sweeps: 'sweep NAME = [v1, v2, ...]'");
        ok = false;
        continue;
      }
      const std::string param = item.key->name;
      if (m_.params.count(param) == 0) {
        diags().error(at(*item.key), fmt::format("sweep over unknown param '{}'", param));
        if (const std::string close = did_you_mean(param, s_.param_names()); !close.empty())
          diags().note(at(*item.key), fmt::format("did you mean '{}'?", close));
        ok = false;
        continue;
      }
      Sweep sweep{param, {}, at(item)};
      for (const ast::Value* v : elements(item.value)) {
        const auto* e = boost::get<ast::Expr>(v);
        const auto number = e ? s_.builder().constant(*e, fmt::format("sweep value of '{}'", param)) : std::nullopt;
        if (!e) diags().error(at(tagged(*v)), "a sweep value must be a number");
        if (!number) ok = false;
        else sweep.values.push_back(*number);
      }
      if (sweep.values.empty()) {
        diags().error(at(item), fmt::format("empty sweep over '{}'", param));
        ok = false;
      }
      for (const Sweep& other : out.sweeps)
        if (other.param == param) {
          diags().error(at(item), fmt::format("duplicate sweep over '{}'", param));
          ok = false;
        }
      out.sweeps.push_back(std::move(sweep));
      continue;
    }
    std::string key;
    const x3::position_tagged* key_node = &item;
    if (item.key) {
      key = item.key->name;
      key_node = &*item.key;
    } else if (sig.positional != nullptr && items.front().key == std::nullopt && &item == &items.front()) {
      key = sig.positional;
    } else {
      diags().error(at(item), fmt::format("the arguments of '{}' are named: write NAME = VALUE", owner));
      ok = false;
      continue;
    }
    const ArgSpec* spec = nullptr;
    std::vector<std::string> known;
    for (const ArgSpec& a : sig.args) {
      known.emplace_back(a.name);
      if (key == a.name) spec = &a;
    }
    if (spec == nullptr) {
      diags().error(at(*key_node), fmt::format("unknown argument '{}' for '{}'", key, owner));
      if (const std::string close = did_you_mean(key, known); !close.empty())
        diags().note(at(*key_node), fmt::format("did you mean '{}'?", close));
      ok = false;
      continue;
    }
    if (auto [it, inserted] = seen.emplace(key, at(*key_node)); !inserted) {
      diags().error(at(*key_node), fmt::format("duplicate argument '{}'", key));
      diags().note(it->second, "previous value is here");
      ok = false;
      continue;
    }
    if (auto v = value(item.value, *spec)) out.args[key] = std::move(*v);
    else ok = false;
  }
  if (!ok) return std::nullopt;
  if (!apply_defaults) return out;
  for (const ArgSpec& a : sig.args) {
    if (out.args.count(a.name) != 0) continue;
    if (a.required) {
      diags().error(at(callee), fmt::format("'{}' needs the argument '{}'", owner, a.name));
      ok = false;
    } else if (!a.def.empty()) {
      out.args[a.name].numbers = a.def;
    } else if (a.def_text != nullptr) {
      out.args[a.name].text = a.def_text;
    }
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<long> ExperimentBuilder::integer(const ast::Value& v, const std::string& what, long minimum) {
  const auto* e = boost::get<ast::Expr>(&v);
  if (e == nullptr) {
    diags().error(at(tagged(v)), fmt::format("{} must be a number", what));
    return std::nullopt;
  }
  const auto number = s_.builder().constant(*e, what);
  if (!number) return std::nullopt;
  if (!(*number >= static_cast<double>(minimum)) || std::floor(*number) != *number || *number > 1e15) {
    diags().error(at(*e), fmt::format("{} must be an integer >= {}, got {}", what, minimum, *number));
    return std::nullopt;
  }
  return static_cast<long>(*number);
}

bool ExperimentBuilder::reference(const ast::Value& v, const std::set<std::string>& known, const std::string& what,
                                  TaskArg& out) {
  const ast::Name* name = bare_name(v);
  if (name == nullptr) {
    diags().error(at(tagged(v)), fmt::format("expected the name of a {}", what));
    return false;
  }
  if (known.count(name->name) == 0) {
    diags().error(at(*name), fmt::format("unknown {} '{}'", what, name->name));
    if (const std::string close = did_you_mean(name->name, {known.begin(), known.end()}); !close.empty())
      diags().note(at(*name), fmt::format("did you mean '{}'?", close));
    return false;
  }
  out.names.push_back(name->name);
  out.text = name->name;
  return true;
}

std::optional<TaskArg> ExperimentBuilder::value(const ast::Value& v, const ArgSpec& spec) {
  TaskArg out;
  out.where = at(tagged(v));
  const std::string what = fmt::format("'{}'", spec.name);
  switch (spec.type) {
    case Type::number: {
      const auto* e = boost::get<ast::Expr>(&v);
      const auto number = e ? s_.builder().constant(*e, what) : std::nullopt;
      if (!e) diags().error(out.where, fmt::format("{} must be a number", what));
      if (!number) return std::nullopt;
      out.numbers = {*number};
      return out;
    }
    case Type::count:
    case Type::natural: {
      const auto n = integer(v, what, spec.type == Type::count ? 1 : 0);
      if (!n) return std::nullopt;
      out.numbers = {static_cast<double>(*n)};
      return out;
    }
    case Type::naturals: {
      for (const ast::Value* item : elements(v)) {
        const auto n = integer(*item, what, 0);
        if (!n) return std::nullopt;
        out.numbers.push_back(static_cast<double>(*n));
      }
      if (out.numbers.empty()) {
        diags().error(out.where, fmt::format("{} is an empty list", what));
        return std::nullopt;
      }
      return out;
    }
    case Type::string: {
      const auto* s = boost::get<ast::StringLiteral>(&v);
      if (s == nullptr) {
        diags().error(out.where, fmt::format("{} must be a string (\"...\")", what));
        return std::nullopt;
      }
      out.text = s->value;
      return out;
    }
    case Type::choice: {
      const ast::Name* name = bare_name(v);
      const auto* s = boost::get<ast::StringLiteral>(&v);
      const std::string text = name ? name->name : s ? s->value : "";
      if (std::find(spec.choices.begin(), spec.choices.end(), text) == spec.choices.end()) {
        diags().error(out.where, fmt::format("{} must be one of {}", what, fmt::join(spec.choices, ", ")));
        if (const std::string close = did_you_mean(text, spec.choices); !close.empty())
          diags().note(out.where, fmt::format("did you mean '{}'?", close));
        return std::nullopt;
      }
      out.text = text;
      return out;
    }
    case Type::network: {
      std::set<std::string> networks;
      for (const Network& n : m_.networks) networks.insert(n.name);
      if (!reference(v, networks, "network", out)) return std::nullopt;
      return out;
    }
    case Type::data: {
      if (!reference(v, data_names, "data set", out)) return std::nullopt;
      return out;
    }
    case Type::values: {
      std::set<std::string> known = data_names;
      known.insert(target_names.begin(), target_names.end());
      if (!reference(v, known, "data set or target", out)) return std::nullopt;
      return out;
    }
    case Type::task: {
      if (!reference(v, task_names, "task", out)) return std::nullopt;
      return out;
    }
    case Type::tasks: {
      for (const ast::Value* item : elements(v))
        if (!reference(*item, task_names, "task", out)) return std::nullopt;
      return out;
    }
  }
  return std::nullopt;
}

void ExperimentBuilder::data(const ast::Data& d) {
  const std::string& callee = d.source.callee.name;
  const Signature* sig = find_signature(data_signatures(), callee);
  if (sig == nullptr) {
    diags().error(at(d.source.callee), fmt::format("unknown data source '{}'", callee));
    if (const std::string close = did_you_mean(callee, names_of(data_signatures())); !close.empty())
      diags().note(at(d.source.callee), fmt::format("did you mean '{}'?", close));
    return;
  }
  // Only earlier data may be selected from: no cycles, and the file reads top to bottom.
  const std::set<std::string> all = data_names;
  data_names = defined_data_;
  auto checked = check(d.source.items, *sig, callee, /*apply_defaults=*/true, d.source.callee);
  data_names = all;
  defined_data_.insert(d.name.name);
  if (!checked) return;
  auto& args = checked->args;
  auto num = [&](const char* key) { return args.at(key).numbers.at(0); };
  DataDecl out;
  out.name = d.name.name;
  out.where = at(d.name);
  if (callee == "circle") {
    out.kind = DataDecl::Kind::circle;
    out.n = static_cast<long>(num("n"));
  } else if (callee == "lattice" || callee == "gaussian") {
    out.kind = callee == "lattice" ? DataDecl::Kind::lattice : DataDecl::Kind::gaussian;
    out.n = static_cast<long>(num("n"));
    out.dim = static_cast<int>(num("dim"));
    if (out.kind == DataDecl::Kind::lattice) {
      out.low = num("low");
      out.high = num("high");
      if (std::pow(static_cast<double>(out.n), out.dim) > 1e7) {
        diags().error(at(d.source), "a lattice of more than 10^7 points");
        return;
      }
    } else {
      out.seed = static_cast<std::uint64_t>(num("seed"));
    }
  } else if (callee == "csv" || callee == "npy") {
    out.kind = callee == "csv" ? DataDecl::Kind::csv : DataDecl::Kind::npy;
    const std::filesystem::path path(args.at("path").text);
    const std::filesystem::path folder = std::filesystem::path(s_.file().path()).parent_path();
    out.path = path.is_absolute() ? path.string() : (folder / path).lexically_normal().string();
  } else {  // select
    out.kind = DataDecl::Kind::select;
    out.from = args.at("from").text;
    const bool every = args.count("every") != 0, indices = args.count("indices") != 0;
    if (every == indices) {
      diags().error(at(d.source.callee), "'select' takes exactly one of 'every' and 'indices'");
      return;
    }
    if (every) out.every = static_cast<long>(num("every"));
    out.offset = static_cast<long>(num("offset"));
    for (double i : args.count("indices") ? args.at("indices").numbers : std::vector<double>{})
      out.indices.push_back(static_cast<long>(i));
  }
  m_.data.push_back(std::move(out));
}

// ---- targets: expressions of x0, x1, ... ---------------------------------------------------
PointExpr constant(double v) {
  PointExpr out;
  out.value = v;
  return out;
}
PointExpr coordinate(int index) {
  PointExpr out;
  out.op = PointExpr::Op::coordinate;
  out.coordinate = index;
  return out;
}
PointExpr apply(graph::Expr function, PointExpr arg) {
  PointExpr out;
  out.op = PointExpr::Op::apply;
  out.function = function;
  out.args.push_back(std::move(arg));
  return out;
}

std::optional<PointExpr> ExperimentBuilder::point(const ast::Expr& e) {
  auto acc = point(e.first);
  for (const ast::Operation& op : e.rest) {
    if (!acc) return std::nullopt;
    auto rhs = point(op.operand);
    if (!rhs) return std::nullopt;
    PointExpr node;
    node.op = op.op == '+'   ? PointExpr::Op::add
              : op.op == '-' ? PointExpr::Op::sub
              : op.op == '*' ? PointExpr::Op::mul
              : op.op == '/' ? PointExpr::Op::div
                             : PointExpr::Op::pow;
    node.args = {std::move(*acc), std::move(*rhs)};
    acc = std::move(node);
  }
  return acc;
}

std::optional<PointExpr> ExperimentBuilder::point(const ast::Operand& o) {
  graph::GraphContext& g = *m_.context;
  if (const auto* n = boost::get<ast::Number>(&o)) {
    double v = 0;
    const auto [ptr, ec] = std::from_chars(n->text.data(), n->text.data() + n->text.size(), v);
    if (ec != std::errc() || ptr != n->text.data() + n->text.size()) {
      diags().error(at(*n), "number out of range");
      return std::nullopt;
    }
    return constant(v);
  }
  if (const auto* n = boost::get<ast::Name>(&o)) {
    const std::string& name = n->name;
    // x0, x1, ..., x999: a coordinate of the point.
    if (name.size() >= 2 && name.size() <= 4 && name[0] == 'x' &&
        name.find_first_not_of("0123456789", 1) == std::string::npos)
      return coordinate(std::stoi(name.substr(1)));
    if (const auto v = s_.param(name)) return constant(*v);
    if (const auto v = builtin_constant(name)) return constant(*v);
    diags().error(at(*n), fmt::format("unknown name '{}' in a target (coordinates are x0, x1, ...)", name));
    std::vector<std::string> candidates = s_.param_names();
    candidates.insert(candidates.end(), {"x0", "x1", "x2", "pi", "e"});
    if (const std::string close = did_you_mean(name, candidates); !close.empty())
      diags().note(at(*n), fmt::format("did you mean '{}'?", close));
    return std::nullopt;
  }
  if (const auto* c = boost::get<x3::forward_ast<ast::Call>>(&o)) {
    const ast::Call& call = c->get();
    const BuiltinFunction* f = find_builtin_function(call.callee.name);
    if (f == nullptr || f->arity != 1 || call.args.size() != 1 || call.callee.name == "delta") {
      diags().error(at(call.callee), fmt::format("a target may call the one-argument built-ins (but delta), not '{}'",
                                                 call.callee.name));
      return std::nullopt;
    }
    auto arg = point(call.args[0]);
    if (!arg) return std::nullopt;
    const graph::Expr x = g.x();
    return apply(f->build(g, std::span<const graph::Expr>(&x, 1)), std::move(*arg));
  }
  if (const auto* u = boost::get<x3::forward_ast<ast::Unary>>(&o)) {
    if (u->get().op != '-') {
      diags().error(at(u->get()), "a target cannot use d/dx");
      return std::nullopt;
    }
    auto arg = point(u->get().operand);
    if (!arg) return std::nullopt;
    return apply(graph::neg(g, g.x()), std::move(*arg));
  }
  if (const auto* chain = boost::get<x3::forward_ast<ast::BinaryChain>>(&o)) return point(chain->get());
  diags().error(at(boost::get<x3::forward_ast<ast::If>>(o).get()), "a target cannot use if(...)");
  return std::nullopt;
}

void ExperimentBuilder::target(const ast::Target& t) {
  auto body = point(t.body);
  if (!body) return;
  m_.targets.push_back(TargetDecl{t.name.name, std::move(*body), at(t.name)});
}

// ---- tasks -----------------------------------------------------------------------------------
void ExperimentBuilder::task(const ast::Task& t) {
  const std::string& callee = t.call.callee.name;
  const Signature* sig = find_signature(task_signatures(), callee);
  if (sig == nullptr) {
    diags().error(at(t.call.callee), fmt::format("unknown task '{}'", callee));
    if (const std::string close = did_you_mean(callee, names_of(task_signatures())); !close.empty())
      diags().note(at(t.call.callee), fmt::format("did you mean '{}'?", close));
    return;
  }
  auto checked = check(t.call.items, *sig, callee, /*apply_defaults=*/true, t.call.callee);
  if (!checked) return;
  TaskDecl out;
  out.name = t.name.name;
  out.kind = static_cast<TaskDecl::Kind>(sig - task_signatures().data());
  out.args = std::move(checked->args);
  out.sweeps = std::move(checked->sweeps);
  out.where = at(t.name);
  if (out.kind == TaskDecl::Kind::predict && out.has("flow_of") && out.args.at("t").numbers[0] != INFINITY) {
    diags().error(at(t.call.callee), "'predict' takes 't' or 'flow_of', not both");
    return;
  }
  if (out.kind == TaskDecl::Kind::empirical) {
    const auto& steps = out.numbers("steps");
    const bool trains = std::any_of(steps.begin(), steps.end(), [](double s) { return s > 0; });
    if (trains && (!out.has("x") || !out.has("y"))) {
      diags().error(at(t.call.callee), "'empirical' with training steps needs 'x' and 'y' (the training data)");
      return;
    }
  }
  m_.tasks.push_back(std::move(out));
}

void ExperimentBuilder::quick(const ast::Quick& q) {
  TaskDecl* task = nullptr;
  for (TaskDecl& t : m_.tasks)
    if (t.name == q.task.name) task = &t;
  if (task == nullptr) {
    // A task that failed to build has been reported already.
    if (task_names.count(q.task.name) != 0) return;
    diags().error(at(q.task), fmt::format("'quick' names unknown task '{}'", q.task.name));
    if (const std::string close = did_you_mean(q.task.name, {task_names.begin(), task_names.end()}); !close.empty())
      diags().note(at(q.task), fmt::format("did you mean '{}'?", close));
    return;
  }
  const Signature& sig = task_signatures()[static_cast<std::size_t>(task->kind)];
  auto checked = check(q.items, sig, sig.name, /*apply_defaults=*/false, q.task);
  if (!checked) return;
  for (auto& [name, arg] : checked->args) task->quick_args[name] = std::move(arg);
  for (Sweep& s : checked->sweeps) task->quick_sweeps.push_back(std::move(s));
}

}  // namespace

void build_experiment(const std::vector<const ast::Data*>& data, const std::vector<const ast::Target*>& targets,
                      const std::vector<const ast::Task*>& tasks, const std::vector<const ast::Quick*>& quicks,
                      Symbols& symbols, Module& module) {
  ExperimentBuilder b(symbols, module);
  for (const ast::Data* d : data) b.declare(d->name, b.data_names);
  for (const ast::Target* t : targets) b.declare(t->name, b.target_names);
  for (const ast::Task* t : tasks) b.declare(t->name, b.task_names);
  for (const ast::Data* d : data) b.data(*d);
  for (const ast::Target* t : targets) b.target(*t);
  for (const ast::Task* t : tasks) b.task(*t);
  for (const ast::Quick* q : quicks) b.quick(*q);
}

}  // namespace sgntk::sema
