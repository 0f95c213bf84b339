// A small register machine over arrays: the compiled form of an expression in x that the
// runtime evaluates (quadrature integrands, finite-width activations). Each instruction runs one
// tight loop over a block of up to 256 values, so dispatch costs one switch per block, not per
// value. Runs the program::Bytecode that compiler/passes/emit_bytecode.h emits.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "runtime/array_function.h"
#include "runtime/program/bytecode.h"

namespace sgntk::runtime {

using program::Instruction;
using program::Op;
using program::op_name;

class Bytecode final : public ArrayFunction {
 public:
  static constexpr std::size_t block = 256;

  // Throws std::invalid_argument when the program cannot run (program::bytecode_problem).
  explicit Bytecode(program::Bytecode code);

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

}  // namespace sgntk::runtime
