#include "cli/jobs/jobs.h"
#include "compiler/lower/plugin_refs.h"

namespace sgntk::jobs {

std::optional<runtime::KernelProgram> lower_and_bind(const sema::Module& module, const std::string& network,
                                                    const lower::LowerOptions& options,
                                                    const runtime::BindOptions& bind_options, Diagnostics& diags,
                                                    bool* bind_failed) {
  if (bind_failed) *bind_failed = false;
  const auto data = lower::lower(module, network, options, diags);
  if (!data) return std::nullopt;
  runtime::BindResult bound = runtime::bind(*data, bind_options);
  lower::report_bind_problems(module, *data, bound.problems, diags);
  if (bind_failed) *bind_failed = !bound.program;
  return std::move(bound.program);
}

}  // namespace sgntk::jobs
