#!/usr/bin/env python3
"""Figure 2 of Eilers, Memmesheimer and Goedeke (NeurIPS 2024) from Python: the analytic SG-NTK
row I(x_mid, grid) of erf(m x) networks trained with the surrogate erf', for m = 2, 5, 20, inf,
and the empirical SG-NTK of 3 networks of width 500 at m = 5 beside it. Prints each row's range
and, with matplotlib, writes figure2_python.png.

    python/examples/figure2.py                         # from the repository root
"""
import sys
import time

import numpy as np

import sgntk

start = time.perf_counter()
grid = np.loadtxt("specs/data/circle_grid.csv", delimiter=",")  # 100 points on the unit circle
x_mid = grid[50]                                                   # (0, 1)
rows = {m: sgntk.load("specs/paper/figure2.sgntk", set={"m": m}).kernel(x_mid, grid, kind="sgntk")[0]
        for m in (2, 5, 20, np.inf)}
empirical = sgntk.load("specs/paper/figure2.sgntk", set={"m": 5, "n": 500}).empirical(
    x_mid, grid, kind="sgntk", ensemble=3, seed=2)[:, 0, :]
for m, row in rows.items():
    print(f"m = {m:>4}: analytic SG-NTK row in [{row.min():.4f}, {row.max():.4f}]")
print(f"m =    5: empirical (3 networks, width 500) mean squared error {np.mean((empirical - rows[5]) ** 2):.4f}")
print(f"{time.perf_counter() - start:.2f} s")

try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    sys.exit(0)
alpha = np.arctan2(grid[:, 0], grid[:, 1])
fig, ax = plt.subplots(figsize=(6, 4))
for m, row in rows.items():
    ax.plot(alpha, row, label=f"analytic, m = {m}")
ax.plot(alpha, empirical.T, color="gray", lw=0.6, alpha=0.7)
ax.set_xlabel("alpha"), ax.set_ylabel("I(x_mid, x(alpha))"), ax.legend()
fig.savefig("figure2_python.png", dpi=120)
print("wrote figure2_python.png")
