#include "compiler/passes/match_gaussian_rules.h"

namespace sgntk::passes {
namespace {

using program::ClosedFormId;
using program::ClosedFormTerm;
using program::Term;

void closed(std::vector<Term>& out, double coef, ClosedFormId id, std::array<double, 4> p, bool swap) {
  // Built in place: moving a temporary Term trips GCC 12's -Wmaybe-uninitialized on the variant.
  Term& t = out.emplace_back();
  t.coef = coef;
  t.what = ClosedFormTerm{id, p, swap};
}

bool centred(const Atom& a) { return a.shift == 0; }
bool f_centred(const Atom& f, const Atom&) { return centred(f); }
bool opposite_parity(const Atom& f, const Atom& g) { return parity(f) * parity(g) == -1; }
bool g_linear(const Atom&, const Atom& g) { return g.p == 1; }
bool relu_degree_1(const Atom& f, const Atom& g) { return f.p == 1 && (g.family != Family::relu || g.p == 1); }
bool relu_degree_1_g_linear_or_constant(const Atom& f, const Atom& g) { return f.p == 1 && g.p <= 1; }
bool relu_degree_2(const Atom& f, const Atom& g) { return f.p == 2 && g.p == 2; }

const PairRule rules[] = {
    // Odd times even integrates to zero under a centred Gaussian (any families).
    {"parity", Family::generic, Family::generic, opposite_parity,
     [](const Atom&, const Atom&, double, bool, std::vector<Term>&) {}},
    {"constant", Family::one, Family::one, nullptr,
     [](const Atom&, const Atom&, double c, bool, std::vector<Term>& out) {
       closed(out, c, ClosedFormId::moment, {0, 0}, false);
     }},
    {"erf-erf (Williams; sign at eps = 0)", Family::erf, Family::erf, nullptr,
     [](const Atom& f, const Atom& g, double c, bool s, std::vector<Term>& out) {
       closed(out, c, ClosedFormId::erf_erf, {f.eps, g.eps, f.shift, g.shift}, s);
     }},
    {"bump-bump (delta-delta at eps = 0; the bivariate density)", Family::bump, Family::bump, nullptr,
     [](const Atom& f, const Atom& g, double c, bool s, std::vector<Term>& out) {
       closed(out, c, ClosedFormId::bump_bump, {f.eps, g.eps, f.shift, g.shift}, s);
     }},
    {"arc-cosine degree 1", Family::relu, Family::relu, relu_degree_1,
     [](const Atom&, const Atom&, double c, bool s, std::vector<Term>& out) {
       closed(out, c, ClosedFormId::relu_relu, {}, s);
     }},
    {"arc-cosine degree 2", Family::relu, Family::relu, relu_degree_2,
     [](const Atom&, const Atom&, double c, bool s, std::vector<Term>& out) {
       closed(out, c, ClosedFormId::relu2_relu2, {}, s);
     }},
    {"relu-moment (Stein)", Family::relu, Family::moment, relu_degree_1_g_linear_or_constant,
     [](const Atom&, const Atom& g, double c, bool s, std::vector<Term>& out) {
       closed(out, c, ClosedFormId::relu_moment, {double(g.p)}, s);
     }},
    {"relu-constant", Family::relu, Family::one, relu_degree_1,
     [](const Atom&, const Atom&, double c, bool s, std::vector<Term>& out) {
       closed(out, c, ClosedFormId::relu_moment, {0}, s);
     }},
    {"Isserlis", Family::moment, Family::moment, nullptr,
     [](const Atom& f, const Atom& g, double c, bool s, std::vector<Term>& out) {
       closed(out, c, ClosedFormId::moment, {double(f.p), double(g.p)}, s);
     }},
    {"moment-constant", Family::moment, Family::one, nullptr,
     [](const Atom& f, const Atom&, double c, bool s, std::vector<Term>& out) {
       closed(out, c, ClosedFormId::moment, {double(f.p), 0}, s);
     }},
    {"bump-moment (conditional Gaussian)", Family::bump, Family::moment, f_centred,
     [](const Atom& f, const Atom& g, double c, bool s, std::vector<Term>& out) {
       closed(out, c, ClosedFormId::bump_moment, {f.eps, double(g.p)}, s);
     }},
    {"bump-constant", Family::bump, Family::one, f_centred,
     [](const Atom& f, const Atom&, double c, bool s, std::vector<Term>& out) {
       closed(out, c, ClosedFormId::bump_moment, {f.eps, 0}, s);
     }},
    {"erf-linear (Stein)", Family::erf, Family::moment, g_linear,
     [](const Atom& f, const Atom&, double c, bool s, std::vector<Term>& out) {
       closed(out, c, ClosedFormId::erf_moment, {f.eps, 1, f.shift}, s);
     }},
    {"erf-constant (shifted; centred ones vanish by parity)", Family::erf, Family::one, nullptr,
     [](const Atom& f, const Atom&, double c, bool s, std::vector<Term>& out) {
       closed(out, c, ClosedFormId::erf_moment, {f.eps, 0, f.shift}, s);
     }},
    {"cos-cos", Family::cos, Family::cos, nullptr,
     [](const Atom& f, const Atom& g, double c, bool s, std::vector<Term>& out) {
       closed(out, c, ClosedFormId::cos_cos, {f.k, g.k}, s);
     }},
    {"cos-constant", Family::cos, Family::one, nullptr,
     [](const Atom& f, const Atom&, double c, bool s, std::vector<Term>& out) {
       closed(out, c, ClosedFormId::cos_cos, {f.k, 0}, s);
     }},
    {"sin-sin", Family::sin, Family::sin, nullptr,
     [](const Atom& f, const Atom& g, double c, bool s, std::vector<Term>& out) {
       closed(out, c, ClosedFormId::sin_sin, {f.k, g.k}, s);
     }},
};

}  // namespace

std::span<const PairRule> pair_rules() { return rules; }

}  // namespace sgntk::passes
