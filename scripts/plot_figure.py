#!/usr/bin/python3
"""Draws one plot task of an `sgntk run` from its npy results and manifest (matplotlib).

Called by `sgntk run` as
    /usr/bin/python3 scripts/plot_figure.py --manifest OUT/manifest.partial.json --task NAME --out FILE.png
        --args '{"style": "figure3", "inputs": ["sgl", "gp", "reg"]}'
Styles (the plot task's `style`), after Eilers, Memmesheimer, Goedeke (NeurIPS 2024):
  figure1, figure2  inputs [empirical, kernel]: one panel per m, the empirical kernel rows
                    K(x_mid, grid) of every network per width (t = 0 and after training) against
                    the analytic row; a last panel with the analytic row at m = inf. asinh y-axis.
  figure3           inputs [train, gp, sigma_regression]: (a) every network and the ensemble mean at
                    the largest width, the GP mean with a +-2 std band, the Sigma kernel regression
                    (dashed); (b) the ensemble means of every width against the GP mean.
  mse               inputs [empirical, kernel]: mean squared error between empirical and analytic
                    rows against the width (log-log), per m; thin lines per network, thick the mean.
"""
import argparse
import json
import math
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator  # noqa: E402
import numpy as np  # noqa: E402


def number(v):
    return float(v)  # the manifest writes inf as "inf"


def load_run(root, run, name):
    return np.load(os.path.join(root, run["dir"], name))


def alpha_of(x):
    """Angle of x = (sin a, cos a) on the circle, in [-pi, pi)."""
    return np.arctan2(x[:, 0], x[:, 1])


def asinh_axis(ax):
    ax.set_yscale("asinh", linear_width=1.0)
    # Decades on both sides of 0 only: the default asinh locator crowds labels around 0.
    decades = [10.0 ** k for k in range(0, 6)]
    ax.yaxis.set_major_locator(FixedLocator(sorted([-d for d in decades] + [0.0] + decades)))
    ax.yaxis.set_minor_locator(NullLocator())
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: "0" if v == 0 else f"{v:g}"))


def param_label(value):
    return "\u221e" if math.isinf(value) else f"{value:g}"


def kernel_rows(root, task):
    """{m: (alpha, row)} of a kernel task swept over m (one x1 point)."""
    out = {}
    for run in task["runs"]:
        m = number(run["params"].get("m", "nan"))
        k = load_run(root, run, "kernel.npy")
        out[m] = (alpha_of(load_run(root, run, "x2.npy")), k[0])
    return out


def empirical_runs(root, task):
    """{m: {n: (steps, kernels[steps, ensemble, n2], alpha)}}."""
    out = {}
    for run in task["runs"]:
        p = {k: number(v) for k, v in run["params"].items()}
        kernels = load_run(root, run, "kernels.npy")[:, :, 0, :]
        steps = load_run(root, run, "steps.npy")
        alpha = alpha_of(load_run(root, run, "x2.npy"))
        out.setdefault(p.get("m", math.nan), {})[int(p.get("n", 0))] = (steps, kernels, alpha)
    return out


def figure_rows(root, tasks, fig_title):
    emp, analytic = empirical_runs(root, tasks[0]), kernel_rows(root, tasks[1])
    ms = sorted(emp)
    infinite = [m for m in analytic if math.isinf(m)]
    panels = len(ms) + (1 if infinite else 0)
    widths = sorted({n for m in ms for n in emp[m]})
    colors = plt.cm.viridis(np.linspace(0.0, 0.85, len(widths)))
    fig, axes = plt.subplots(1, panels, figsize=(4.2 * panels, 3.8), squeeze=False)
    for ax, m in zip(axes[0], ms):
        for color, n in zip(colors, widths):
            if n not in emp[m]:
                continue
            steps, kernels, alpha = emp[m][n]
            for s_index, step in enumerate(steps):
                style = "-" if s_index == 0 else ":"
                for e in range(kernels.shape[1]):
                    label = f"n = {n}, step {int(step)}" if e == 0 else None
                    ax.plot(alpha, kernels[s_index, e], style, color=color, lw=0.6, alpha=0.5, label=label)
        if m in analytic:
            a, row = analytic[m]
            ax.plot(a, row, "k-", lw=1.8, label="analytic")
        ax.set_title(f"m = {param_label(m)}")
        ax.set_xlabel(r"$\alpha$")
        asinh_axis(ax)
    axes[0][0].set_ylabel(r"$K(x_{mid}, x(\alpha))$")
    axes[0][0].legend(fontsize=6, loc="upper left")
    if infinite:
        ax = axes[0][-1]
        a, row = analytic[infinite[0]]
        finite = np.isfinite(row)
        ax.plot(a[finite], row[finite], "k-", lw=1.8, label="analytic, m = \u221e")
        for x in a[~finite]:  # the naive NTK of sign is +inf at x = x_mid
            ax.annotate("+\u221e", (x, np.nanmax(row[finite])), ha="center", va="bottom", color="crimson")
            ax.axvline(x, color="crimson", lw=0.8, ls="--")
        ax.set_title("m = \u221e (analytic)")
        ax.set_xlabel(r"$\alpha$")
        asinh_axis(ax)
        ax.legend(fontsize=7)
    fig.suptitle(fig_title)
    return fig


