#!/usr/bin/env python3
"""Cross-check sgntk's NNGP and NTK against the peer library neural-tangents (one-off validation).

neural-tangents is not a dependency of sgntk (it needs JAX from PyPI and is unmaintained); run
this in a virtual environment that has it, e.g.
    python3 -m venv /tmp/ntvenv && /tmp/ntvenv/bin/pip install "jax[cpu]==0.4.23" \
        "jaxlib==0.4.23" "neural-tangents==0.6.5" "numpy<2" "scipy<1.12"
    /tmp/ntvenv/bin/python scripts/compare_neural_tangents.py build/sgntk
It compares erf(m x) (m = 0.5, 2, 5) and relu networks of depth 1 to 3 on random inputs of
different norms and prints the worst relative difference per case.
"""
import os
import subprocess
import sys
import tempfile

import numpy as np

os.environ.setdefault("JAX_PLATFORMS", "cpu")
import jax  # noqa: E402

jax.config.update("jax_enable_x64", True)
from neural_tangents import stax  # noqa: E402

SGNTK = sys.argv[1] if len(sys.argv) > 1 else "build/sgntk"


def spec(act, layers, d):
    rows = "".join(f"  dense(width = 512, sigma_w = 1, sigma_b = 0.1, act = {act})\n" for _ in range(layers))
    return f"network net(input = {d}) {{\n{rows}  readout(outputs = 1, sigma_w = 1, sigma_b = 0.1)\n}}\n"


def nt_kernel_fn(act_layer, layers):
    parts = []
    for _ in range(layers):
        parts += [stax.Dense(512, W_std=1.0, b_std=0.1), act_layer]
    parts.append(stax.Dense(1, W_std=1.0, b_std=0.1))
    return stax.serial(*parts)[2]


def sgntk_kernel(text, kind, x1, x2, tmp):
    path = os.path.join(tmp, "net.sgntk")
    with open(path, "w") as f:
        f.write(text)
    np.save(os.path.join(tmp, "x1.npy"), x1)
    np.save(os.path.join(tmp, "x2.npy"), x2)
    out = os.path.join(tmp, "k.npy")
    subprocess.run([SGNTK, "kernel", path, "--kind", kind, "--x1", os.path.join(tmp, "x1.npy"),
                    "--x2", os.path.join(tmp, "x2.npy"), "--out", out, "--quiet"], check=True)
    return np.load(out)


def main():
    rng = np.random.default_rng(7)
    d = 3
    x1 = rng.normal(size=(25, d)) * rng.uniform(0.3, 2.0, size=(25, 1))
    x2 = rng.normal(size=(20, d)) * rng.uniform(0.3, 2.0, size=(20, 1))
    cases = [(f"erf({m}*x)", stax.Erf(a=1.0, b=m, c=0.0)) for m in (0.5, 2.0, 5.0)]
    cases.append(("relu", stax.Relu()))
    worst_all = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for act, layer in cases:
            for layers in (1, 2, 3):
                kfn = nt_kernel_fn(layer, layers)
                ref = kfn(x1, x2, ("nngp", "ntk"))
                for kind in ("nngp", "ntk"):
                    ours = sgntk_kernel(spec(act, layers, d), kind, x1, x2, tmp)
                    want = np.asarray(getattr(ref, kind))
                    rel = np.max(np.abs(ours - want) / np.abs(want))
                    worst_all = max(worst_all, rel)
                    print(f"{act:>10} layers={layers} {kind:>4}: max relative difference {rel:.2e}")
    print(f"worst: {worst_all:.2e}")
    return 0 if worst_all <= 1e-10 else 1


if __name__ == "__main__":
    sys.exit(main())
