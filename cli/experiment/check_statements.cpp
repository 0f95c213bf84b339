// The experiment checker, part 2: the statements. Data sources become DataDecls, tasks typed
// TaskDecls (task_bodies.cpp), and `quick` the quick version of a task.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fmt/format.h>

#include "cli/experiment/check_experiment.h"
#include "cli/experiment/checker.h"
#include "compiler/parse/ast_access.h"
#include "compiler/sema/arguments.h"

namespace sgntk::experiment {

const Signature* ExperimentChecker::signature(const std::vector<Signature>& table, const ast::Name& callee,
                                              const char* what) {
  const Signature* sig = find_signature(table, callee.name);
  if (sig == nullptr) {
    diags().error(at(callee), fmt::format("unknown {} '{}'", what, callee.name));
    sema::note_did_you_mean(diags(), at(callee), callee.name, names_of(table));
  }
  return sig;
}

void ExperimentChecker::data(const ast::Data& d) {
  const Signature* sig = signature(data_signatures(), d.source.callee, "data source");
  if (sig == nullptr) return;
  // Only earlier data may be selected from: no cycles, and the file reads top to bottom.
  const std::set<std::string> all = data_names;
  data_names = defined_data_;
  auto checked = check(d.source.items, *sig, /*apply_defaults=*/true, at(d.source.callee));
  data_names = all;
  defined_data_.insert(d.name.name);
  if (!checked) return;
  const CheckedArgs& args = checked->args;
  auto num = [&](const char* key) { return args.at(key).numbers.at(0); };
  DataDecl out;
  out.name = d.name.name;
  out.where = at(d.name);
  using Kind = DataDecl::Kind;
  const Kind kind = static_cast<Kind>(sig - data_signatures().data());  // the table is in Kind order
  out.kind = kind;
  switch (kind) {
    case Kind::circle: out.n = static_cast<long>(num("n")); break;
    case Kind::lattice:
      out.n = static_cast<long>(num("n"));
      out.dim = static_cast<int>(num("dim"));
      out.low = num("low");
      out.high = num("high");
      if (std::pow(static_cast<double>(out.n), out.dim) > 1e7) {
        diags().error(at(d.source), "a lattice of more than 10^7 points");
        return;
      }
      break;
    case Kind::gaussian:
      out.n = static_cast<long>(num("n"));
      out.dim = static_cast<int>(num("dim"));
      out.seed = static_cast<std::uint64_t>(num("seed"));
      break;
    case Kind::csv:
    case Kind::npy: {
      const std::filesystem::path path(args.at("path").text);
      const std::filesystem::path folder = std::filesystem::path(s_.file().path()).parent_path();
      out.path = path.is_absolute() ? path.string() : (folder / path).lexically_normal().string();
      break;
    }
    case Kind::select: {
      out.from = args.at("from").text;
      const bool every = args.count("every") != 0, indices = args.count("indices") != 0;
      if (every == indices) {
        diags().error(at(d.source.callee), "'select' takes exactly one of 'every' and 'indices'");
        return;
      }
      if (every) out.every = static_cast<long>(num("every"));
      out.offset = static_cast<long>(num("offset"));
      if (indices)
        for (double i : args.at("indices").numbers) out.indices.push_back(static_cast<long>(i));
      break;
    }
  }
  out_.data.push_back(std::move(out));
}

void ExperimentChecker::target(const ast::Target& t) {
  auto body = point(t.body);
  if (!body) return;
  out_.targets.push_back(TargetDecl{t.name.name, std::move(*body), at(t.name)});
}

void ExperimentChecker::task(const ast::Task& t) {
  const Signature* sig = signature(task_signatures(), t.call.callee, "task");
  if (sig == nullptr) return;
  auto checked = check(t.call.items, *sig, /*apply_defaults=*/true, at(t.call.callee));
  if (!checked) return;
  TaskDecl out;
  out.name = t.name.name;
  out.body = out.quick_body = task_body(*sig, checked->args);
  out.args_json = args_json(checked->args);
  out.sweeps = std::move(checked->sweeps);
  out.where = at(t.name);
  if (const auto* predict = std::get_if<PredictTask>(&out.body); predict && predict->flow_of && predict->t != INFINITY) {
    diags().error(at(t.call.callee), "'predict' takes 't' or 'flow_of', not both");
    return;
  }
  if (const auto* empirical = std::get_if<EmpiricalTask>(&out.body)) {
    const bool trains = std::any_of(empirical->steps.begin(), empirical->steps.end(), [](long s) { return s > 0; });
    if (trains && (!empirical->x || !empirical->y)) {
      diags().error(at(t.call.callee), "'empirical' with training steps needs 'x' and 'y' (the training data)");
      return;
    }
  }
  full_args_[out.name] = std::move(checked->args);
  out_.tasks.push_back(std::move(out));
}

void ExperimentChecker::quick(const ast::Quick& q) {
  TaskDecl* task = nullptr;
  for (TaskDecl& t : out_.tasks)
    if (t.name == q.task.name) task = &t;
  if (task == nullptr) {
    // A task that failed to build has been reported already.
    if (task_names.count(q.task.name) != 0) return;
    diags().error(at(q.task), fmt::format("'quick' names unknown task '{}'", q.task.name));
    sema::note_did_you_mean(diags(), at(q.task), q.task.name, {task_names.begin(), task_names.end()});
    return;
  }
  const Signature& sig = *find_signature(task_signatures(), kind_name(task->body));
  auto checked = check(q.items, sig, /*apply_defaults=*/false, at(q.task));
  if (!checked) return;
  // The quick version: the task's arguments with the quick ones (of every `quick` so far) in place.
  CheckedArgs& quick_args = quick_args_[task->name];
  for (auto& [name, arg] : checked->args) quick_args[name] = std::move(arg);
  CheckedArgs merged = full_args_.at(task->name);
  for (const auto& [name, arg] : quick_args) merged[name] = arg;
  task->quick_body = task_body(sig, merged);
  task->quick_args_json = args_json(quick_args);
  for (Sweep& s : checked->sweeps) task->quick_sweeps.push_back(std::move(s));
}

sema::StatementChecker experiment_checker(Experiment& out) {
  return [&out](const ast::Spec& spec, sema::Symbols& symbols, const sema::Module& module) {
    const auto data = ast::statements_of<ast::Data>(spec);
    const auto targets = ast::statements_of<ast::Target>(spec);
    const auto tasks = ast::statements_of<ast::Task>(spec);
    const auto quicks = ast::statements_of<ast::Quick>(spec);
    ExperimentChecker b(symbols, module, out);
    for (const ast::Data* d : data) b.declare(d->name, b.data_names);
    for (const ast::Target* t : targets) b.declare(t->name, b.target_names);
    for (const ast::Task* t : tasks) b.declare(t->name, b.task_names);
    for (const ast::Data* d : data) b.data(*d);
    for (const ast::Target* t : targets) b.target(*t);
    for (const ast::Task* t : tasks) b.task(*t);
    for (const ast::Quick* q : quicks) b.quick(*q);
  };
}

}  // namespace sgntk::experiment
