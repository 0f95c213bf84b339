#include "runtime/bytecode.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>

#include "runtime/vector_math.h"

namespace sgntk::runtime {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// The scalar semantics, identical to graph::evaluate (compiler/graph/evaluate.cpp).
inline double sign(double v) { return v > 0 ? 1.0 : v < 0 ? -1.0 : v == 0 ? 0.0 : nan; }
inline double heaviside(double v) { return v > 0 ? 1.0 : v < 0 ? 0.0 : v == 0 ? 0.5 : nan; }
inline double relu(double v) { return std::isnan(v) ? nan : v > 0 ? v : 0.0; }
// sigmoid(v) from e = exp(-|v|): 1/(1+e) for v >= 0, e/(1+e) for v < 0 (no overflow, and the
// tail keeps its relative accuracy).
inline double sigmoid_from(double v, double e) { return v >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e); }
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
  // One register file per thread, shared by all programs (eval never re-enters itself), with one
  // scratch block after the registers.
  thread_local std::vector<double> file;
  const std::size_t need = static_cast<std::size_t>(registers_ + 1) * block;
  if (file.size() < need) file.resize(need);
  for (std::size_t first = 0; first < n; first += block)
    run_block(x + first, out + first, std::min(block, n - first), file.data());
}

// The special functions run over whole vectors (vector_math, SLEEF): the registers hold block
// values, a multiple of the lanes, so the lanes past n only compute on stale values of the same
// register and are never read. The plain loops are compiled for every unit (SGNTK_VECTOR_CLONES).
SGNTK_VECTOR_CLONES
void Bytecode::run_block(const double* x, double* out, std::size_t n, double* regs) const {
  auto r = [&](std::uint16_t k) { return regs + static_cast<std::size_t>(k) * block; };
  double* scratch = r(static_cast<std::uint16_t>(registers_));
  const std::size_t vn = vector_math::padded(n);
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
      case Op::pow: vector_math::pow(a, b, d, vn); break;
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
      case Op::pow_const:
        std::fill(scratch, scratch + vn, v);
        vector_math::pow(a, scratch, d, vn);
        break;
      case Op::exp: vector_math::exp(a, d, vn); break;
      case Op::log: vector_math::log(a, d, vn); break;
      case Op::abs: unary(d, a, n, [](double p) { return std::fabs(p); }); break;
      case Op::sign: unary(d, a, n, sign); break;
      case Op::heaviside: unary(d, a, n, heaviside); break;
      case Op::relu: unary(d, a, n, relu); break;
      case Op::erf: vector_math::erf(a, d, vn); break;
      case Op::tanh: vector_math::tanh(a, d, vn); break;
      case Op::sigmoid:
        unary(scratch, a, vn, [](double p) { return -std::fabs(p); });
        vector_math::exp(scratch, scratch, vn);
        binary(d, a, scratch, n, sigmoid_from);
        break;
      case Op::sin: vector_math::sin(a, d, vn); break;
      case Op::cos: vector_math::cos(a, d, vn); break;
      case Op::atan: vector_math::atan(a, d, vn); break;
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
