// The experiment checker, part 1: the items of a call (`f(positional, key = value, sweep p =
// [...])`) against a signature, with sema's argument matcher, and each value against its type.
#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "cli/experiment/checker.h"
#include "compiler/parse/ast_access.h"
#include "compiler/sema/arguments.h"

namespace sgntk::experiment {

std::optional<ExperimentChecker::Checked> ExperimentChecker::check(const std::vector<ast::Item>& items,
                                                                   const Signature& sig, bool apply_defaults,
                                                                   SourceRange callee) {
  std::vector<sema::Parameter> parameters;
  for (const ArgSpec& a : sig.args) parameters.push_back({a.name, a.required});
  sema::ArgumentMatcher matcher(std::move(parameters), sig.name, diags());
  Checked out;
  bool ok = true;
  for (const ast::Item& item : items) {
    if (item.sweep) {
      ok = sweep(item, sig, out.sweeps) && ok;
      continue;
    }
    std::string key;
    SourceRange key_where = at(item);
    if (item.key) {
      key = item.key->name;
      key_where = at(*item.key);
    } else if (!sig.positional.empty() && !items.front().key && &item == &items.front()) {
      key = sig.positional;
    } else {
      diags().error(at(item), fmt::format("the arguments of '{}' are named: write NAME = VALUE", sig.name));
      ok = false;
      continue;
    }
    const std::optional<std::size_t> index = matcher.accept(key, key_where);
    if (!index) continue;
    if (auto v = value(item.value, sig.args[*index])) out.args[key] = std::move(*v);
    else ok = false;
  }
  if (!ok || !matcher.ok()) return std::nullopt;
  if (!apply_defaults) return out;
  if (!matcher.check_required(fmt::format("'{}'", sig.name), callee)) return std::nullopt;
  for (const ArgSpec& a : sig.args) {
    if (out.args.count(a.name) != 0) continue;
    if (!a.def.empty()) out.args[a.name].numbers = a.def;
    else if (!a.def_text.empty()) out.args[a.name].text = a.def_text;
  }
  return out;
}

// `sweep NAME = [v1, v2, ...]`: appended to `sweeps` (also when it repeats an earlier one, which
// is reported); false after an error.
bool ExperimentChecker::sweep(const ast::Item& item, const Signature& sig, std::vector<Sweep>& sweeps) {
  if (!sig.sweeps) {
    diags().error(at(item), fmt::format("'{}' takes no sweep", sig.name));
    return false;
  }
  if (!item.key) {
    diags().error(at(item), "a sweep names the param it sweeps: 'sweep NAME = [v1, v2, ...]'");
    return false;
  }
  const std::string param = item.key->name;
  if (m_.params.count(param) == 0) {
    diags().error(at(*item.key), fmt::format("sweep over unknown param '{}'", param));
    sema::note_did_you_mean(diags(), at(*item.key), param, s_.param_names());
    return false;
  }
  bool ok = true;
  Sweep out{param, {}, at(item)};
  for (const ast::Value* v : ast::elements(item.value)) {
    const ast::Expr* e = ast::as_expr(*v);
    const auto number = e ? s_.builder().constant(*e, fmt::format("sweep value of '{}'", param)) : std::nullopt;
    if (!e) diags().error(ast::range_of(*v, s_.file()), "a sweep value must be a number");
    if (!number) {
      ok = false;
    } else if (std::find(out.values.begin(), out.values.end(), *number) != out.values.end()) {
      // Each point of a sweep gets its own folder: a repeated value (1 and 1.0 alike) would
      // overwrite an earlier point's results.
      diags().error(ast::range_of(*v, s_.file()),
                    fmt::format("sweep value {} of '{}' repeats an earlier value", *number, param));
      ok = false;
    } else {
      out.values.push_back(*number);
    }
  }
  if (out.values.empty()) {
    diags().error(at(item), fmt::format("empty sweep over '{}'", param));
    ok = false;
  }
  for (const Sweep& other : sweeps)
    if (other.param == param) {
      diags().error(at(item), fmt::format("duplicate sweep over '{}'", param));
      ok = false;
    }
  sweeps.push_back(std::move(out));
  return ok;
}

std::optional<long> ExperimentChecker::integer(const ast::Value& v, const std::string& what, long minimum) {
  const ast::Expr* e = ast::as_expr(v);
  if (e == nullptr) {
    diags().error(ast::range_of(v, s_.file()), fmt::format("{} must be a number", what));
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

bool ExperimentChecker::reference(const ast::Value& v, const std::set<std::string>& known, const std::string& what,
                                  TaskArg& out) {
  const ast::Name* name = ast::bare_name(v);
  if (name == nullptr) {
    diags().error(ast::range_of(v, s_.file()), fmt::format("expected the name of a {}", what));
    return false;
  }
  if (known.count(name->name) == 0) {
    diags().error(at(*name), fmt::format("unknown {} '{}'", what, name->name));
    sema::note_did_you_mean(diags(), at(*name), name->name, {known.begin(), known.end()});
    return false;
  }
  out.names.push_back(name->name);
  out.text = name->name;
  return true;
}

std::optional<TaskArg> ExperimentChecker::value(const ast::Value& v, const ArgSpec& spec) {
  TaskArg out;
  out.where = ast::range_of(v, s_.file());
  const std::string what = fmt::format("'{}'", spec.name);
  switch (spec.type) {
    case ArgType::number: {
      const ast::Expr* e = ast::as_expr(v);
      const auto number = e ? s_.builder().constant(*e, what) : std::nullopt;
      if (!e) diags().error(out.where, fmt::format("{} must be a number", what));
      if (!number) return std::nullopt;
      out.numbers = {*number};
      return out;
    }
    case ArgType::count:
    case ArgType::natural: {
      const auto n = integer(v, what, spec.type == ArgType::count ? 1 : 0);
      if (!n) return std::nullopt;
      out.numbers = {static_cast<double>(*n)};
      return out;
    }
    case ArgType::naturals: {
      for (const ast::Value* item : ast::elements(v)) {
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
    case ArgType::string: {
      const ast::StringLiteral* s = ast::as_string(v);
      if (s == nullptr) {
        diags().error(out.where, fmt::format("{} must be a string (\"...\")", what));
        return std::nullopt;
      }
      out.text = s->value;
      return out;
    }
    case ArgType::choice: {
      const ast::Name* name = ast::bare_name(v);
      const ast::StringLiteral* s = ast::as_string(v);
      const std::string text = name ? name->name : s ? s->value : "";
      if (std::find(spec.choices.begin(), spec.choices.end(), text) == spec.choices.end()) {
        diags().error(out.where, fmt::format("{} must be one of {}", what, fmt::join(spec.choices, ", ")));
        sema::note_did_you_mean(diags(), out.where, text, spec.choices);
        return std::nullopt;
      }
      out.text = text;
      return out;
    }
    case ArgType::network: {
      std::set<std::string> networks;
      for (const sema::Network& n : m_.networks) networks.insert(n.name);
      if (!reference(v, networks, "network", out)) return std::nullopt;
      return out;
    }
    case ArgType::data: {
      if (!reference(v, data_names, "data set", out)) return std::nullopt;
      return out;
    }
    case ArgType::values: {
      std::set<std::string> known = data_names;
      known.insert(target_names.begin(), target_names.end());
      if (!reference(v, known, "data set or target", out)) return std::nullopt;
      return out;
    }
    case ArgType::task: {
      if (!reference(v, task_names, "task", out)) return std::nullopt;
      return out;
    }
    case ArgType::tasks: {
      for (const ast::Value* item : ast::elements(v))
        if (!reference(*item, task_names, "task", out)) return std::nullopt;
      return out;
    }
  }
  return std::nullopt;
}

}  // namespace sgntk::experiment
