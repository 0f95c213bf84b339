"""Kernels with kinks, jumps, compact supports and shifted steep steps against an independent
high-precision route (issue 9: 1e-10 relative): triangle and boxcar surrogates on smooth
activations (the engine's Mehler series with Gauss-Legendre coefficients split at the break
points), relu^2 (the arc-cosine kernels of degrees 1 and 2), and shifted steps and steep erfs
(the bivariate normal orthant by Drezner-Wesolowsky-Genz).

The reference shares nothing with the engine. Each expectation E[f(u) g(v)] is the 1-D integral
E_z[f(sqrt(a) z) E[g(V) | z]], V | z ~ N(c z / sqrt(a), b - c^2 / a), with the inner average in
closed form (relu, steps and erfs of Gaussians: Phi and phi) and the outer integral by mpmath's
tanh-sinh at 30 digits, split where either factor has a kink, a jump or a steep transition; a
point with itself is E[f(u) g(u)], split the same way. Smooth pairs (tanh x tanh in the NNGP
part of the SG-NTK) take the 2-D extended-precision rule of test_numeric_series_accuracy.
Points of different norms, near the diagonal (x' = x + 1e-8 u) and on it, as there.
"""
import zlib

import mpmath as mp
import numpy as np
import pytest

import sgntk
from test_numeric_series_accuracy import DIM, expect2, pairs

mp.mp.dps = 30
TOL = 1e-10
SW, SB = 1.4, 0.2


def phi(z):
    return mp.npdf(z)


def Phi(z):
    return mp.ncdf(z)


def relu_average(t, m, s):
    """E[relu(V - t)], V ~ N(m, s^2)."""
    if s == 0:
        return max(m - t, 0)
    d = (m - t) / s
    return (m - t) * Phi(d) + s * phi(d)


def step_average(t, m, s):
    """E[H(V - t)]."""
    return (1 if m > t else 0) if s == 0 else Phi((m - t) / s)


class Side:
    """f(x) in mpmath, its break points (kinks, jumps, steep centres) with their widths, and
    E[f(V)] for V ~ N(m, s^2) in closed form where there is one."""

    def __init__(self, f, breaks=(), average=None, width=0):
        self.f, self.breaks, self.average, self.width = f, tuple(breaks), average, width


def tri(x):
    return max(0, 1 - abs(x))


TRIANGLE = Side(tri, (-1, 0, 1),
                lambda m, s: relu_average(-1, m, s) - 2 * relu_average(0, m, s) + relu_average(1, m, s))
BOXCAR = Side(lambda x: 1 if abs(x) < 0.5 else 0, (-0.5, 0.5),
              lambda m, s: step_average(-0.5, m, s) - step_average(0.5, m, s))
RELU2 = Side(lambda x: max(x, 0) ** 2, (0,),  # E[relu(V)^2] = (m^2 + s^2) Phi(m/s) + m s phi(m/s)
             lambda m, s: (m * m + s * s) * Phi(m / s) + m * s * phi(m / s) if s else max(m, 0) ** 2)
TWO_RELU = Side(lambda x: 2 * max(x, 0), (0,), lambda m, s: 2 * relu_average(0, m, s))


def erf_side(k, theta):
    """erf(k (x - theta)); E[erf(k (V - theta))] = erf(k (m - theta) / sqrt(1 + 2 k^2 s^2))."""
    return Side(lambda x: mp.erf(k * (x - theta)), (theta,),
                lambda m, s: mp.erf(k * (m - theta) / mp.sqrt(1 + 2 * k * k * s * s)), width=1 / k)


STEP = Side(lambda x: 1 if x > 0.3 else 0, (0.3,), lambda m, s: step_average(0.3, m, s))
SIGN = Side(lambda x: mp.sign(2 * x + 1), (-0.5,), lambda m, s: 2 * step_average(-0.5, m, s) - 1)
SECH2 = Side(lambda x: mp.sech(x) ** 2)
SILU_SLOPE = Side(lambda x: (1 + mp.exp(-x)) ** -1 * (1 + x * (1 - (1 + mp.exp(-x)) ** -1)))
TANH = Side(mp.tanh)
SILU = Side(lambda x: x / (1 + mp.exp(-x)))


def split_points(side, scale):
    """Break points of side.f(scale z) in z, widened by its steep transitions."""
    pts = []
    for x in side.breaks:
        z = mp.mpf(x) / scale
        pts.append(z)
        if side.width:
            for w in (1, 10, 100):
                pts += [z - w * side.width / scale, z + w * side.width / scale]
    return pts


def integrate(fn, pts):
    pts = sorted(set(p for p in pts if mp.isfinite(p)))
    return mp.quad(fn, [-mp.inf] + pts + [mp.inf])


