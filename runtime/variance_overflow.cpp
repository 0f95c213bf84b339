#include "runtime/variance_overflow.h"

#include <fmt/format.h>

#include <cmath>
#include <string>

#include "runtime/errors.h"

namespace sgntk::runtime {
namespace {

struct Reader {
  std::string name;
  double sigma_w, sigma_b;
};

Reader reader_at(const KernelProgram& p, std::size_t reader) {
  if (reader < p.hidden.size())
    return {fmt::format("hidden layer {} ('{}')", reader + 1, p.hidden[reader].name), p.hidden[reader].sigma_w,
            p.hidden[reader].sigma_b};
  return {"the readout", p.readout_sigma_w, p.readout_sigma_b};
}

}  // namespace

void check_squared_scales(const KernelProgram& program) {
  for (std::size_t l = 0; l <= program.hidden.size(); ++l) {
    const Reader r = reader_at(program, l);
    for (const auto& [name, value] : {std::pair{"sigma_w", r.sigma_w}, std::pair{"sigma_b", r.sigma_b}})
      if (!std::isfinite(value * value))
        throw EvalError(fmt::format("{} = {:g} of {}: its square, the variance it scales by, is beyond the largest "
                                    "double (about 1.8e308); rescale the network (a sign or step layer is unchanged "
                                    "by any positive factor of its weights and bias)",
                                    name, value, r.name));
  }
}

void check_variance(const KernelProgram& program, std::size_t reader, double q, double variance, std::size_t point) {
  // Two variances up to sqrt(largest double) / 2 still give a finite ab and (a - c)(b - c) for
  // |c| <= sqrt(ab) (the gap ab - c^2 is formed so); beyond it the gap of an entry overflows, and
  // its kernel value (an angle) would come out silently wrong.
  constexpr double largest_variance = 6e153;
  if (!std::isfinite(q) || (std::isfinite(variance) && variance <= largest_variance)) return;
  const Reader r = reader_at(program, reader);
  const char* what = reader == 0 ? "|x|^2/d of the input" : "E[phi(u)^2] of the layer below";
  const std::string size = std::isfinite(variance)
                               ? fmt::format("{:.6g}, beyond {:g}, where products of two variances (ab - c^2) overflow "
                                             "a double",
                                             variance, largest_variance)
                               : std::string("beyond the largest double");
  throw EvalError(fmt::format("the variance of the pre-activation of {} at point {} is {}: "
                              "sigma_w^2 q + sigma_b^2 with sigma_w = {:g}, sigma_b = {:g} and q = {:.6g} ({}); "
                              "rescale the inputs or the network (a sign or step layer is unchanged by any positive "
                              "factor of its weights and bias)",
                              r.name, point, size, r.sigma_w, r.sigma_b, q, what));
}

}  // namespace sgntk::runtime
