// How fast an expression in x grows in the tails, against the Gaussian weight exp(-x^2/(2 var)):
// the rate r with |f(x)| = exp(r x^2 + o(x^2)) as |x| -> inf (the larger of the two tails).
// Polynomials, bounded functions and exp of affine arguments have rate 0; exp(p(x)) of a
// polynomial of degree 2 has the rate of its leading coefficient, of a higher degree +inf (or
// -inf for an even degree with negative leading coefficient); exp(exp(x)) has +inf; products add
// rates, sums and branches take the largest, f^p multiplies by p. What it cannot read counts as
// 0; a reported rate can be larger than the true one only through parts that vanish in the
// tails (a branch not taken there, relu of a negative part).
#pragma once
#include "compiler/graph/expr.h"

namespace sgntk::passes {

double tail_growth(graph::Expr e);

}  // namespace sgntk::passes
