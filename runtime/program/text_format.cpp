// The text form of a KernelProgram. Writer and reader walk the same structure in the same
// order; the reader works on tokens (words, numbers, quoted strings), so line breaks and
// indentation are only for people, and it names the line of the first token it cannot use.
#include "runtime/program/text_format.h"

#include <charconv>
#include <cstdint>
#include <limits>
#include <span>

namespace sgntk::program {
namespace {

constexpr std::string_view header = "sgntk-program";
constexpr int format_version = 1;

constexpr std::string_view closed_form_names[closed_form_count] = {
    "erf_erf", "bump_bump", "relu_relu", "relu_moment", "moment", "bump_moment", "erf_moment", "cos_cos", "sin_sin"};
constexpr std::string_view average_names[average_count] = {"erf", "bump", "moment", "relu", "cos", "sin"};
constexpr std::string_view method_names[] = {"gauss_hermite", "conditional"};

// ---- writing ----------------------------------------------------------------------------------

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
  w.word("infinite_on_diagonal").flag(e.infinite_on_diagonal).word("terms").integer(static_cast<long long>(e.terms.size()));
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

// ---- reading ----------------------------------------------------------------------------------

struct Token {
  std::string text;
  bool quoted = false;
  int line = 0;
};

std::vector<Token> tokenize(std::string_view s) {
  std::vector<Token> tokens;
  int line = 1;
  std::size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (c == '\n') {
      ++line;
      ++i;
    } else if (c == ' ' || c == '\t' || c == '\r') {
      ++i;
    } else if (c == '"') {
      Token t{"", true, line};
      for (++i;; ++i) {
        if (i >= s.size()) throw ReadError("line " + std::to_string(t.line) + ": unterminated string");
        if (s[i] == '"') break;
        if (s[i] == '\n') ++line;
        if (s[i] == '\\') {
          if (++i >= s.size()) throw ReadError("line " + std::to_string(line) + ": unterminated string");
          if (s[i] == 'n') {
            t.text += '\n';
            continue;
          }
          if (s[i] != '"' && s[i] != '\\')
            throw ReadError("line " + std::to_string(line) + ": unknown escape '\\" + std::string(1, s[i]) + "'");
        }
        t.text += s[i];
      }
      ++i;
      tokens.push_back(std::move(t));
    } else {
      Token t{"", false, line};
      while (i < s.size() && s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n' && s[i] != '"') t.text += s[i++];
      tokens.push_back(std::move(t));
    }
  }
  return tokens;
}

class Reader {
 public:
  explicit Reader(std::string_view text) : tokens_(tokenize(text)) {}

  [[noreturn]] void fail(const std::string& what) const {
    if (at_ >= tokens_.size()) throw ReadError("end of text: " + what);
    throw ReadError("line " + std::to_string(tokens_[at_].line) + ": " + what);
  }
  std::string found() const {
    if (at_ >= tokens_.size()) return "the end of the text";
    const Token& t = tokens_[at_];
    return t.quoted ? "a string" : "'" + t.text + "'";
  }

