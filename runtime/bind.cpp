#include "runtime/bind.h"

#include <memory>

#include "runtime/bind_plugins.h"
#include "runtime/bytecode.h"
#include "runtime/closed_averages.h"

namespace sgntk::runtime {
namespace {

// One side of a numeric expectation, live.
struct Side {
  ArrayFunctionRef fn;
  Shape shape;
  GaussianAverageRef average;
};

class Binder {
 public:
  explicit Binder(const std::vector<BoundPlugin>& plugins) : plugins_(plugins) {}

  ArrayFunctionRef bytecode(const program::Bytecode& b) const { return std::make_shared<const Bytecode>(b); }

  ArrayFunctionRef function(const program::Function& f) const {
    if (const auto* call = std::get_if<program::PluginCall>(&f)) return plugins_.at(call->plugin).eval;
    return bytecode(std::get<program::Bytecode>(f));
  }

  Side side(const program::Integrand& in) const {
    if (const auto* p = std::get_if<program::PluginIntegrand>(&in)) {
      const BoundPlugin& plugin = plugins_.at(p->plugin);
      return {plugin.eval, plugin.shape, p->use_average_hook ? plugin.e1 : nullptr};
    }
    const auto& c = std::get<program::CompiledIntegrand>(in);
    return {bytecode(c.code), c.shape, c.average ? closed_average(*c.average) : nullptr};
  }

  std::string label(const program::Label& l) const {
    if (const auto* call = std::get_if<program::PluginCall>(&l)) return plugins_.at(call->plugin).eval->text();
    return std::get<std::string>(l);
  }

  // `tame`: the expectation's sides grow slower than any exp(r x^2).
  Term term(const program::Term& t, bool tame) const {
    if (const auto* c = std::get_if<program::ClosedFormTerm>(&t.what)) return Term{t.coef, *c};
    if (const auto* b = std::get_if<program::BumpConditionalTerm>(&t.what)) {
      const Side g = side(b->g);
      return Term{t.coef, BumpConditionalTerm{b->eps, b->shift, b->bump_on_v, g.fn, g.shape, g.average, b->tolerance}};
    }
    const auto& q = std::get<program::QuadratureTerm>(t.what);
    Side f = side(q.f), g = side(q.g);
    QuadratureTerm out;
    out.order = q.order;
    out.tolerance = q.tolerance;
    if (q.method == program::QuadratureTerm::Method::gauss_hermite) {
      out.method = QuadratureTerm::Method::gauss_hermite;
      g.average = nullptr;  // a tensor rule integrates both sides itself
    } else {
      // The compiler leaves a plugin side to the conditional method, its shape unknown until now:
      // where the shapes suit Mehler's series (a smooth or kinked surrogate beside a smooth
      // activation), it takes the series like a compiled side.
      const bool plugin_side = std::holds_alternative<program::PluginIntegrand>(q.f) ||
                               std::holds_alternative<program::PluginIntegrand>(q.g);
      const bool series = q.method == program::QuadratureTerm::Method::hermite_series ||
                          (plugin_side && tame && program::series_suits(f.shape, g.shape));
      out.method = series ? QuadratureTerm::Method::hermite_series : QuadratureTerm::Method::conditional;
      // The inner E1 is exact when it is a formula: put the side that has one inside.
      if (!g.average && f.average) {
        std::swap(f, g);
        out.swap = true;
      }
    }
    out.f = f.fn;
    out.g = g.fn;
    out.f_shape = f.shape;
    out.g_shape = g.shape;
    out.g_average = g.average;
    return Term{t.coef, out};
  }

  Expectation expectation(const program::Expectation& e) const {
    Expectation out;
    for (const program::Term& t : e.terms) out.terms.push_back(term(t, e.growth == program::TailGrowth{}));
    out.f_text = label(e.f);
    out.g_text = label(e.g);
    out.infinite_on_diagonal = e.infinite_on_diagonal;
    out.growth = e.growth;
    out.unavailable = e.unavailable;
    return out;
  }

  LayerProgram layer(const program::LayerProgram& l) const {
    LayerProgram out;
    out.name = l.name;
    out.width = l.width;
    out.sigma_w = l.sigma_w;
    out.sigma_b = l.sigma_b;
    out.nngp = expectation(l.nngp);
    out.ntk = expectation(l.ntk);
    out.sgntk = expectation(l.sgntk);
    out.activation = bytecode(l.activation);
    if (l.derivative) out.derivative = bytecode(*l.derivative);
    out.has_surrogate = l.surrogate.has_value();
    out.surrogate = l.surrogate ? function(*l.surrogate) : out.derivative;
    return out;
  }

 private:
  const std::vector<BoundPlugin>& plugins_;
};

}  // namespace

BindResult bind(const program::KernelProgram& p, const BindOptions& options) {
  BindResult result;
  PluginBinding plugins = bind_plugins(p.plugins, options.plugin_paths);
  const bool usable = plugins.ok();
  result.problems = std::move(plugins.problems);
  if (!usable) return result;

  const Binder binder(plugins.plugins);
  KernelProgram out;
  out.network = p.network;
  out.input_dim = p.input_dim;
  out.outputs = p.outputs;
  out.readout_sigma_w = p.readout_sigma_w;
  out.readout_sigma_b = p.readout_sigma_b;
  for (const program::LayerProgram& l : p.hidden) out.hidden.push_back(binder.layer(l));
  result.program = std::move(out);
  return result;
}

}  // namespace sgntk::runtime
