// read_program (text_format.h): works on tokens (words, numbers, quoted strings), so line
// breaks and indentation are only for people, and names the line of the first token it
// cannot use.
#include <charconv>
#include <cstdint>
#include <limits>
#include <span>

#include "runtime/program/text_format.h"
#include "runtime/program/text_names.h"

namespace sgntk::program {
namespace {

using namespace text;

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
  // The value after its keyword: "width 500" -> 500.
  double number(std::string_view key) {
    expect(key);
    return number();
  }
  long long integer(std::string_view key, long long lo, long long hi) {
    expect(key);
    return integer(lo, hi);
  }
  bool flag(std::string_view key) {
    expect(key);
    return flag();
  }
  std::size_t count(std::string_view key) {
    expect(key);
    return count();
  }
  std::string string(std::string_view key) {
    expect(key);
    return string();
  }
  int positive(std::string_view key) { return static_cast<int>(integer(key, 1, std::numeric_limits<int>::max())); }
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
  b.text = r.string("bytecode");
  b.registers = static_cast<int>(r.integer("registers", 1, 65535));
  b.result = static_cast<int>(r.integer("result", 0, 65535));
  const std::size_t n = r.count("code");
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
  s.smooth = r.flag("smooth");
  s.parity = static_cast<int>(r.integer("parity", -1, 1));
  s.support_lo = r.number("support");
  s.support_hi = r.number();
  const std::size_t n = r.count("breakpoints");
  for (std::size_t i = 0; i < n; ++i) s.breakpoints.push_back(r.number());
  if (r.accept("transitions")) {
    const std::size_t m = r.count();
    for (std::size_t i = 0; i < m; ++i) {
      const double center = r.number(), width = r.number();
      s.transitions.push_back({center, width});
    }
  }
  if (r.accept("period")) s.period = r.number();
  return s;
}

Integrand read_integrand(Reader& r, const char* side) {
  r.expect(side);
  if (r.accept("plugin")) {
    PluginIntegrand p;
    p.plugin = r.plugin_index();
    p.use_average_hook = r.flag("average_hook");
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
  e.infinite_on_diagonal = r.flag("infinite_on_diagonal");
  if (r.accept("growth")) {
    e.growth.f = r.number();
    e.growth.g = r.number();
  }
  if (r.accept("unavailable")) e.unavailable = r.string();
  const std::size_t n = r.count("terms");
  for (std::size_t i = 0; i < n; ++i) {
    Term t;
    t.coef = r.number("term");
    if (r.accept("closed")) {
      ClosedFormTerm c;
      c.id = static_cast<ClosedFormId>(r.choice(closed_form_names, "closed form"));
      for (double& p : c.p) p = r.number();
      c.swap = r.flag("swap");
      t.what = c;
    } else if (r.accept("bump_conditional")) {
      BumpConditionalTerm b;
      b.eps = r.number("eps");
      b.shift = r.number("shift");
      b.bump_on_v = r.flag("bump_on_v");
      b.tolerance = r.number("tolerance");
      b.g = read_integrand(r, "g");
      t.what = b;
    } else if (r.accept("quadrature")) {
      QuadratureTerm q;
      q.method = static_cast<QuadratureTerm::Method>(r.choice(method_names, "quadrature method"));
      q.order = static_cast<int>(r.integer("order", 1, 1024));
      q.tolerance = r.number("tolerance");
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
  l.name = r.string("layer");
  l.width = r.positive("width");
  l.sigma_w = r.number("sigma_w");
  l.sigma_b = r.number("sigma_b");
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

KernelProgram read_program(std::string_view text) {
  Reader r(text);
  KernelProgram p;
  r.expect(header);
  if (r.integer(0, std::numeric_limits<int>::max()) != format_version)
    throw ReadError("line 1: this sgntk reads program format " + std::to_string(format_version) + " only");
  p.network = r.string("network");
  p.input_dim = r.positive("input");
  p.outputs = r.positive("outputs");
  p.readout_sigma_w = r.number("readout_sigma_w");
  p.readout_sigma_b = r.number("readout_sigma_b");
  const std::size_t plugins = r.count("plugins");
  for (std::size_t i = 0; i < plugins; ++i) {
    PluginRef ref;
    ref.name = r.string("plugin");
    ref.id = r.string("id");
    const std::size_t n = r.count("params");
    for (std::size_t k = 0; k < n; ++k) {
      std::string name = r.string();
      ref.params.emplace_back(std::move(name), r.number());
    }
    p.plugins.push_back(std::move(ref));
  }
  r.plugins = p.plugins.size();
  const std::size_t layers = r.count("layers");
  for (std::size_t i = 0; i < layers; ++i) p.hidden.push_back(read_layer(r));
  r.expect("end");
  if (!r.done()) r.fail("unexpected text after 'end'");
  return p;
}


}  // namespace sgntk::program
