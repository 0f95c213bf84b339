"""Kernels of smooth activations without closed forms (the engine's Mehler series) against an
independent route: a composite Gauss-Legendre rule in both dimensions of the 2-D Gaussian
expectations, in extended precision (numpy longdouble), in the paper's recursion (issue 9:
1e-10 relative).

The reference shares nothing with the engine: it integrates E[f(u) g(v)] as
int N(z1) f(sqrt(a) z1) int N(z2) g(sqrt(b) (rho z1 + sqrt(1 - rho^2) z2)) dz2 dz1 directly (z in
[-10, 10], panels of 12 nodes: the rule's error is about (d/h + sqrt(1 + (d/h)^2))^-24 for a pole
at distance d from the real axis in z and panels of half-width h; tanh's poles at i pi/2 sit
>= 0.36 away at the largest variance here (a ~ 19), the steep surrogate's at i pi/8 only 0.18, so
40 panels (h = 1/4) serve the first and 120 (h = 1/12) the second, both to about 1e-15), where the engine sums rho^k f_k(a) g_k(b) from trapezoidal
Hermite coefficients (or, where its bound says the series is too slow, falls back to its own
conditional quadrature). Pairs of points of different norms, near the diagonal (x' = x + 1e-8 u,
so rho > 0.999 at every layer) and on it.
"""
import zlib

import numpy as np
import pytest

import sgntk

TOL = 1e-10
DIM = 8
L = np.longdouble


def _rule(panels=40, order=12, half_width=10.0):
    x, w = np.polynomial.legendre.leggauss(order)
    edges = np.linspace(-half_width, half_width, panels + 1)
    mid, half = (edges[1:] + edges[:-1]) / 2, (edges[1:] - edges[:-1]) / 2
    z = (mid[:, None] + half[:, None] * x[None, :]).ravel().astype(L)
    weight = (half[:, None] * w[None, :]).ravel().astype(L) * np.exp(-z * z / 2) / np.sqrt(L(2) * L(np.pi))
    return z, weight


Z, W = _rule()


FINE = _rule(panels=120)


def expect2(f, g, a, b, c, rule=(Z, W)):
    """E[f(u) g(v)], (u, v) ~ N(0, [[a, c], [c, b]]), in longdouble."""
    Z, W = rule
    a, b, c = L(a), L(b), L(c)
    if a == 0 or b == 0:
        return np.sum(W * f(np.sqrt(a) * Z)) * np.sum(W * g(np.sqrt(b) * Z))
    rho = max(L(-1), min(L(1), c / np.sqrt(a * b)))
    s = np.sqrt(max(L(0), 1 - rho * rho))
    inner = np.sum(W[None, :] * g(np.sqrt(b) * (rho * Z[:, None] + s * Z[None, :])), axis=1)
    return np.sum(W * f(np.sqrt(a) * Z) * inner)


