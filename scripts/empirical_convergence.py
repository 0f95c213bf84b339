#!/usr/bin/python3
"""Convergence of empirical tangent kernels to the analytic ones (the paper's
supplementary figure): for each width n, the mean squared error between every network's
empirical kernel row K_hat(x_mid, grid) at initialisation (`sgntk empirical`) and the analytic
row (`sgntk kernel`), over the paper's 100-point circle grid.

Two settings, as in the paper's Figures 1 and 2:
  * the NTK of erf(2x) networks (specs/paper/erf_ntk.sgntk, m = 2), gradient descent;
  * the SG-NTK of erf(5x) networks with the surrogate erf' (specs/paper/erf_sgntk.sgntk, m = 5).
The SG-NTK of sign networks (m = inf) has no empirical counterpart: the true Jacobian J(x) of a
sign network contains deltas, so `sgntk empirical` refuses it; erf(5x) is the paper's stand-in.

usage: scripts/empirical_convergence.py [--sgntk build/sgntk] [--widths 10,100,500,1000]
                                        [--ensemble 10] [--seed 10] [--keep DIR]
Prints one table per setting and the fold decrease of the mean MSE from width 100 to 1000.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GRID = os.path.join(ROOT, "specs/data/circle_grid.csv")
MID = os.path.join(ROOT, "specs/data/x_mid.csv")
SETTINGS = [  # (label, spec, kind, m)
    ("NTK of erf(2x), gradient descent", "specs/paper/erf_ntk.sgntk", "ntk", "2"),
    ("SG-NTK of erf(5x), surrogate erf'", "specs/paper/erf_sgntk.sgntk", "sgntk", "5"),
]


def run(cmd):
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"failed ({done.returncode}): {' '.join(cmd)}\n{done.stderr}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sgntk", default=os.path.join(ROOT, "build/sgntk"))
    ap.add_argument("--widths", default="10,100,500,1000")
    ap.add_argument("--ensemble", type=int, default=10)
    ap.add_argument("--seed", type=int, default=10)
    ap.add_argument("--keep", help="directory for the kernel files (default: a temporary one)")
    args = ap.parse_args()
    widths = [int(w) for w in args.widths.split(",")]
    work = args.keep or tempfile.mkdtemp(prefix="sgntk_convergence_")
    os.makedirs(work, exist_ok=True)

    for label, spec, kind, m in SETTINGS:
        analytic_file = os.path.join(work, f"{kind}_m{m}_analytic.csv")
        run([args.sgntk, "kernel", spec, "--kind", kind, "--set", f"m={m}", "--x1", MID, "--x2", GRID,
             "--out", analytic_file, "--quiet"])
        analytic = np.loadtxt(analytic_file, delimiter=",", ndmin=2)[0]
        print(f"\n{label}  ({spec}, m = {m}, {args.ensemble} networks per width, seed {args.seed})")
        print(f"{'width':>6} {'mean MSE':>12} {'min MSE':>12} {'max MSE':>12} {'mean*width':>11} {'time/s':>7}")
        mean_mse = {}
        for n in widths:
            out = os.path.join(work, f"{kind}_m{m}_n{n}.npy")
            start = time.monotonic()
            run([args.sgntk, "empirical", spec, "--kind", kind, "--set", f"m={m}", "--set", f"n={n}",
                 "--x1", MID, "--x2", GRID, "--ensemble", str(args.ensemble), "--seed", str(args.seed),
                 "--out", out])
            seconds = time.monotonic() - start
            rows = np.load(out)[:, 0, :]               # [ensemble, grid]: K_hat(x_mid, grid)
            mse = ((rows - analytic) ** 2).mean(axis=1)  # one MSE per network
            mean_mse[n] = mse.mean()
            print(f"{n:>6} {mse.mean():>12.4e} {mse.min():>12.4e} {mse.max():>12.4e} "
                  f"{mse.mean() * n:>11.3f} {seconds:>7.1f}")
        if 100 in mean_mse and 1000 in mean_mse:
            print(f"mean MSE falls {mean_mse[100] / mean_mse[1000]:.1f}-fold from width 100 to 1000 "
                  f"(1/n scaling: 10-fold)")
    if not args.keep:
        print(f"\n(kernel files in {work})")


if __name__ == "__main__":
    main()
