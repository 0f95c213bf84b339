#include "runtime/expectation_tails.h"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "runtime/errors.h"

namespace sgntk::runtime {

bool tails_converge(const program::TailGrowth& growth, double a, double b, double c) {
  if (growth.f <= 0 && growth.g <= 0) return true;  // bounded by a constant times a polynomial
  a = std::fmax(a, 0.0);
  b = std::fmax(b, 0.0);
  if (std::isnan(a) || std::isnan(b) || std::isnan(c)) return true;  // not ours to judge
  // Decay faster than any Gaussian helps like a very steep one; the limit is taken by a large
  // finite rate so that 0 * inf never occurs.
  const double rf = std::fmax(growth.f, -1e300), rg = std::fmax(growth.g, -1e300);
  if (a == 0.0) return !(rg * b >= 0.5);  // u = 0: only v varies (rf irrelevant)
  if (b == 0.0) return !(rf * a >= 0.5);
  if (std::isinf(rf) || std::isinf(rg)) return false;  // +inf growth on a side with variance
  const double s = std::sqrt(a * b), ac = std::clamp(std::fabs(c), 0.0, s);
  const double gap = std::fmax(0.0, (s - ac) * (s + ac));
  // S = L' D L with L = [[sqrt a, 0], [c / sqrt a, sqrt(gap / a)]].
  const double s11 = rf * a + rg * ac * ac / a, s12 = rg * ac * std::sqrt(gap) / a, s22 = rg * gap / a;
  const double m11 = 1 - 2 * s11, m22 = 1 - 2 * s22;
  return m11 > 0 && m22 > 0 && m11 * m22 - 4 * s12 * s12 > 0;
}

std::string describe(const program::TailGrowth& growth) {
  auto side = [](double r, const char* var) {
    if (r == 0) return std::string("1");
    if (std::isinf(r)) return fmt::format("{}exp(inf * {}^2)", r < 0 ? "1/" : "", var);
    return fmt::format("exp({:g} {}^2)", r, var);
  };
  return side(growth.f, "u") + " " + side(growth.g, "v");
}

DivergentEntries::DivergentEntries(const KernelProgram& program)
    : program_(program), slots_(std::make_unique<Slot[]>(2 * program.hidden.size())) {}

void DivergentEntries::mark(std::size_t layer, int which, const Expectation& e, const double* a, const double* b,
                            const double* c, bool* bad, std::size_t n, std::size_t weight) {
  if (e.growth.f <= 0 && e.growth.g <= 0) return;
  Slot& slot = slots_[2 * layer + static_cast<std::size_t>(which)];
  for (std::size_t i = 0; i < n; ++i) {
    if (bad[i] || tails_converge(e.growth, a[i], b[i], c[i])) continue;
    bad[i] = true;
    slot.count += weight;
    std::call_once(slot.first, [&] {
      slot.a = a[i];
      slot.b = b[i];
      slot.c = c[i];
      slot.e = &e;
    });
  }
}

void DivergentEntries::throw_if_any(std::size_t total, const char* what) const {
  for (std::size_t l = 0; l < program_.hidden.size(); ++l)
    for (int which = 0; which < 2; ++which) {
      const Slot& slot = slots_[2 * l + static_cast<std::size_t>(which)];
      if (slot.count == 0) continue;
      const LayerProgram& layer = program_.hidden[l];
      const Expectation& e = *slot.e;
      throw EvalError(fmt::format(
          "layer '{}': E[{} * {}] diverges at {} of {} {}: the integrand grows like {}, faster than the "
          "Gaussian weight decays (first at Sigma(x, x) = {:g}, Sigma(x', x') = {:g}, Sigma(x, x') = {:g}; "
          "on the diagonal it is finite only where ({:g} + {:g}) * Sigma(x, x) < 1/2); no output written",
          layer.name, e.f_text, e.g_text, slot.count.load(), total, what, describe(e.growth), slot.a, slot.b, slot.c,
          e.growth.f, e.growth.g));
    }
}

}  // namespace sgntk::runtime