def _graded_rule(half_width=10.0, order=12, panels=40, levels=30):
    """Gauss-Legendre panels on [-L, L] split at 0, the two panels beside 0 cut geometrically
    towards it (for a side with a kink at 0 and poles close to it)."""
    x, w = np.polynomial.legendre.leggauss(order)
    step = half_width / (panels // 2)
    edges = list(np.linspace(step, half_width, panels // 2))
    edges = sorted({0.0, *[step * 2.0 ** -k for k in range(levels)], *edges})
    edges = np.array(sorted({*[-e for e in edges], *edges}))
    mid, half = (edges[1:] + edges[:-1]) / 2, (edges[1:] - edges[:-1]) / 2
    z = (mid[:, None] + half[:, None] * x[None, :]).ravel().astype(L)
    weight = (half[:, None] * w[None, :]).ravel().astype(L) * np.exp(-z * z / 2) / np.sqrt(L(2) * L(np.pi))
    return z, weight


GRADED = _graded_rule()


def expect_kinked(f, g, a, b, c):
    """E[f(u) g(v)] for g kinked at 0 and f smooth: the outer integral over v on the graded rule,
    the inner over u | v on the smooth one, in longdouble."""
    a, b, c = L(a), L(b), L(c)
    rho = max(L(-1), min(L(1), c / np.sqrt(a * b)))
    s = np.sqrt(max(L(0), 1 - rho * rho))
    zv, wv = GRADED
    inner = np.sum(W[None, :] * f(np.sqrt(a) * (rho * zv[:, None] + s * Z[None, :])), axis=1)
    return np.sum(wv * g(np.sqrt(b) * zv) * inner)


def reference(act, kind, layers, sw, sb, x, y):
    """K(x, y) by the recursion of the paper's section 2, from the exact float64 inputs."""
    w2, b2 = L(sw) ** 2, L(sb) ** 2
    inner = lambda p, q: w2 * np.sum(p.astype(L) * q.astype(L)) / len(p) + b2
    a, b, c = inner(x, x), inner(y, y), inner(x, y)
    theta = c
    for _ in range(layers):
        e = expect2(act.f, act.f, a, b, c)
        d = (act.expect or (lambda f, g, a, b, c: expect2(f, g, a, b, c, FINE if act.steep else (Z, W))))(
            act.df, act.g, a, b, c) if kind != "nngp" else 0
        a, b = w2 * expect2(act.f, act.f, a, a, a) + b2, w2 * expect2(act.f, act.f, b, b, b) + b2
        c = w2 * e + b2
        theta = theta * w2 * d + c
    return c if kind == "nngp" else theta


class Act:
    def __init__(self, spec, f, df, g=None, surrogate="", steep=False, expect=None):
        self.spec, self.f, self.df, self.g = spec, f, df, g or df
        self.surrogate, self.steep = surrogate, steep  # steep: the reference needs the fine rule
        self.expect = expect  # E[df(u) g(v)] when expect2 does not suit g


sigmoid = lambda x: 1 / (1 + np.exp(-x))
sech2 = lambda x: 1 / np.cosh(x) ** 2
ACTS = {
    "tanh": Act("tanh(x)", np.tanh, sech2),
    "silu": Act("x/(1 + exp(-x))", lambda x: x * sigmoid(x), lambda x: sigmoid(x) * (1 + x * (1 - sigmoid(x)))),
    "softplus": Act("log(1 + exp(x))", lambda x: np.logaddexp(L(0), x), sigmoid),
    "sigmoid": Act("1/(1 + exp(-x))", sigmoid, lambda x: sigmoid(x) * (1 - sigmoid(x))),
    # SG-NTK: a smooth activation trained with a smooth surrogate of another shape
    "tanh, sigmoid' surrogate": Act("tanh(x), surrogate = sig_prime", np.tanh, sech2,
                                    g=lambda x: 4 * sigmoid(4 * x) * (1 - sigmoid(4 * x)),
                                    surrogate="surrogate sig_prime(x) = 4 * exp(-4*x) / (1 + exp(-4*x))^2\n",
                                    steep=True),
    # the paper's Gaussian surrogate erf'(x) on a smooth activation: a bump of positive width,
    # which takes the series as a smooth side
    "tanh, erf' surrogate": Act("tanh(x), surrogate = erf_prime", np.tanh, sech2,
                                g=lambda x: 2 / np.sqrt(L(np.pi)) * np.exp(-x * x),
                                surrogate="surrogate erf_prime(x) = 2/sqrt(pi) * exp(-x^2)\n"),
    "silu, narrow Gaussian surrogate": Act("x/(1 + exp(-x)), surrogate = gauss4",
                                           lambda x: x * sigmoid(x), lambda x: sigmoid(x) * (1 + x * (1 - sigmoid(x))),
                                           g=lambda x: np.exp(-8 * (x - L(0.25)) ** 2),
                                           surrogate="surrogate gauss4(x) = exp(-8 * (x - 0.25)^2)\n", steep=True),
    # a surrogate from a plugin (kinked at 0, poles 0.04 from the kink): its shape, known at
    # bind, takes it into the series, with panels graded at the kink
    "tanh, fast_sigmoid plugin": Act("tanh(x), surrogate = fs", np.tanh, sech2,
                                     g=lambda x: 1 / (1 + 25 * np.abs(x)) ** 2,
                                     surrogate='surrogate fs = plugin("fast_sigmoid", slope = 25)\n',
                                     expect=expect_kinked),
    "softplus, sech^2 surrogate": Act("log(1 + exp(x)), surrogate = sech2", lambda x: np.logaddexp(L(0), x), sigmoid,
                                      g=sech2, surrogate="surrogate sech2(x) = 4 / (exp(x) + exp(-x))^2\n"),
}

SW, SB = 1.4, 0.2


def network(act, layers):
    dense = f"  dense(width = 512, sigma_w = {SW}, sigma_b = {SB}, act = {act.spec})\n"
    return sgntk.loads(f"{act.surrogate}network net(input = {DIM}) {{\n{dense * layers}"
                       f"  readout(outputs = 1, sigma_w = {SW}, sigma_b = {SB})\n}}\n")


def pairs(category, rng, n=2):
    x = rng.normal(size=(n, DIM)) * rng.uniform(0.4, 2.5, size=(n, 1))
    if category == "different norms":
        return x, rng.normal(size=(n, DIM)) * rng.uniform(0.4, 2.5, size=(n, 1)), False
    if category == "diagonal":
        return x, x, True
    if category == "near diagonal":
        u = rng.normal(size=(n, DIM))
        return x, x + 1e-8 * u / np.linalg.norm(u, axis=1, keepdims=True), False
    raise ValueError(category)


CASES = [("tanh", "ntk", 2), ("tanh", "nngp", 3), ("silu", "ntk", 2), ("softplus", "ntk", 2),
         ("sigmoid", "nngp", 2), ("tanh, sigmoid' surrogate", "sgntk", 2), ("softplus, sech^2 surrogate", "sgntk", 1),
         ("tanh, erf' surrogate", "sgntk", 2), ("silu, narrow Gaussian surrogate", "sgntk", 2),
         ("tanh, fast_sigmoid plugin", "sgntk", 2)]
ENTRIES = [(name, kind, layers, cat) for name, kind, layers in CASES
           for cat in ("different norms", "diagonal", "near diagonal")]


@pytest.mark.parametrize("name,kind,layers,category", ENTRIES, ids=[f"{n} {k} x{l}: {c}" for n, k, l, c in ENTRIES])
def test_series_kernel_matches_nested_quadrature(name, kind, layers, category):
    act = ACTS[name]
    rng = np.random.default_rng(zlib.crc32(f"{name} {kind} {category}".encode()))  # the same points every run
    x1, x2, same = pairs(category, rng)
    net = network(act, layers)
    assert "Mehler series" in net.dump("program")  # the path under test, not the conditional fallback alone
    if "plugin" in act.surrogate:  # the plugin's term too, decided at bind
        assert any("plugin(" in line and "Mehler series" in line for line in net.dump("program").splitlines())
    k = net.kernel(x1, None if same else x2, kind=kind)
    for i in range(len(x1)):
        want = reference(act, kind, layers, SW, SB, x1[i], x2[i])
        err = abs((L(k[i, i]) - want) / want)
        assert err < TOL, f"entry {i}: {k[i, i]!r} vs {want!r} (relative error {float(err):.2e})"
