#!/usr/bin/env python3
"""sgntk against neural-tangents: the NNGP and NTK of an erf(2x) network (2 hidden layers,
sigma_w = 1, sigma_b = 0.1) on random points, and the largest relative difference. Skipped (exit
0 with a note) where neural_tangents is not installed.

    python/examples/compare_neural_tangents.py
"""
import sys

import numpy as np

import sgntk

try:
    from neural_tangents import stax
    from jax import config
except ImportError:
    print("neural_tangents is not installed: comparison skipped")
    sys.exit(0)
config.update("jax_enable_x64", True)

SPEC = """
activation erf2(x) = erf(2 * x)
network erf_net(input = 4) {
  dense(width = 512, sigma_w = 1, sigma_b = 0.1, act = erf2)
  dense(width = 512, sigma_w = 1, sigma_b = 0.1, act = erf2)
  readout(outputs = 1, sigma_w = 1, sigma_b = 0.1)
}
"""
x = np.random.default_rng(0).normal(size=(50, 4))
ours = sgntk.loads(SPEC).kernel_fn(x, get=("nngp", "ntk"))
# erf(2x) = stax.Erf(a=1, b=2, c=0).
layers = [stax.Dense(512, W_std=1.0, b_std=0.1), stax.Erf(a=1.0, b=2.0, c=0.0)] * 2
_, _, kernel_fn = stax.serial(*layers, stax.Dense(1, W_std=1.0, b_std=0.1))
theirs = kernel_fn(x, x, get=("nngp", "ntk"))
for name in ("nngp", "ntk"):
    a, b = getattr(ours, name), np.asarray(getattr(theirs, name))
    print(f"{name}: max relative difference {np.max(np.abs(a - b) / np.abs(b)):.2e}")
