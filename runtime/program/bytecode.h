// Compiled expressions in x as data: a register program over arrays. The compiler emits it
// (compiler/passes/emit_bytecode.h); the runtime's register machine (runtime/bytecode.h)
// executes it. Each instruction reads registers a, b, c and an immediate `value`.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sgntk::program {

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
inline constexpr int op_count = static_cast<int>(Op::select) + 1;

struct Instruction {
  Op op;
  std::uint16_t dst = 0, a = 0, b = 0, c = 0;
  double value = 0.0;
  bool operator==(const Instruction&) const = default;
};

// `code` leaves its result in register `result`; `registers` bounds every register index.
// `text` is the expression in spec syntax, for dumps and messages.
struct Bytecode {
  std::vector<Instruction> code;
  int registers = 0;
  int result = 0;
  std::string text;
  bool operator==(const Bytecode&) const = default;
};

std::string_view op_name(Op op);       // "mul_const"
bool op_from_name(std::string_view name, Op& op);

// Why `b` cannot run ("" when it can): an empty program, a register out of range, a pow_int
// exponent that is not an integer in [-64, 64].
std::string bytecode_problem(const Bytecode& b);

}  // namespace sgntk::program
