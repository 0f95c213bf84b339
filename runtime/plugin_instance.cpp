// Plugin instances (a descriptor with a parameter vector) and the runtime wrappers around them
// (plugin_host.h). Every value that crosses back from a plugin is checked here: status codes
// and finiteness, chunk by chunk while the chunk is still in cache.
#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "runtime/errors.h"
#include "runtime/plugin_host.h"

namespace sgntk::runtime {

namespace {

// Plugin calls run over chunks of this many entries: the check that follows each call reads
// the outputs while they are still in L1, and an error names the first bad entry.
constexpr std::size_t chunk = 1024;

const char* status_name(int status) {
  switch (status) {
    case SGNTK_EINVAL: return "SGNTK_EINVAL, invalid parameters";
    case SGNTK_EDOMAIN: return "SGNTK_EDOMAIN, input outside the domain";
    case SGNTK_EUNSUPPORTED: return "SGNTK_EUNSUPPORTED";
  }
  return "unknown status";
}

}  // namespace

PluginInstance::PluginInstance(PluginDescriptor descriptor, std::vector<double> values)
    : descriptor_(std::move(descriptor)), values_(std::move(values)) {}

std::string PluginInstance::text() const {
  std::string out = fmt::format("plugin(\"{}\"", descriptor_.id);
  for (std::size_t i = 0; i < values_.size(); ++i)
    out += fmt::format(", {} = {}", descriptor_.params[i].name, values_[i]);
  return out + ")";
}

std::string PluginInstance::label() const {
  return fmt::format("plugin '{}' ({})", descriptor_.id, descriptor_.file);
}

// Runs `call(offset, count)` chunk by chunk and checks its status and the finiteness of
// out[offset, offset + count). `input` names the entry for a message about a bad output.
template <class Call, class Input>
static void checked_chunks(const PluginInstance& self, const char* what, double* out, std::size_t n,
                           Call call, Input input) {
  for (std::size_t at = 0; at < n; at += chunk) {
    const std::size_t count = std::min(chunk, n - at);
    const int status = call(at, count);
    if (status != SGNTK_OK)
      throw EvalError(fmt::format("{}: {} returned error code {} ({})", self.label(), what, status,
                                  status_name(status)));
    for (std::size_t i = at; i < at + count; ++i)
      if (!std::isfinite(out[i]))
        throw EvalError(fmt::format("{}: {} returned {} at {}", self.label(), what, out[i], input(i)));
  }
}

void PluginInstance::eval(const double* x, double* out, std::size_t n) const {
  const auto fn = descriptor_.raw.eval;
  const double* p = values_.data();
  checked_chunks(*this, "eval", out, n,
                 [&](std::size_t at, std::size_t count) { return fn(p, x + at, out + at, count); },
                 [&](std::size_t i) { return fmt::format("x = {}", x[i]); });
}

void PluginInstance::average(const double* mean, const double* var, double* out, std::size_t n) const {
  const auto fn = descriptor_.raw.gauss_average;
  if (fn == nullptr) throw EvalError(label() + ": has no gauss_average hook");
  const double* p = values_.data();
  checked_chunks(*this, "gauss_average", out, n,
                 [&](std::size_t at, std::size_t count) { return fn(p, mean + at, var + at, out + at, count); },
                 [&](std::size_t i) { return fmt::format("mean = {}, var = {}", mean[i], var[i]); });
}

void PluginInstance::expect2(const double* a, const double* b, const double* c, double* out,
                             std::size_t n) const {
  const auto fn = descriptor_.raw.gauss_expect2;
  if (fn == nullptr) throw EvalError(label() + ": has no gauss_expect2 hook");
  const double* p = values_.data();
  checked_chunks(*this, "gauss_expect2", out, n,
                 [&](std::size_t at, std::size_t count) { return fn(p, a + at, b + at, c + at, out + at, count); },
                 [&](std::size_t i) { return fmt::format("a = {}, b = {}, c = {}", a[i], b[i], c[i]); });
}

Shape PluginInstance::shape() const {
  Shape shape;
  shape.smooth = false;  // unknown: the conservative choice for quadrature planning
  const auto fn = descriptor_.raw.shape;
  if (fn == nullptr) return shape;
  sgntk_shape s{};
  const int status = fn(values_.data(), &s);
  if (status != SGNTK_OK) throw EvalError(fmt::format("{}: shape returned error code {}", label(), status));
  const std::uint32_t count = std::min<std::uint32_t>(s.breakpoint_count, SGNTK_MAX_BREAKPOINTS);
  for (std::uint32_t i = 0; i < count; ++i) {
    if (!std::isfinite(s.breakpoints[i])) throw EvalError(label() + ": shape returned a non-finite breakpoint");
    shape.breakpoints.push_back(s.breakpoints[i]);
  }
  std::sort(shape.breakpoints.begin(), shape.breakpoints.end());
  shape.breakpoints.erase(std::unique(shape.breakpoints.begin(), shape.breakpoints.end()), shape.breakpoints.end());
  if (std::isnan(s.support_lo) || std::isnan(s.support_hi) || s.support_lo > s.support_hi)
    throw EvalError(label() + ": shape returned an invalid support");
  shape.support_lo = s.support_lo;
  shape.support_hi = s.support_hi;
  shape.smooth = (s.flags & SGNTK_SHAPE_SMOOTH) != 0;
  shape.parity = (s.flags & SGNTK_SHAPE_EVEN) ? 1 : (s.flags & SGNTK_SHAPE_ODD) ? -1 : 0;
  return shape;
}

// ---- instantiation --------------------------------------------------------------------------

// Calls every function of the instance once over a small grid that spans many scales (and the
// break points), so that a broken plugin fails at compile time with a message, not mid-run.
static void probe(const PluginInstance& instance, const PluginStage& stage) {
  stage("calling shape");
  const Shape shape = instance.shape();
  std::vector<double> x{0.0};
  for (int k = -10; k <= 20; ++k) {
    x.push_back(std::ldexp(1.0, k));
    x.push_back(-std::ldexp(1.0, k));
  }
  for (double b : shape.breakpoints)
    for (double d : {-1e-9, 0.0, 1e-9}) x.push_back(b + d);
  std::vector<double> out(x.size());
  stage("calling eval");
  instance.eval(x.data(), out.data(), x.size());
  if (instance.has_average()) {
    stage("calling gauss_average");
    const double mean[] = {0.0, 0.5, -3.0, 0.25}, var[] = {1.0, 0.0, 4.0, 1e-6};
    double avg[4];
    instance.average(mean, var, avg, 4);
  }
  if (instance.has_expect2()) {
    stage("calling gauss_expect2");
    const double a[] = {1.0, 1.0, 2.0}, b[] = {1.0, 1.0, 0.5}, c[] = {0.5, 1.0, -0.3};
    double e2[3];
    instance.expect2(a, b, c, e2, 3);
  }
}

// Asks each closed-form hook once whether it serves these parameters; SGNTK_EUNSUPPORTED means
// it does not, and the instance is built without it. Other statuses are left to the probe.
static void drop_unsupported_hooks(PluginDescriptor& d, const std::vector<double>& values,
                                   const PluginStage& stage) {
  const double mean = 0.0, var = 1.0, a = 1.0, b = 1.0, c = 0.5;
  double out;
  if (d.raw.gauss_average) stage("calling gauss_average");
  if (d.raw.gauss_average && d.raw.gauss_average(values.data(), &mean, &var, &out, 1) == SGNTK_EUNSUPPORTED) {
    d.raw.gauss_average = nullptr;
    d.caps &= ~static_cast<std::uint32_t>(SGNTK_CAP_GAUSS_AVERAGE);
  }
  if (d.raw.gauss_expect2) stage("calling gauss_expect2");
  if (d.raw.gauss_expect2 && d.raw.gauss_expect2(values.data(), &a, &b, &c, &out, 1) == SGNTK_EUNSUPPORTED) {
    d.raw.gauss_expect2 = nullptr;
    d.caps &= ~static_cast<std::uint32_t>(SGNTK_CAP_GAUSS_EXPECT2);
  }
}

PluginInstanceRef instantiate(const PluginDescriptor& descriptor,
                              const std::vector<std::pair<std::string, double>>& given,
                              InstantiateError& error, const PluginStage& observe) {
  const PluginStage stage = observe ? observe : [](const char*) {};
  const std::string where = fmt::format("plugin '{}' ({})", descriptor.id, descriptor.file);
  std::vector<double> values;
  for (const PluginParam& p : descriptor.params) values.push_back(p.default_value);
  std::vector<bool> set(values.size(), false);
  for (std::size_t g = 0; g < given.size(); ++g) {
    const auto& [name, value] = given[g];
    const int i = descriptor.find_param(name);
    if (i < 0) {
      std::string known;
      for (const PluginParam& p : descriptor.params) known += (known.empty() ? "" : ", ") + p.name;
      error = {fmt::format("{} has no parameter '{}' (its parameters: {})", where, name,
                           known.empty() ? "none" : known),
               static_cast<int>(g)};
      return nullptr;
    }
    const PluginParam& p = descriptor.params[i];
    if (set[i]) {
      error = {fmt::format("{}: parameter '{}' is given twice", where, name), static_cast<int>(g)};
      return nullptr;
    }
    if (!p.accepts(value)) {
      error = {fmt::format("{}: parameter '{}' = {} is outside its range {}", where, name, value, p.range_text()),
               static_cast<int>(g)};
      return nullptr;
    }
    values[i] = value;
    set[i] = true;
  }
  if (const auto check = descriptor.raw.check_params) {
    stage("calling check_params");
    char message[256] = "";
    if (check(values.data(), message, sizeof message) != SGNTK_OK) {
      message[sizeof message - 1] = '\0';
      error = {fmt::format("{}: invalid parameters: {}", where, *message ? message : "rejected by check_params")};
      return nullptr;
    }
  }
  PluginDescriptor usable = descriptor;
  drop_unsupported_hooks(usable, values, stage);
  auto instance = std::make_shared<const PluginInstance>(std::move(usable), std::move(values));
  try {
    probe(*instance, stage);
  } catch (const EvalError& e) {
    error = {e.what()};
    return nullptr;
  }
  return instance;
}

// ---- wrappers -------------------------------------------------------------------------------------

namespace {

class PluginFunction final : public ArrayFunction {
 public:
  explicit PluginFunction(PluginInstanceRef instance) : instance_(std::move(instance)) {}
  void eval(const double* x, double* out, std::size_t n) const override { instance_->eval(x, out, n); }
  std::string text() const override { return instance_->text(); }

 private:
  PluginInstanceRef instance_;
};

class PluginAverage final : public GaussianAverage {
 public:
  explicit PluginAverage(PluginInstanceRef instance) : instance_(std::move(instance)) {}
  void average(const double* mean, const double* var, double* out, std::size_t n) const override {
    instance_->average(mean, var, out, n);
  }
  std::string text() const override { return "E1 hook of " + instance_->text(); }

 private:
  PluginInstanceRef instance_;
};

}  // namespace

std::string PluginExpectation2::text() const { return "E2 hook of " + instance_->text(); }

ArrayFunctionRef plugin_function(PluginInstanceRef instance) {
  return std::make_shared<const PluginFunction>(std::move(instance));
}

GaussianAverageRef plugin_average(PluginInstanceRef instance) {
  if (!instance->has_average()) return nullptr;
  return std::make_shared<const PluginAverage>(std::move(instance));
}

PluginExpectation2Ref plugin_expectation2(PluginInstanceRef instance) {
  if (!instance->has_expect2()) return nullptr;
  return std::make_shared<const PluginExpectation2>(std::move(instance));
}

}  // namespace sgntk::runtime