def figure3(root, tasks, fig_title):
    train, gp, reg = tasks
    gp_run, reg_run = gp["runs"][0], reg["runs"][0]
    alpha = alpha_of(load_run(root, gp_run, "x_test.npy"))
    order = np.argsort(alpha)
    alpha = alpha[order]
    mean = load_run(root, gp_run, "mean.npy")[order, 0]
    std = load_run(root, gp_run, "std.npy")[order]
    sigma_reg = load_run(root, reg_run, "mean.npy")[order, 0]
    x_train = load_run(root, gp_run, "x_train.npy")
    y_train = load_run(root, gp_run, "y_train.npy")[:, 0]
    runs = sorted(train["runs"], key=lambda r: number(r["params"].get("n", 0)))
    t = number(gp_run["values"]["t"])

    def gp_band(ax):
        ax.fill_between(alpha, mean - 2 * std, mean + 2 * std, color="tab:orange", alpha=0.25, label="SG-NTK GP \u00b12 std")
        ax.plot(alpha, mean, color="tab:orange", lw=2, label=f"SG-NTK GP mean (t = {t:g})")
        ax.plot(alpha, sigma_reg, "k--", lw=1.3, label=r"$\Sigma$ kernel regression")
        ax.plot(alpha_of(x_train), y_train, "o", color="crimson", ms=4, label="training points", zorder=5)
        ax.set_xlabel(r"$\alpha$")
        ax.set_xlim(-math.pi, math.pi)

    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 4.2))
    widest = runs[-1]
    outputs = load_run(root, widest, "outputs.npy")[-1, :, :, 0][:, order]
    for e in range(outputs.shape[0]):
        a.plot(alpha, outputs[e], color="tab:blue", lw=0.4, alpha=0.25, label="networks" if e == 0 else None)
    a.plot(alpha, outputs.mean(0), color="navy", lw=2, label="ensemble mean")
    gp_band(a)
    a.set_title(f"(a) n = {int(number(widest['params'].get('n', 0)))}, {outputs.shape[0]} networks")
    a.set_ylabel(r"$f(x(\alpha))$")
    a.legend(fontsize=7)
    gp_band(b)
    colors = plt.cm.viridis(np.linspace(0.0, 0.85, len(runs)))
    for color, run in zip(colors, runs):
        o = load_run(root, run, "outputs.npy")[-1, :, :, 0][:, order]
        b.plot(alpha, o.mean(0), color=color, lw=1.6, label=f"ensemble mean, n = {int(number(run['params'].get('n', 0)))}")
    b.set_title("(b) ensemble means by width")
    b.legend(fontsize=7)
    fig.suptitle(fig_title)
    return fig


def figure_mse(root, tasks, fig_title):
    emp, analytic = empirical_runs(root, tasks[0]), kernel_rows(root, tasks[1])
    ms = sorted(m for m in emp if m in analytic)
    steps = next(iter(next(iter(emp.values())).values()))[0]
    fig, axes = plt.subplots(1, len(steps), figsize=(5.2 * len(steps), 4.0), squeeze=False)
    colors = plt.cm.plasma(np.linspace(0.0, 0.8, max(1, len(ms))))
    for s_index, step in enumerate(steps):
        ax = axes[0][s_index]
        for color, m in zip(colors, ms):
            row = analytic[m][1]
            widths = sorted(emp[m])
            # mse[width, network] = mean over the grid of (empirical - analytic)^2
            mse = np.array([((emp[m][n][1][s_index] - row) ** 2).mean(axis=1) for n in widths])
            for e in range(mse.shape[1]):
                ax.plot(widths, mse[:, e], color=color, lw=0.5, alpha=0.4)
            ax.plot(widths, mse.mean(axis=1), color=color, lw=2.2, marker="o", label=f"m = {param_label(m)}")
        ref = np.array(sorted({n for m in ms for n in emp[m]}), dtype=float)
        if len(ms):
            top = np.mean([((emp[m][int(ref[0])][1][s_index] - analytic[m][1]) ** 2).mean() for m in ms])
            ax.plot(ref, top * ref[0] / ref, "k:", lw=1, label=r"$\propto 1/n$")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("width n")
        ax.set_title(f"step {int(step)}")
        ax.legend(fontsize=7)
    axes[0][0].set_ylabel("MSE(empirical row, analytic row)")
    fig.suptitle(fig_title)
    return fig


STYLES = {
    "figure1": lambda r, t, title: figure_rows(r, t, title or "Figure 1: naive NTK of erf_m networks (GD)"),
    "figure2": lambda r, t, title: figure_rows(r, t, title or "Figure 2: SG-NTK of erf_m networks (SGL, g = erf')"),
    "figure3": lambda r, t, title: figure3(r, t, title or "Figure 3: sign networks trained by SGL vs the SG-NTK GP"),
    "mse": lambda r, t, title: figure_mse(r, t, title or "Empirical vs analytic kernel rows: MSE against width"),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--manifest", required=True)
    parser.add_argument("--task", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--args", required=True, help="the plot task's arguments (JSON object)")
    args = parser.parse_args()
    with open(args.manifest) as f:
        manifest = json.load(f)
    root = os.path.dirname(os.path.abspath(args.manifest))
    # The plot task itself is not in the manifest yet: sgntk passes its arguments.
    by_name = {t["name"]: t for t in manifest["tasks"]}
    plot = json.loads(args.args)
    inputs = plot.get("inputs", [])
    inputs = inputs if isinstance(inputs, list) else [inputs]
    missing = [name for name in inputs if name not in by_name]
    if missing:
        raise SystemExit(f"plot_figure.py: task(s) {', '.join(missing)} have no results in {args.manifest}")
    fig = STYLES[plot["style"]](root, [by_name[n] for n in inputs], plot.get("title", ""))
    fig.tight_layout()
    fig.savefig(args.out, dpi=130, format="png")


if __name__ == "__main__":
    main()
