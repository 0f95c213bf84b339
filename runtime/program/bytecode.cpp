#include "runtime/program/bytecode.h"

#include <cmath>

namespace sgntk::program {
namespace {

constexpr std::string_view op_names[op_count] = {
    "load_const", "load_x", "add", "mul", "pow", "add_const", "mul_const", "pow_int", "sqrt", "pow_const",
    "exp", "log", "abs", "sign", "heaviside", "relu", "erf", "tanh", "sigmoid", "sin", "cos", "atan",
    "min", "max", "select"};

}  // namespace

std::string_view op_name(Op op) { return op_names[static_cast<int>(op)]; }

bool op_from_name(std::string_view name, Op& op) {
  for (int i = 0; i < op_count; ++i)
    if (op_names[i] == name) {
      op = static_cast<Op>(i);
      return true;
    }
  return false;
}

std::string bytecode_problem(const Bytecode& b) {
  if (b.code.empty()) return "empty program for " + b.text;
  auto bad = [&](int r) { return r < 0 || r >= b.registers; };
  if (bad(b.result)) return "register out of range in " + b.text;
  for (const Instruction& ins : b.code) {
    if (bad(ins.dst) || bad(ins.a) || bad(ins.b) || bad(ins.c)) return "register out of range in " + b.text;
    if (ins.op == Op::pow_int && !(std::fabs(ins.value) <= 64 && ins.value == std::floor(ins.value)))
      return "pow_int exponent must be an integer in [-64, 64]";
  }
  return "";
}

}  // namespace sgntk::program