  // The next token as a word (not a quoted string).
  const std::string& word(std::string_view expected_what) {
    if (at_ >= tokens_.size() || tokens_[at_].quoted) fail(std::string("expected ") + std::string(expected_what) + ", found " + found());
    return tokens_[at_++].text;
  }
  void expect(std::string_view keyword) {
    if (at_ >= tokens_.size() || tokens_[at_].quoted || tokens_[at_].text != keyword)
      fail("expected '" + std::string(keyword) + "', found " + found());
    ++at_;
  }
  bool accept(std::string_view keyword) {
    if (at_ < tokens_.size() && !tokens_[at_].quoted && tokens_[at_].text == keyword) {
      ++at_;
      return true;
    }
    return false;
  }
  std::string string() {
    if (at_ >= tokens_.size() || !tokens_[at_].quoted) fail("expected a quoted string, found " + found());
    return tokens_[at_++].text;
  }
  double number() {
    const std::string& w = word("a number");
    double v = 0;
    const auto r = std::from_chars(w.data(), w.data() + w.size(), v);
    if (r.ec != std::errc() || r.ptr != w.data() + w.size()) {
      --at_;
      fail("expected a number, found '" + w + "'");
    }
    return v;
  }
  long long integer(long long lo, long long hi) {
    const std::string& w = word("an integer");
    long long v = 0;
    const auto r = std::from_chars(w.data(), w.data() + w.size(), v);
    if (r.ec != std::errc() || r.ptr != w.data() + w.size() || v < lo || v > hi) {
      --at_;
      fail("expected an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], found '" + w + "'");
    }
    return v;
  }
  bool flag() { return integer(0, 1) == 1; }
  std::size_t count() { return static_cast<std::size_t>(integer(0, 1'000'000'000)); }
  // One of `names`, returned as its index.
  int choice(std::span<const std::string_view> names, std::string_view what) {
    const std::string& w = word(what);
    for (std::size_t i = 0; i < names.size(); ++i)
      if (names[i] == w) return static_cast<int>(i);
    --at_;
    fail("unknown " + std::string(what) + " '" + w + "'");
  }
  Op op() {
    const std::string& w = word("an instruction");
    Op op{};
    if (!op_from_name(w, op)) {
      --at_;
      fail("unknown instruction '" + w + "'");
    }
    return op;
  }
  bool done() const { return at_ >= tokens_.size(); }

  std::size_t plugins = 0;  // how many references the program has: bounds every plugin index

  std::size_t plugin_index() {
    const long long i = integer(0, std::numeric_limits<int>::max());
    if (static_cast<std::size_t>(i) >= plugins) {
      --at_;
      fail("plugin index " + std::to_string(i) + " out of range (the program has " + std::to_string(plugins) +
           " plugin references)");
    }
    return static_cast<std::size_t>(i);
  }

 private:
  std::vector<Token> tokens_;
  std::size_t at_ = 0;
};

Bytecode read_bytecode(Reader& r) {
  Bytecode b;
  r.expect("bytecode");
  b.text = r.string();
  r.expect("registers");
  b.registers = static_cast<int>(r.integer(1, 65535));
  r.expect("result");
  b.result = static_cast<int>(r.integer(0, 65535));
  r.expect("code");
  const std::size_t n = r.count();
  for (std::size_t i = 0; i < n; ++i) {
    Instruction ins{};
    ins.op = r.op();
    ins.dst = static_cast<std::uint16_t>(r.integer(0, 65535));
    ins.a = static_cast<std::uint16_t>(r.integer(0, 65535));
    ins.b = static_cast<std::uint16_t>(r.integer(0, 65535));
    ins.c = static_cast<std::uint16_t>(r.integer(0, 65535));
    ins.value = r.number();
    b.code.push_back(ins);
  }
  if (const std::string problem = bytecode_problem(b); !problem.empty()) r.fail("bad bytecode: " + problem);
  return b;
}

Function read_function(Reader& r) {
  if (r.accept("plugin")) return PluginCall{r.plugin_index()};
  return read_bytecode(r);
}

Shape read_shape(Reader& r) {
  Shape s;
  r.expect("shape");
  r.expect("smooth");
  s.smooth = r.flag();
  r.expect("parity");
  s.parity = static_cast<int>(r.integer(-1, 1));
  r.expect("support");
  s.support_lo = r.number();
  s.support_hi = r.number();
  r.expect("breakpoints");
  const std::size_t n = r.count();
  for (std::size_t i = 0; i < n; ++i) s.breakpoints.push_back(r.number());
  return s;
}

Integrand read_integrand(Reader& r, const char* side) {
  r.expect(side);
  if (r.accept("plugin")) {
    PluginIntegrand p;
    p.plugin = r.plugin_index();
    r.expect("average_hook");
    p.use_average_hook = r.flag();
    return p;
  }
  r.expect("compiled");
  CompiledIntegrand c;
  c.code = read_bytecode(r);
  c.shape = read_shape(r);
  r.expect("average");
  if (!r.accept("none")) {
    ClosedAverage a;
    a.id = static_cast<AverageId>(r.choice(average_names, "average"));
    a.p[0] = r.number();
    a.p[1] = r.number();
    c.average = a;
  }
  return c;
}

Label read_label(Reader& r, const char* side) {
  r.expect(side);
  if (r.accept("plugin")) return PluginCall{r.plugin_index()};
  r.expect("text");
  return r.string();
}

Expectation read_expectation(Reader& r, const char* name) {
  Expectation e;
  r.expect(name);
  e.f = read_label(r, "f");
  e.g = read_label(r, "g");
  r.expect("infinite_on_diagonal");
  e.infinite_on_diagonal = r.flag();
  r.expect("terms");
  const std::size_t n = r.count();
  for (std::size_t i = 0; i < n; ++i) {
    Term t;
    r.expect("term");
    t.coef = r.number();
    if (r.accept("closed")) {
      ClosedFormTerm c;
      c.id = static_cast<ClosedFormId>(r.choice(closed_form_names, "closed form"));
      for (double& p : c.p) p = r.number();
      r.expect("swap");
      c.swap = r.flag();
      t.what = c;
    } else if (r.accept("bump_conditional")) {
      BumpConditionalTerm b;
      r.expect("eps");
      b.eps = r.number();
      r.expect("shift");
      b.shift = r.number();
      r.expect("bump_on_v");
      b.bump_on_v = r.flag();
      r.expect("tolerance");
      b.tolerance = r.number();
      b.g = read_integrand(r, "g");
      t.what = b;
    } else if (r.accept("quadrature")) {
      QuadratureTerm q;
      q.method = static_cast<QuadratureTerm::Method>(r.choice(method_names, "quadrature method"));
      r.expect("order");
      q.order = static_cast<int>(r.integer(1, 1024));
      r.expect("tolerance");
      q.tolerance = r.number();
      q.f = read_integrand(r, "f");
      q.g = read_integrand(r, "g");
      t.what = q;
    } else {
      r.fail("expected 'closed', 'bump_conditional' or 'quadrature', found " + r.found());
    }
    e.terms.push_back(std::move(t));
  }
  return e;
}

LayerProgram read_layer(Reader& r) {
  LayerProgram l;
  r.expect("layer");
  l.name = r.string();
  r.expect("width");
  l.width = static_cast<int>(r.integer(1, std::numeric_limits<int>::max()));
  r.expect("sigma_w");
  l.sigma_w = r.number();
  r.expect("sigma_b");
  l.sigma_b = r.number();
  r.expect("activation");
  l.activation = read_bytecode(r);
  r.expect("derivative");
  if (!r.accept("none")) l.derivative = read_bytecode(r);
  r.expect("surrogate");
  if (!r.accept("none")) l.surrogate = read_function(r);
  l.nngp = read_expectation(r, "nngp");
  l.ntk = read_expectation(r, "ntk");
  l.sgntk = read_expectation(r, "sgntk");
  return l;
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

KernelProgram read_program(std::string_view text) {
  Reader r(text);
  KernelProgram p;
  r.expect(header);
  if (r.integer(0, std::numeric_limits<int>::max()) != format_version)
    throw ReadError("line 1: this sgntk reads program format " + std::to_string(format_version) + " only");
  r.expect("network");
  p.network = r.string();
  r.expect("input");
  p.input_dim = static_cast<int>(r.integer(1, std::numeric_limits<int>::max()));
  r.expect("outputs");
  p.outputs = static_cast<int>(r.integer(1, std::numeric_limits<int>::max()));
  r.expect("readout_sigma_w");
  p.readout_sigma_w = r.number();
  r.expect("readout_sigma_b");
  p.readout_sigma_b = r.number();
  r.expect("plugins");
  const std::size_t plugins = r.count();
  for (std::size_t i = 0; i < plugins; ++i) {
    PluginRef ref;
    r.expect("plugin");
    ref.name = r.string();
    r.expect("id");
    ref.id = r.string();
    r.expect("params");
    const std::size_t n = r.count();
    for (std::size_t k = 0; k < n; ++k) {
      std::string name = r.string();
      ref.params.emplace_back(std::move(name), r.number());
    }
    p.plugins.push_back(std::move(ref));
  }
  r.plugins = p.plugins.size();
  r.expect("layers");
  const std::size_t layers = r.count();
  for (std::size_t i = 0; i < layers; ++i) p.hidden.push_back(read_layer(r));
  r.expect("end");
  if (!r.done()) r.fail("unexpected text after 'end'");
  return p;
}

}  // namespace sgntk::program