def expect(f, g, a, b, c):
    """E[f(u) g(v)], (u, v) ~ N(0, [[a, c], [c, b]]), to about 25 digits."""
    a, b, c = mp.mpf(a), mp.mpf(b), mp.mpf(c)
    ra = mp.sqrt(a)
    gap = a * b - c * c
    if gap <= 0:  # u = v (up to sign): E[f(u) g(sign(c) sqrt(b/a) u)]
        r = mp.sign(c) * mp.sqrt(b / a)
        pts = split_points(f, ra) + split_points(g, ra * r) if r else split_points(f, ra)
        return integrate(lambda z: phi(z) * f.f(ra * z) * g.f(ra * r * z), pts)
    if g.average is None:  # integrate over v outside instead
        if f.average is None:
            raise ValueError("no closed inner average: use smooth_expect")
        return expect(g, f, b, a, c)
    s = mp.sqrt(gap / a)
    slope = c / ra  # m(z) = slope z
    pts = split_points(f, ra)
    if slope != 0:
        pts += [mp.mpf(x) / slope for x in g.breaks]
        pts += [(mp.mpf(x) + w * s) / slope for x in g.breaks for w in (-10, -1, 1, 10)]
    return integrate(lambda z: phi(z) * f.f(ra * z) * g.average(slope * z, s), pts)


def smooth_expect(f, g, a, b, c):
    """The 2-D extended-precision rule for a smooth pair (np functions)."""
    return mp.mpf(float(expect2(f, g, a, b, c)))


class Case:
    def __init__(self, spec, kind, act, dact, dsur=None, smooth_nngp=None):
        self.spec, self.kind, self.act, self.dact, self.dsur = spec, kind, act, dact, dsur or dact
        self.smooth_nngp = smooth_nngp

    def nngp(self, a, b, c):
        if self.smooth_nngp:
            return smooth_expect(self.smooth_nngp, self.smooth_nngp, a, b, c)
        return expect(self.act, self.act, a, b, c)


SURROGATES = ("surrogate triangle(x) = max(0, 1 - abs(x))\n"
              "surrogate boxcar(x) = if(abs(x) < 0.5, 1, 0)\n")
CASES = {
    "tanh, triangle surrogate": Case("tanh(x), surrogate = triangle", "sgntk", TANH, SECH2, TRIANGLE, np.tanh),
    "tanh, boxcar surrogate": Case("tanh(x), surrogate = boxcar", "sgntk", TANH, SECH2, BOXCAR, np.tanh),
    "SiLU, triangle surrogate": Case("x/(1 + exp(-x)), surrogate = triangle", "sgntk", SILU, SILU_SLOPE, TRIANGLE,
                                     lambda x: x / (1 + np.exp(-x))),
    "relu^2 NNGP": Case("relu(x)^2", "nngp", RELU2, None),
    "relu^2 NTK": Case("relu(x)^2", "ntk", RELU2, TWO_RELU),
    "heaviside(x - 0.3) NNGP": Case("heaviside(x - 0.3)", "nngp", STEP, None),
    "sign(2x + 1) NNGP": Case("sign(2*x + 1)", "nngp", SIGN, None),
    "erf(1000 (x - 0.2)) NNGP": Case("erf(1000*(x - 0.2))", "nngp", erf_side(1000, 0.2), None),
    "erf(1e5 (x - 0.2)) NNGP": Case("erf(100000*(x - 0.2))", "nngp", erf_side(100000, 0.2), None),
}


def reference(case, layers, x, y):
    """K(x, y) by the recursion of the paper's section 2 (as in test_numeric_series_accuracy)."""
    w2, b2 = mp.mpf(SW) ** 2, mp.mpf(SB) ** 2
    inner = lambda p, q: w2 * mp.fsum(mp.mpf(float(s)) * mp.mpf(float(t)) for s, t in zip(p, q)) / len(p) + b2
    a, b, c = inner(x, x), inner(y, y), inner(x, y)
    theta = c
    for _ in range(layers):
        d = 0
        if case.kind != "nngp":
            d = expect(case.dact, case.dsur, a, b, c)
        e = case.nngp(a, b, c)
        a, b = w2 * case.nngp(a, a, a) + b2, w2 * case.nngp(b, b, b) + b2
        c = w2 * e + b2
        theta = theta * w2 * d + c
    return c if case.kind == "nngp" else theta


def network(case, layers):
    dense = f"  dense(width = 512, sigma_w = {SW}, sigma_b = {SB}, act = {case.spec})\n"
    return sgntk.loads(f"{SURROGATES}network net(input = {DIM}) {{\n{dense * layers}"
                       f"  readout(outputs = 1, sigma_w = {SW}, sigma_b = {SB})\n}}\n")


LAYERS = 2
ENTRIES = [(name, cat) for name in CASES for cat in ("different norms", "diagonal", "near diagonal")]


@pytest.mark.parametrize("name,category", ENTRIES, ids=[f"{n}: {c}" for n, c in ENTRIES])
def test_piecewise_kernel_matches_high_precision_reference(name, category):
    case = CASES[name]
    rng = np.random.default_rng(zlib.crc32(f"{name} {category}".encode()))  # the same points every run
    x1, x2, same = pairs(category, rng)
    net = network(case, LAYERS)
    program = net.dump("program")
    assert "conditional, outer adaptive" not in program  # the fast paths under test, not the per-entry quadrature
    k = net.kernel(x1, None if same else x2, kind=case.kind)
    for i in range(len(x1)):
        want = reference(case, LAYERS, x1[i], x2[i])
        err = abs((mp.mpf(float(k[i, i])) - want) / want)
        assert err < TOL, f"entry {i}: {k[i, i]!r} vs {mp.nstr(want, 17)} (relative error {float(err):.2e})"
