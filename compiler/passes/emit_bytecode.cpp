#include "compiler/passes/emit_bytecode.h"

#include <cmath>
#include <set>
#include <stdexcept>
#include <unordered_map>
#include <vector>

#include "compiler/graph/print.h"

namespace sgntk::passes {

namespace {

using graph::Expr;
using graph::Kind;
using program::Instruction;
using program::Op;

// How one node becomes one instruction: the opcode, the children that must sit in registers
// (in operand order a, b, c) and the immediate.
struct Plan {
  Op op;
  std::vector<Expr> operands;
  double value = 0.0;
};

Op unary_op(Kind k) {
  switch (k) {
    case Kind::Exp: return Op::exp;
    case Kind::Log: return Op::log;
    case Kind::Abs: return Op::abs;
    case Kind::Sign: return Op::sign;
    case Kind::Heaviside: return Op::heaviside;
    case Kind::Relu: return Op::relu;
    case Kind::Erf: return Op::erf;
    case Kind::Tanh: return Op::tanh;
    case Kind::Sigmoid: return Op::sigmoid;
    case Kind::Sin: return Op::sin;
    case Kind::Cos: return Op::cos;
    case Kind::Atan: return Op::atan;
    default: throw std::logic_error("emit_bytecode: not a unary kind");
  }
}

Plan plan(Expr e) {
  const auto& k = e->kids;
  switch (e->kind) {
    case Kind::Const: return {Op::load_const, {}, e->value};
    case Kind::Var: return {Op::load_x, {}};
    case Kind::Add:
    case Kind::Mul: {  // a constant side becomes an immediate
      const Op with_const = e->is(Kind::Add) ? Op::add_const : Op::mul_const;
      if (k[0]->is_const()) return {with_const, {k[1]}, k[0]->value};
      if (k[1]->is_const()) return {with_const, {k[0]}, k[1]->value};
      return {e->is(Kind::Add) ? Op::add : Op::mul, {k[0], k[1]}};
    }
    case Kind::Pow: {
      if (!k[1]->is_const()) return {Op::pow, {k[0], k[1]}};
      const double p = k[1]->value;
      if (p == std::floor(p) && std::fabs(p) <= 64) return {Op::pow_int, {k[0]}, p};
      if (p == 0.5) return {Op::sqrt, {k[0]}};
      return {Op::pow_const, {k[0]}, p};
    }
    case Kind::Min: return {Op::min, {k[0], k[1]}};
    case Kind::Max: return {Op::max, {k[0], k[1]}};
    case Kind::Select: return {Op::select, {k[0], k[1], k[2]}};
    case Kind::Delta: throw std::invalid_argument("emit_bytecode: delta has no point values");
    default: return {unary_op(e->kind), {k[0]}};
  }
}

class Emitter {
 public:
  explicit Emitter(Expr root) { count_uses(root); }

  int emit(Expr e) {
    if (auto it = reg_.find(e); it != reg_.end()) return it->second;
    const Plan p = plan(e);
    std::vector<int> in;
    for (Expr o : p.operands) in.push_back(emit(o));
    // Operands die before the result is allocated, so dst may reuse an operand's register:
    // every op is elementwise, reading a[i] before writing d[i].
    for (Expr o : p.operands)
      if (--uses_[o] == 0) free_.insert(reg_.at(o));
    const int dst = allocate();
    reg_[e] = dst;
    Instruction ins{p.op, u16(dst), 0, 0, 0, p.value};
    if (in.size() > 0) ins.a = u16(in[0]);
    if (in.size() > 1) ins.b = u16(in[1]);
    if (in.size() > 2) ins.c = u16(in[2]);
    code_.push_back(ins);
    return dst;
  }

  std::vector<Instruction> take_code() { return std::move(code_); }
  int registers() const { return registers_; }

 private:
  // Number of instructions that read each node's register.
  void count_uses(Expr e) {
    if (!seen_.insert(e).second) return;
    for (Expr o : plan(e).operands) {
      ++uses_[o];
      count_uses(o);
    }
  }

  int allocate() {
    if (!free_.empty()) {  // the lowest free register: a deterministic allocation
      const int r = *free_.begin();
      free_.erase(free_.begin());
      return r;
    }
    if (registers_ == 65535) throw std::invalid_argument("emit_bytecode: expression needs too many registers");
    return registers_++;
  }

  static std::uint16_t u16(int r) { return static_cast<std::uint16_t>(r); }

  std::set<Expr> seen_;
  std::unordered_map<Expr, int> uses_, reg_;
  std::set<int> free_;
  int registers_ = 0;
  std::vector<Instruction> code_;
};

}  // namespace

program::Bytecode emit_bytecode(Expr e) {
  if (e->has_delta) throw std::invalid_argument("emit_bytecode: " + graph::to_spec(e) + " contains a delta");
  Emitter emitter(e);
  const int result = emitter.emit(e);
  return program::Bytecode{emitter.take_code(), emitter.registers(), result, graph::to_spec(e)};
}

}  // namespace sgntk::passes
