#include "runtime/describe_program.h"

#include <fmt/format.h>

#include "runtime/expectation.h"

namespace sgntk::runtime {

std::string describe(const KernelProgram& program) {
  std::string out = fmt::format("network {} (input = {}, outputs = {})\n", program.network, program.input_dim,
                                program.outputs);
  out += fmt::format("  Sigma^1 = {}^2 <x, x'>/{} + {}^2\n",
                     program.hidden.empty() ? program.readout_sigma_w : program.hidden[0].sigma_w, program.input_dim,
                     program.hidden.empty() ? program.readout_sigma_b : program.hidden[0].sigma_b);
  for (const LayerProgram& layer : program.hidden) {
    out += fmt::format("  {} (width {}, sigma_w {}, sigma_b {})\n", layer.name, layer.width, layer.sigma_w,
                       layer.sigma_b);
    auto section = [&](const char* what, const Expectation& e) {
      out += fmt::format("    {}: E[{} * {}]{}\n", what, e.f_text, e.g_text,
                         e.infinite_on_diagonal ? "  (+inf on the diagonal)" : "");
      const std::string text = describe(e);
      std::size_t start = 0;
      while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        out += "      " + text.substr(start, end - start) + "\n";
        start = end + 1;
      }
    };
    section("nngp ", layer.nngp);
    section("ntk  ", layer.ntk);
    section("sgntk", layer.sgntk);
  }
  out += fmt::format("  readout (outputs {}, sigma_w {}, sigma_b {})\n", program.outputs, program.readout_sigma_w,
                     program.readout_sigma_b);
  return out;
}

}  // namespace sgntk::runtime
