#include "runtime/bytecode.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>

namespace sgntk::runtime {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// The scalar semantics, identical to graph::evaluate (compiler/graph/evaluate.cpp).
inline double sign(double v) { return v > 0 ? 1.0 : v < 0 ? -1.0 : v == 0 ? 0.0 : nan; }
inline double heaviside(double v) { return v > 0 ? 1.0 : v < 0 ? 0.0 : v == 0 ? 0.5 : nan; }
inline double relu(double v) { return std::isnan(v) ? nan : v > 0 ? v : 0.0; }
inline double sigmoid(double v) {
  if (v >= 0) return 1.0 / (1.0 + std::exp(-v));
  const double e = std::exp(v);  // v < 0: no overflow, and e/(1+e) keeps the tail's relative accuracy
  return e / (1.0 + e);
}
inline double min(double a, double b) { return std::isnan(a) || std::isnan(b) ? nan : a < b ? a : b; }
inline double max(double a, double b) { return std::isnan(a) || std::isnan(b) ? nan : a > b ? a : b; }
inline double pow_int(double x, int n) {
  double r = 1.0, p = x;
  for (unsigned k = static_cast<unsigned>(n < 0 ? -n : n); k; k >>= 1, p *= p)
    if (k & 1) r *= p;
  return n < 0 ? 1.0 / r : r;
}

template <class F>
inline void unary(double* d, const double* a, std::size_t n, F f) {
  for (std::size_t i = 0; i < n; ++i) d[i] = f(a[i]);
}
template <class F>
inline void binary(double* d, const double* a, const double* b, std::size_t n, F f) {
  for (std::size_t i = 0; i < n; ++i) d[i] = f(a[i], b[i]);
}

}  // namespace

Bytecode::Bytecode(program::Bytecode code) {
  if (const std::string problem = program::bytecode_problem(code); !problem.empty())
    throw std::invalid_argument("Bytecode: " + problem);
  code_ = std::move(code.code);
  registers_ = code.registers;
  result_ = code.result;
  text_ = std::move(code.text);
}

void Bytecode::eval(const double* x, double* out, std::size_t n) const {
  // One register file per thread, shared by all programs (eval never re-enters itself).
  thread_local std::vector<double> file;
  const std::size_t need = static_cast<std::size_t>(registers_) * block;
  if (file.size() < need) file.resize(need);
  for (std::size_t first = 0; first < n; first += block)
    run_block(x + first, out + first, std::min(block, n - first), file.data());
}

void Bytecode::run_block(const double* x, double* out, std::size_t n, double* regs) const {
  auto r = [&](std::uint16_t k) { return regs + static_cast<std::size_t>(k) * block; };
  for (const Instruction& ins : code_) {
    double* d = r(ins.dst);
    const double* a = r(ins.a);
    const double* b = r(ins.b);
    const double v = ins.value;
    switch (ins.op) {
      case Op::load_const: std::fill(d, d + n, v); break;
      case Op::load_x: std::memcpy(d, x, n * sizeof(double)); break;
      case Op::add: binary(d, a, b, n, [](double p, double q) { return p + q; }); break;
      case Op::mul: binary(d, a, b, n, [](double p, double q) { return p * q; }); break;
      case Op::pow: binary(d, a, b, n, [](double p, double q) { return std::pow(p, q); }); break;
      case Op::add_const: unary(d, a, n, [v](double p) { return p + v; }); break;
      case Op::mul_const: unary(d, a, n, [v](double p) { return p * v; }); break;
      case Op::pow_int: {
        const int k = static_cast<int>(v);
        if (k == 2)
          unary(d, a, n, [](double p) { return p * p; });
        else
          unary(d, a, n, [k](double p) { return pow_int(p, k); });
        break;
      }
      case Op::sqrt: unary(d, a, n, [](double p) { return std::sqrt(p); }); break;
      case Op::pow_const: unary(d, a, n, [v](double p) { return std::pow(p, v); }); break;
      case Op::exp: unary(d, a, n, [](double p) { return std::exp(p); }); break;
      case Op::log: unary(d, a, n, [](double p) { return std::log(p); }); break;
      case Op::abs: unary(d, a, n, [](double p) { return std::fabs(p); }); break;
      case Op::sign: unary(d, a, n, sign); break;
      case Op::heaviside: unary(d, a, n, heaviside); break;
      case Op::relu: unary(d, a, n, relu); break;
      case Op::erf: unary(d, a, n, [](double p) { return std::erf(p); }); break;
      case Op::tanh: unary(d, a, n, [](double p) { return std::tanh(p); }); break;
      case Op::sigmoid: unary(d, a, n, sigmoid); break;
      case Op::sin: unary(d, a, n, [](double p) { return std::sin(p); }); break;
      case Op::cos: unary(d, a, n, [](double p) { return std::cos(p); }); break;
      case Op::atan: unary(d, a, n, [](double p) { return std::atan(p); }); break;
      case Op::min: binary(d, a, b, n, min); break;
      case Op::max: binary(d, a, b, n, max); break;
      case Op::select: {
        const double* c = r(ins.c);
        for (std::size_t i = 0; i < n; ++i) d[i] = std::isnan(a[i]) ? nan : a[i] > 0 ? b[i] : c[i];
        break;
      }
    }
  }
  std::memcpy(out, r(static_cast<std::uint16_t>(result_)), n * sizeof(double));
}

std::string Bytecode::disassemble() const {
  std::string s;
  for (const Instruction& ins : code_) {
    s += fmt::format("r{} = {}", ins.dst, op_name(ins.op));
    switch (ins.op) {
      case Op::load_const: s += fmt::format(" {}", ins.value); break;
      case Op::load_x: break;
      case Op::add: case Op::mul: case Op::pow: case Op::min: case Op::max:
        s += fmt::format(" r{}, r{}", ins.a, ins.b);
        break;
      case Op::add_const: case Op::mul_const: case Op::pow_int: case Op::pow_const:
        s += fmt::format(" r{}, {}", ins.a, ins.value);
        break;
      case Op::select: s += fmt::format(" r{}, r{}, r{}", ins.a, ins.b, ins.c); break;
      default: s += fmt::format(" r{}", ins.a); break;
    }
    s += '\n';
  }
  return s + fmt::format("return r{}\n", result_);
}

}  // namespace sgntk::runtime
