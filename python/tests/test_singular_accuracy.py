"""An activation with an integrable singularity, log|x|, against its closed form (issue 9: 1e-10
relative; before, `log(abs(x))` gave inf off the diagonal, then seconds per entry).

The reference shares nothing with the engine, which integrates adaptively (its panels beside the
singular point graded towards it). With u = sqrt(a) z1, v = sqrt(b) z2, corr(z1, z2) = rho:
  log|u| = log(a) / 2 + log|z1|,  E[log|Z|] = -(gamma + log 2) / 2,
and log|z| has the Hermite coefficients E[log|Z| He_2k(Z)] = (-2)^(k-1) (k-1)! (k >= 1, the
derivative at s = 0 of E[|Z|^s He_2k(Z)] = E|Z|^s s (s - 2) ... (s - 2k + 2)), so
  E[log|Z1| log|Z2|] = E[log|Z|]^2 + sum_k rho^2k 4^(k-1) / (k^2 binom(2k, k))
                     = E[log|Z|]^2 + arcsin(rho)^2 / 2
by the series of arcsin^2; at rho = 1 it is Var log|Z| = pi^2 / 8, as it must be. The recursion
runs in mpmath at 30 digits from the exact float64 inputs.
"""
import numpy as np
import pytest
from mpmath import mp, mpf

import sgntk

mp.dps = 30
TOL = 1e-10
DIM, SW, SB = 10, 1.2, 0.1


def expect_log_log(a, b, c):
    e_log = -(mp.euler + mp.log(2)) / 2
    rho = max(mpf(-1), min(mpf(1), c / mp.sqrt(a * b)))
    la, lb = mp.log(a) / 2, mp.log(b) / 2
    return la * lb + (la + lb) * e_log + e_log ** 2 + mp.asin(rho) ** 2 / 2


def reference(x, y, layers):
    w2, b2 = mpf(SW) ** 2, mpf(SB) ** 2
    inner = lambda p, q: w2 * mp.fsum(mpf(s) * mpf(t) for s, t in zip(p, q)) / DIM + b2
    a, b, c = inner(x, x), inner(y, y), inner(x, y)
    for _ in range(layers):
        a, b, c = (w2 * expect_log_log(a, a, a) + b2, w2 * expect_log_log(b, b, b) + b2,
                   w2 * expect_log_log(a, b, c) + b2)
    return c


@pytest.mark.parametrize("layers", [1, 2])
def test_log_abs_nngp_matches_its_closed_form(layers):
    rng = np.random.default_rng(7)
    x = rng.normal(size=(4, DIM)) * rng.uniform(0.4, 2.5, size=(4, 1))
    u = rng.normal(size=DIM)
    # A pair near the diagonal, 1 - rho ~ 5e-7. Not closer: the kernel has a square-root branch
    # at rho = 1 (arcsin), so its condition number 1/sqrt(1 - rho^2) turns the rounding of
    # x.x' in any double-precision route into errors above the target at 1 - rho ~ 1e-16.
    x = np.vstack([x, x[0] + 1e-3 * np.linalg.norm(x[0]) * u / np.linalg.norm(u)])
    dense = f"  dense(width = 100, sigma_w = {SW}, sigma_b = {SB}, act = log(abs(x)))\n"
    net = sgntk.loads(f"network net(input = {DIM}) {{\n{dense * layers}"
                      f"  readout(outputs = 1, sigma_w = {SW}, sigma_b = {SB})\n}}\n")
    k = net.kernel(x, kind="nngp")
    for i in range(len(x)):
        for j in range(i, len(x)):
            want = reference(x[i], x[j], layers)
            err = abs((mpf(k[i, j]) - want) / want)
            assert err < TOL, f"({i}, {j}): {k[i, j]!r} vs {mp.nstr(want, 17)} (relative error {float(err):.2e})"


def test_integrals_short_of_their_target_are_reported_by_kernel_and_predict():
    """|x|^-0.49 is integrable, but E[f(u)^2] on the diagonal (|u|^-0.98) is beyond what the
    adaptive rule resolves to 1e-10: the package says so (a RuntimeWarning, as `sgntk kernel`
    and `sgntk predict` print it), and nothing of the kind for an activation it resolves."""
    x = np.array([[1.0, 0.5], [0.3, -0.8]])
    short = sgntk.loads("network n(input = 2) {\n  dense(width = 10, act = abs(x)^-0.49)\n  readout()\n}\n")
    fine = sgntk.loads("network n(input = 2) {\n  dense(width = 10, act = log(abs(x)))\n  readout()\n}\n")
    said = r"numeric integrals? stopped refining with (its|their) error estimate above (its|their) target \(the largest: "
    with pytest.warns(RuntimeWarning, match=said):
        short.kernel(x, kind="nngp")
    with pytest.warns(RuntimeWarning, match=said):
        short.predict(x, [1.0, 2.0], x, kind="nngp")
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fine.kernel(x, kind="nngp")
        fine.predict(x, [1.0, 2.0], x, kind="nngp")


def test_fast_oscillation_is_resolved_or_reported():
    """x sin(30 x) against its closed form: E[u^2 sin(ku)^2] = a/2 - (a - 4 k^2 a^2) exp(-2 k^2 a) / 2
    on the diagonal, and off it the mixed derivative of E[cos(k1 u) cos(k2 v)] (all below 1e-20 of
    the scale here). Before, a uniform rule aliased the oscillation at some variances (34% off, no
    warning). x sin(1000 x) is beyond the panel budget: the package says so."""
    rng = np.random.default_rng(3)
    x = rng.normal(size=(6, DIM)) * rng.uniform(0.4, 2.5, size=(6, 1))
    net = sgntk.loads(f"network n(input = {DIM}) {{\n  dense(width = 10, act = x*sin(30*x))\n  readout()\n}}\n")
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        k = net.kernel(x, kind="nngp")
    sigma = x @ x.T / DIM
    for i in range(len(x)):
        a = mpf(sigma[i, i])
        want = a / 2 - (a - 4 * 900 * a * a) * mp.exp(-2 * 900 * a) / 2
        assert abs((mpf(k[i, i]) - want) / want) < TOL, (i, k[i, i], want)
    off = k - np.diag(np.diag(k))
    assert np.max(np.abs(off)) < 1e-20 * np.max(np.diag(k))
    fast = sgntk.loads(f"network n(input = {DIM}) {{\n  dense(width = 10, act = x*sin(1000*x))\n  readout()\n}}\n")
    with pytest.warns(RuntimeWarning, match="stopped refining"):
        fast.kernel(x, kind="nngp")
