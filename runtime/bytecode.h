// A small register machine over arrays: the compiled form of an expression in x that the
// runtime evaluates (quadrature integrands, finite-width activations). Each instruction runs one
// tight loop over a block of up to 256 values, so dispatch costs one switch per block, not per
// value. Built by compiler/passes/emit_bytecode.h; plain data otherwise.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "runtime/array_function.h"

namespace sgntk::runtime {

enum class Op : std::uint8_t {
  load_const,  // r[dst] = value
  load_x,      // r[dst] = x
  add,         // r[dst] = r[a] + r[b]
  mul,         // r[dst] = r[a] * r[b]
  pow,         // r[dst] = std::pow(r[a], r[b])
  add_const,   // r[dst] = r[a] + value
  mul_const,   // r[dst] = r[a] * value
  pow_int,     // r[dst] = r[a]^value, value an integer with |value| <= 64 (binary powering)
  sqrt,        // r[dst] = sqrt(r[a])                        (Pow with exponent 0.5)
  pow_const,   // r[dst] = std::pow(r[a], value)
  exp, log, abs,
  sign,        // sign(0) = 0
  heaviside,   // H(0) = 1/2
  relu, erf, tanh,
  sigmoid,     // 1/(1 + exp(-x)), in the form that cannot overflow for either sign
  sin, cos, atan,
  min, max,    // NaN-propagating
  select,      // r[dst] = r[a] > 0 ? r[b] : r[c]   (NaN indicator: NaN)
};

struct Instruction {
  Op op;
  std::uint16_t dst = 0, a = 0, b = 0, c = 0;
  double value = 0.0;
};

class Bytecode final : public ArrayFunction {
 public:
  static constexpr std::size_t block = 256;

  // `code` writes its result to register `result`; `registers` bounds every register index.
  Bytecode(std::vector<Instruction> code, int registers, int result, std::string text);

  void eval(const double* x, double* out, std::size_t n) const override;
  std::string text() const override { return text_; }

  const std::vector<Instruction>& code() const { return code_; }
  int registers() const { return registers_; }
  std::string disassemble() const;  // one instruction per line: "r1 = mul_const r0, 2"

 private:
  void run_block(const double* x, double* out, std::size_t n, double* regs) const;

  std::vector<Instruction> code_;
  int registers_, result_;
  std::string text_;
};

std::string_view op_name(Op op);

}  // namespace sgntk::runtime
