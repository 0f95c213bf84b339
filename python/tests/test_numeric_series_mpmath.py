"""Kernels of smooth activations without closed forms (the engine's Mehler series) against an
independent high-precision route: mpmath's nested tanh-sinh quadrature of the 2-D Gaussian
expectations, at 25 digits, in the paper's recursion (issue 9: 1e-10 relative).

The reference shares nothing with the engine: it integrates E[f(u) g(v)] as
int N(z1) f(sqrt(a) z1) int N(z2) g(sqrt(b) (rho z1 + sqrt(1 - rho^2) z2)) dz2 dz1 directly, where
the engine sums rho^k f_k(a) g_k(b) from trapezoidal Hermite coefficients (or, where its bound
says the series is too slow, falls back to its own conditional quadrature). Pairs of points of
different norms, near the diagonal (x' = x + 1e-8 u, so rho > 0.999 at every layer) and on it.
"""
import numpy as np
import pytest
from mpmath import mp, mpf

import sgntk

TOL = 1e-10
DIM = 8


def expect2(f, g, a, b, c):
    """E[f(u) g(v)], (u, v) ~ N(0, [[a, c], [c, b]]), by nested quadrature."""
    if a == 0 or b == 0:
        return f(mpf(0)) * mp.quad(lambda z: mp.npdf(z) * g(mp.sqrt(b) * z), [-mp.inf, 0, mp.inf]) if a == 0 else \
            g(mpf(0)) * mp.quad(lambda z: mp.npdf(z) * f(mp.sqrt(a) * z), [-mp.inf, 0, mp.inf])
    rho = max(mpf(-1), min(mpf(1), c / mp.sqrt(a * b)))
    s = mp.sqrt(1 - rho * rho)
    sa, sb = mp.sqrt(a), mp.sqrt(b)
    if s == 0:
        return mp.quad(lambda z: mp.npdf(z) * f(sa * z) * g(sb * rho * z), [-mp.inf, 0, mp.inf])

    def inner(z1):
        return mp.quad(lambda z2: mp.npdf(z2) * g(sb * (rho * z1 + s * z2)), [-mp.inf, -rho * z1 / s, mp.inf])

    return mp.quad(lambda z1: mp.npdf(z1) * f(sa * z1) * inner(z1), [-mp.inf, 0, mp.inf])


def reference(act, kind, layers, sw, sb, x, y):
    """K(x, y) by the recursion of the paper's section 2, from the exact float64 inputs."""
    with mp.workdps(25):
        w2, b2 = mpf(sw) ** 2, mpf(sb) ** 2
        inner = lambda p, q: w2 * mp.fsum(mpf(float(s)) * mpf(float(t)) for s, t in zip(p, q)) / len(p) + b2
        a, b, c = inner(x, x), inner(y, y), inner(x, y)
        theta = c
        for _ in range(layers):
            e = expect2(act.f, act.f, a, b, c)
            d = expect2(act.df, act.g, a, b, c) if kind != "nngp" else 0
            a, b = w2 * expect2(act.f, act.f, a, a, a) + b2, w2 * expect2(act.f, act.f, b, b, b) + b2
            c = w2 * e + b2
            theta = theta * w2 * d + c
        return c if kind == "nngp" else theta


class Act:
    def __init__(self, spec, f, df, g=None, surrogate=""):
        self.spec, self.f, self.df, self.g = spec, f, df, g or df
        self.surrogate = surrogate


sigmoid = lambda x: 1 / (1 + mp.exp(-x))
ACTS = {
    "tanh": Act("tanh(x)", mp.tanh, lambda x: 1 / mp.cosh(x) ** 2),
    "silu": Act("x/(1 + exp(-x))", lambda x: x * sigmoid(x), lambda x: sigmoid(x) * (1 + x * (1 - sigmoid(x)))),
    "softplus": Act("log(1 + exp(x))", lambda x: mp.log(1 + mp.exp(x)), sigmoid),
    "sigmoid": Act("1/(1 + exp(-x))", sigmoid, lambda x: sigmoid(x) * (1 - sigmoid(x))),
    # SG-NTK: a smooth activation trained with a smooth surrogate of another shape
    "tanh, sigmoid' surrogate": Act("tanh(x), surrogate = sig_prime", mp.tanh, lambda x: 1 / mp.cosh(x) ** 2,
                                    g=lambda x: 4 * sigmoid(4 * x) * (1 - sigmoid(4 * x)),
                                    surrogate="surrogate sig_prime(x) = 4 * exp(-4*x) / (1 + exp(-4*x))^2\n"),
    "softplus, sech^2 surrogate": Act("log(1 + exp(x)), surrogate = sech2", lambda x: mp.log(1 + mp.exp(x)), sigmoid,
                                      g=lambda x: 1 / mp.cosh(x) ** 2,
                                      surrogate="surrogate sech2(x) = 1 / cosh(x)^2\n"),
}

SW, SB = 1.4, 0.2


def network(act, layers):
    dense = f"  dense(width = 512, sigma_w = {SW}, sigma_b = {SB}, act = {act.spec})\n"
    return sgntk.loads(f"{act.surrogate}network net(input = {DIM}) {{\n{dense * layers}"
                       f"  readout(outputs = 1, sigma_w = {SW}, sigma_b = {SB})\n}}\n")


def pairs(category, rng, n=3):
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
         ("sigmoid", "nngp", 2), ("tanh, sigmoid' surrogate", "sgntk", 2), ("softplus, sech^2 surrogate", "sgntk", 1)]
ENTRIES = [(name, kind, layers, cat) for name, kind, layers in CASES
           for cat in ("different norms", "diagonal", "near diagonal")]


@pytest.mark.parametrize("name,kind,layers,category", ENTRIES, ids=[f"{n} {k} x{l}: {c}" for n, k, l, c in ENTRIES])
def test_series_kernel_matches_nested_quadrature(name, kind, layers, category):
    act = ACTS[name]
    rng = np.random.default_rng(hash((name, kind, category)) % 2**32)
    x1, x2, same = pairs(category, rng)
    net = network(act, layers)
    assert "Mehler series" in net.dump("program")  # the path under test, not the conditional fallback alone
    k = net.kernel(x1, None if same else x2, kind=kind)
    for i in range(len(x1)):
        want = reference(act, kind, layers, SW, SB, x1[i], x2[i])
        err = abs((mpf(float(k[i, i])) - want) / want)
        assert err < TOL, f"entry {i}: {k[i, i]!r} vs {mp.nstr(want, 17)} (relative error {float(err):.2e})"
