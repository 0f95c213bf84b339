#!/usr/bin/env python3
"""Wall-time comparison of sgntk with the peer library neural-tangents (outside CI, by hand).

NTK of 3-hidden-layer erf(2x) and relu networks (sigma_w 1, sigma_b 0.1, readout likewise),
N points in dimension 16, float64. neural-tangents runs its kernel_fn under jax.jit, warm (the
first call, which compiles, is discarded), timed to block_until_ready(). sgntk runs as
`sgntk kernel SPEC --kind ntk --x1 X.npy --out K.npy --quiet`, timed in wall time end to end
(process start, compile, kernel, .npy written and fsynced). The two are measured alternately,
--reps times each; the medians and their ratio are printed, and the two matrices are compared.

neural-tangents is not a dependency of sgntk (it needs JAX from PyPI); run this in a venv that
has it, e.g.
    python3 -m venv /work/ntvenv && /work/ntvenv/bin/pip install "jax[cpu]==0.4.23" \\
        "jaxlib==0.4.23" "neural-tangents==0.6.5" "numpy<2" "scipy<1.12"
    /work/ntvenv/bin/python scripts/time_neural_tangents.py --sgntk build/sgntk --n 4096 16384
Run it on a quiet machine: both use every core.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

os.environ.setdefault("JAX_PLATFORMS", "cpu")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # neural-tangents imports TensorFlow: quiet its logs
import jax  # noqa: E402

jax.config.update("jax_enable_x64", True)
from neural_tangents import stax  # noqa: E402

LAYERS, DIM, SIGMA_W, SIGMA_B = 3, 16, 1.0, 0.1
CASES = {"erf": ("erf(2*x)", lambda: stax.Erf(a=1.0, b=2.0, c=0.0)), "relu": ("relu", stax.Relu)}


def spec(act):
    layer = f"  dense(width = 512, sigma_w = {SIGMA_W}, sigma_b = {SIGMA_B}, act = {act})\n"
    return (f"network net(input = {DIM}) {{\n{layer * LAYERS}"
            f"  readout(outputs = 1, sigma_w = {SIGMA_W}, sigma_b = {SIGMA_B})\n}}\n")


def nt_ntk_fn(layer):
    parts = []
    for _ in range(LAYERS):
        parts += [stax.Dense(512, W_std=SIGMA_W, b_std=SIGMA_B), layer()]
    parts.append(stax.Dense(1, W_std=SIGMA_W, b_std=SIGMA_B))
    kernel_fn = jax.jit(stax.serial(*parts)[2], static_argnames="get")
    return lambda x: kernel_fn(x, None, get="ntk").block_until_ready()


def wall(f):
    t0 = time.perf_counter()
    result = f()
    return time.perf_counter() - t0, result


def time_case(sgntk, name, n, reps, tmp):
    act, layer = CASES[name]
    spec_path, x_path, out_path = (os.path.join(tmp, f) for f in ("net.sgntk", "x.npy", "K.npy"))
    with open(spec_path, "w") as f:
        f.write(spec(act))
    x = np.random.default_rng(1).normal(size=(n, DIM))
    np.save(x_path, x)
    command = [sgntk, "kernel", spec_path, "--kind", "ntk", "--x1", x_path, "--out", out_path, "--quiet"]
    nt = nt_ntk_fn(layer)
    nt(x)  # the first call compiles: discarded
    ours, theirs, theirs_k = [], [], None
    for r in range(reps):
        order = ("sgntk", "nt") if r % 2 == 0 else ("nt", "sgntk")
        for who in order:
            if who == "sgntk":
                ours.append(wall(lambda: subprocess.run(command, check=True))[0])
            else:
                t, theirs_k = wall(lambda: nt(x))
                theirs.append(t)
    ours_k = np.load(out_path)
    theirs_k = np.asarray(theirs_k)
    rel = float(np.max(np.abs(ours_k - theirs_k) / np.abs(theirs_k)))
    t_ours, t_theirs = statistics.median(ours), statistics.median(theirs)
    print(f"{name:>4} NTK, N = {n:>5}: sgntk {t_ours:7.3f} s, neural-tangents {t_theirs:7.3f} s (medians of {reps}); "
          f"sgntk / NT = {t_ours / t_theirs:.2f} (goal <= 0.33); max relative difference {rel:.1e}", flush=True)
    return t_ours / t_theirs


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sgntk", default="build/sgntk", help="the sgntk binary")
    parser.add_argument("--n", type=int, nargs="+", default=[4096, 16384], help="numbers of points")
    parser.add_argument("--cases", nargs="+", choices=sorted(CASES), default=["erf", "relu"])
    parser.add_argument("--reps", type=int, default=5, help="runs of each, alternately (medians are reported)")
    parser.add_argument("--tmp", default=None, help="folder for the inputs and sgntk's output (default: the system's)")
    args = parser.parse_args()
    print(f"jax {jax.__version__}, {os.cpu_count()} cpus, float64, {LAYERS} hidden layers, d = {DIM}")
    with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
        for n in args.n:
            for name in args.cases:
                time_case(args.sgntk, name, n, args.reps, tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
