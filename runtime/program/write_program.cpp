// write_program (text_format.h): walks the program in the order read_program expects, one
// line per record, indented for people.
#include <charconv>

#include "runtime/program/text_format.h"
#include "runtime/program/text_names.h"

namespace sgntk::program {
namespace {

using namespace text;

class Writer {
 public:
  std::string take() { return std::move(out_); }

  Writer& line(int indent) {
    if (!out_.empty()) out_ += '\n';
    out_.append(static_cast<std::size_t>(2 * indent), ' ');
    first_ = true;
    return *this;
  }
  Writer& word(std::string_view w) {
    if (!first_) out_ += ' ';
    first_ = false;
    out_ += w;
    return *this;
  }
  Writer& number(double v) {
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, v);  // shortest exact form
    return word(std::string_view(buffer, static_cast<std::size_t>(result.ptr - buffer)));
  }
  Writer& integer(long long v) { return word(std::to_string(v)); }
  Writer& flag(bool v) { return word(v ? "1" : "0"); }
  Writer& string(std::string_view s) {
    std::string q = "\"";
    for (char c : s) {
      if (c == '"' || c == '\\') q += '\\';
      if (c == '\n') {
        q += "\\n";
        continue;
      }
      q += c;
    }
    return word(q + "\"");
  }

 private:
  std::string out_;
  bool first_ = true;
};

void write_bytecode(Writer& w, const Bytecode& b, int indent) {
  w.word("bytecode").string(b.text).word("registers").integer(b.registers).word("result").integer(b.result);
  w.word("code").integer(static_cast<long long>(b.code.size()));
  for (const Instruction& ins : b.code)
    w.line(indent + 1).word(op_name(ins.op)).integer(ins.dst).integer(ins.a).integer(ins.b).integer(ins.c).number(ins.value);
}

void write_function(Writer& w, const Function& f, int indent) {
  if (const auto* call = std::get_if<PluginCall>(&f))
    w.word("plugin").integer(static_cast<long long>(call->plugin));
  else
    write_bytecode(w, std::get<Bytecode>(f), indent);
}

void write_shape(Writer& w, const Shape& s) {
  w.word("shape").word("smooth").flag(s.smooth).word("parity").integer(s.parity);
  w.word("support").number(s.support_lo).number(s.support_hi);
  w.word("breakpoints").integer(static_cast<long long>(s.breakpoints.size()));
  for (double b : s.breakpoints) w.number(b);
  if (!s.transitions.empty()) {  // optional: texts without steep transitions read as before
    w.word("transitions").integer(static_cast<long long>(s.transitions.size()));
    for (const Transition& t : s.transitions) w.number(t.center).number(t.width);
  }
  if (std::isfinite(s.period)) w.word("period").number(s.period);  // optional too
}

void write_integrand(Writer& w, const char* side, const Integrand& in, int indent) {
  w.line(indent).word(side);
  if (const auto* p = std::get_if<PluginIntegrand>(&in)) {
    w.word("plugin").integer(static_cast<long long>(p->plugin)).word("average_hook").flag(p->use_average_hook);
    return;
  }
  const auto& c = std::get<CompiledIntegrand>(in);
  w.word("compiled");
  write_bytecode(w, c.code, indent);
  write_shape(w.line(indent + 1), c.shape);
  w.line(indent + 1).word("average");
  if (!c.average) {
    w.word("none");
    return;
  }
  w.word(average_names[static_cast<int>(c.average->id)]).number(c.average->p[0]).number(c.average->p[1]);
}

void write_label(Writer& w, const char* side, const Label& label) {
  w.word(side);
  if (const auto* call = std::get_if<PluginCall>(&label))
    w.word("plugin").integer(static_cast<long long>(call->plugin));
  else
    w.word("text").string(std::get<std::string>(label));
}

void write_expectation(Writer& w, const char* name, const Expectation& e, int indent) {
  w.line(indent).word(name);
  write_label(w, "f", e.f);
  write_label(w, "g", e.g);
  w.word("infinite_on_diagonal").flag(e.infinite_on_diagonal);
  // Optional records, written only when they differ from the default.
  if (e.growth != TailGrowth{}) w.word("growth").number(e.growth.f).number(e.growth.g);
  if (e.unavailable) w.word("unavailable").string(*e.unavailable);
  w.word("terms").integer(static_cast<long long>(e.terms.size()));
  for (const Term& t : e.terms) {
    w.line(indent + 1).word("term").number(t.coef);
    if (const auto* c = std::get_if<ClosedFormTerm>(&t.what)) {
      w.word("closed").word(closed_form_names[static_cast<int>(c->id)]);
      for (double p : c->p) w.number(p);
      w.word("swap").flag(c->swap);
    } else if (const auto* b = std::get_if<BumpConditionalTerm>(&t.what)) {
      w.word("bump_conditional").word("eps").number(b->eps).word("shift").number(b->shift);
      w.word("bump_on_v").flag(b->bump_on_v).word("tolerance").number(b->tolerance);
      write_integrand(w, "g", b->g, indent + 2);
    } else {
      const auto& q = std::get<QuadratureTerm>(t.what);
      w.word("quadrature").word(method_names[static_cast<int>(q.method)]).word("order").integer(q.order);
      w.word("tolerance").number(q.tolerance);
      write_integrand(w, "f", q.f, indent + 2);
      write_integrand(w, "g", q.g, indent + 2);
    }
  }
}

void write_layer(Writer& w, const LayerProgram& l) {
  w.line(1).word("layer").string(l.name).word("width").integer(l.width);
  w.word("sigma_w").number(l.sigma_w).word("sigma_b").number(l.sigma_b);
  write_bytecode(w.line(2).word("activation"), l.activation, 2);
  w.line(2).word("derivative");
  if (l.derivative)
    write_bytecode(w, *l.derivative, 2);
  else
    w.word("none");
  w.line(2).word("surrogate");
  if (l.surrogate)
    write_function(w, *l.surrogate, 2);
  else
    w.word("none");
  write_expectation(w, "nngp", l.nngp, 2);
  write_expectation(w, "ntk", l.ntk, 2);
  write_expectation(w, "sgntk", l.sgntk, 2);
}

}  // namespace

std::string write_program(const KernelProgram& p) {
  Writer w;
  w.line(0).word(header).integer(format_version);
  w.line(0).word("network").string(p.network).word("input").integer(p.input_dim).word("outputs").integer(p.outputs);
  w.word("readout_sigma_w").number(p.readout_sigma_w).word("readout_sigma_b").number(p.readout_sigma_b);
  w.line(0).word("plugins").integer(static_cast<long long>(p.plugins.size()));
  for (const PluginRef& ref : p.plugins) {
    w.line(1).word("plugin").string(ref.name).word("id").string(ref.id);
    w.word("params").integer(static_cast<long long>(ref.params.size()));
    for (const auto& [name, value] : ref.params) w.string(name).number(value);
  }
  w.line(0).word("layers").integer(static_cast<long long>(p.hidden.size()));
  for (const LayerProgram& l : p.hidden) write_layer(w, l);
  w.line(0).word("end");
  return w.take() + "\n";
}

}  // namespace sgntk::program
