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
                    rows against the width (log-log), per m; thin lines per network, thick the mean;
                    a mean that does not fall is named on the plot.
Inputs of other task kinds, or data the style cannot draw, end with one line on stderr and exit
status 1 (SGNTK_PLOT_TRACEBACK=1 shows the traceback); `sgntk run` reports it as a warning.
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
    """asinh y-axis with labelled ticks where the data are: 1-2-5 steps (and 3) up to the largest
    value, so that a panel reaching 3 is labelled at 2 and 3, not only at -1, 0, 1."""
    ax.set_yscale("asinh", linear_width=1.0)
    low, high = ax.get_ylim()
    steps = [0.5, 1, 2, 3, 5] + [m * 10.0 ** k for k in range(1, 6) for m in (1, 2, 5)]
    top = max(abs(low), abs(high))
    # Small ranges: 1, 2, 3, 5, 10 (and 0.5 below 2); large ones: decades only (the asinh scale
    # packs 1, 2, 5 together next to 0).
    if top < 20:
        chosen = [v for v in steps if v <= top and (v >= 1 or top < 2)]
    else:
        chosen = [v for v in steps if v <= top and math.log10(v).is_integer()]
    ticks = sorted({0.0} | {v for v in chosen if v <= high} | {-v for v in chosen if -v >= low})
    ax.yaxis.set_major_locator(FixedLocator(ticks))
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


# Distinct colours for the widths (the paper's figures use one colour per width); viridis ended in
# a pale yellow-green that vanished on white.
WIDTH_COLORS = ["tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown", "tab:pink", "tab:cyan"]


def figure_rows(root, tasks, fig_title):
    from matplotlib.lines import Line2D
    from matplotlib.transforms import blended_transform_factory

    emp, analytic = empirical_runs(root, tasks[0]), kernel_rows(root, tasks[1])
    ms = sorted(emp)
    infinite = [m for m in analytic if math.isinf(m)]
    panels = len(ms) + (1 if infinite else 0)
    widths = sorted({n for m in ms for n in emp[m]})
    colors = dict(zip(widths, WIDTH_COLORS * (1 + len(widths) // len(WIDTH_COLORS))))
    steps_all = sorted({int(s) for m in ms for n in emp[m] for s in emp[m][n][0]})
    fig, axes = plt.subplots(1, panels, figsize=(4.2 * panels, 4.4), squeeze=False)
    for ax, m in zip(axes[0], ms):
        for n in widths:
            if n not in emp[m]:
                continue
            steps, kernels, alpha = emp[m][n]
            order = np.argsort(alpha)
            for s_index in range(len(steps)):
                # At initialisation thin and solid; after training thicker and dashed.
                trained = s_index > 0
                for e in range(kernels.shape[1]):
                    ax.plot(alpha[order], kernels[s_index, e][order], "--" if trained else "-", color=colors[n],
                            lw=1.1 if trained else 0.7, alpha=0.8 if trained else 0.55)
        if m in analytic:
            a, row = analytic[m]
            ax.plot(a, row, "k-", lw=1.8)
        ax.set_title(f"m = {param_label(m)}")
        ax.set_xlabel(r"$\alpha$")
        asinh_axis(ax)
    axes[0][0].set_ylabel(r"$K(x_{mid}, x(\alpha))$ (asinh scale)")
    if infinite:
        ax = axes[0][-1]
        a, row = analytic[infinite[0]]
        finite = np.isfinite(row)
        ax.plot(a[finite], row[finite], "k-", lw=1.8)
        on_axis = blended_transform_factory(ax.transData, ax.transAxes)
        for x in a[~finite]:  # the naive NTK of sign is +inf at x = x_mid: marked inside the panel
            ax.axvline(x, color="crimson", lw=0.9, ls="--")
            ax.text(x - 0.1, 0.12, "+\u221e at $x_{mid}$", transform=on_axis, ha="right", va="center", color="crimson")
        ax.set_title("m = \u221e (analytic)")
        ax.set_xlabel(r"$\alpha$")
        asinh_axis(ax)
    # One legend for all panels, below them, at a readable size.
    handles = [Line2D([], [], color=colors[n], lw=2.5, label=f"n = {n}") for n in widths]
    if steps_all:
        handles.append(Line2D([], [], color="gray", ls="-", lw=0.9, label=f"networks, step {steps_all[0]}"))
    for step in steps_all[1:]:
        handles.append(Line2D([], [], color="gray", ls="--", lw=1.3, label=f"networks, step {step}"))
    handles.append(Line2D([], [], color="k", lw=1.8, label="analytic (infinite width)"))
    fig.legend(handles=handles, loc="lower center", ncol=min(len(handles), 7), fontsize=9, frameon=False)
    fig.suptitle(fig_title)
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    return fig


def figure3(root, tasks, fig_title, quick_t=None):
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
    steps = int(load_run(root, runs[-1], "save_steps.npy")[-1])

    def gp_band(ax):
        ax.fill_between(alpha, mean - 2 * std, mean + 2 * std, color="tab:orange", alpha=0.25, label="SG-NTK GP \u00b12 std")
        ax.plot(alpha, mean, color="tab:orange", lw=2, label=f"SG-NTK GP mean, t = {param_label(t)}")
        ax.plot(alpha, sigma_reg, "k--", lw=1.3, label=r"$\Sigma$ kernel regression")
        ax.plot(alpha_of(x_train), y_train, "o", color="crimson", ms=4, label="training points", zorder=5)
        ax.set_xlabel(r"$\alpha$")
        ax.set_xlim(-math.pi, math.pi)
        ax.set_ylim(-2.5, 3.5)  # the paper's range

    fig, (a, b) = plt.subplots(1, 2, figsize=(12, 5.4))
    widest = runs[-1]
    outputs = load_run(root, widest, "outputs.npy")[-1, :, :, 0][:, order]
    for e in range(outputs.shape[0]):
        a.plot(alpha, outputs[e], color="tab:blue", lw=0.6, alpha=0.05)
    a.plot([], [], color="tab:blue", lw=0.8, alpha=0.4, label=f"networks ({outputs.shape[0]}), step {steps}")
    a.plot(alpha, outputs.mean(0), color="navy", lw=2, label="ensemble mean")
    gp_band(a)
    a.set_title(f"(a) n = {int(number(widest['params'].get('n', 0)))}, {outputs.shape[0]} networks")
    a.set_ylabel(r"$f(x(\alpha))$")
    # Legends below the panels: inside, they covered the band.
    a.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, frameon=False)
    gp_band(b)
    colors = [c for c in WIDTH_COLORS if c not in ("tab:orange", "tab:red")]  # orange is the GP's
    for color, run in zip(colors * len(runs), runs):
        o = load_run(root, run, "outputs.npy")[-1, :, :, 0][:, order]
        b.plot(alpha, o.mean(0), color=color, lw=1.6, label=f"ensemble mean, n = {int(number(run['params'].get('n', 0)))}")
    b.set_title("(b) ensemble means by width")
    b.set_ylabel(r"ensemble mean of $f(x(\alpha))$")
    b.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, frameon=False)
    if quick_t is not None:
        fig_title += f"\n(--quick: GP at the networks' flow time t = {param_label(t)}; full size: t = {param_label(quick_t)})"
    fig.suptitle(fig_title)
    fig.tight_layout()
    return fig


def figure_mse(root, tasks, fig_title):
    emp, analytic = empirical_runs(root, tasks[0]), kernel_rows(root, tasks[1])
    ms = sorted(m for m in emp if m in analytic)
    steps = next(iter(next(iter(emp.values())).values()))[0]
    fig, axes = plt.subplots(1, len(steps), figsize=(5.2 * len(steps), 4.0), squeeze=False)
    colors = plt.cm.plasma(np.linspace(0.0, 0.8, max(1, len(ms))))
    for s_index, step in enumerate(steps):
        ax = axes[0][s_index]
        notes = []
        for color, m in zip(colors, ms):
            row = analytic[m][1]
            widths = sorted(emp[m])
            # mse[width, network] = mean over the grid of (empirical - analytic)^2
            mse = np.array([((emp[m][n][1][s_index] - row) ** 2).mean(axis=1) for n in widths])
            for e in range(mse.shape[1]):
                ax.plot(widths, mse[:, e], color=color, lw=0.5, alpha=0.4)
            mean = mse.mean(axis=1)
            ax.plot(widths, mean, color=color, lw=2.2, marker="o", label=f"m = {param_label(m)}")
            rising = [f"{a}\u2192{b}" for a, b, ma, mb in zip(widths, widths[1:], mean, mean[1:]) if mb > ma]
            if rising:  # say so on the plot rather than let it read as a failure
                notes.append(f"m = {param_label(m)} rises at n = {', '.join(rising)}")
        ref = np.array(sorted({n for m in ms for n in emp[m]}), dtype=float)
        if len(ms):
            top = np.mean([((emp[m][int(ref[0])][1][s_index] - analytic[m][1]) ** 2).mean() for m in ms])
            ax.plot(ref, top * ref[0] / ref, "k:", lw=1, label=r"$\propto 1/n$")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("width n")
        ax.set_title(f"step {int(step)}")
        ax.legend(fontsize=8)
        if notes:
            ax.text(0.02, 0.02, "not monotone: " + "; ".join(notes) + "\n(1/n is the large-width trend; small, steep\n"
                    "networks and few of them can lie off it)", transform=ax.transAxes, fontsize=7, va="bottom")
    axes[0][0].set_ylabel("MSE(empirical row, analytic row)")
    ensemble = next(iter(next(iter(emp.values())).values()))[1].shape[1]
    # The mean over few networks wanders about the 1/n trend; say how many there were.
    fig.suptitle(f"{fig_title}\n(thin: each of {ensemble} networks; thick: their mean)")
    fig.tight_layout()
    return fig


# style: (the task kinds its inputs must have, the function drawing it, the default title)
STYLES = {
    "figure1": (["empirical", "kernel"], figure_rows, "Figure 1: naive NTK of erf_m networks (GD)"),
    "figure2": (["empirical", "kernel"], figure_rows, "Figure 2: SG-NTK of erf_m networks (SGL, g = erf')"),
    "figure3": (["train", "predict", "predict"], figure3, "Figure 3: sign networks trained by SGL vs the SG-NTK GP"),
    "mse": (["empirical", "kernel"], figure_mse, "Empirical vs analytic kernel rows: MSE against width"),
}


class PlotError(Exception):
    """A plot that cannot be drawn from the tasks it was given (reported in one line)."""


def draw(manifest, root, plot):
    by_name = {t["name"]: t for t in manifest["tasks"]}
    style = plot.get("style")
    if style not in STYLES:
        raise PlotError(f"unknown style '{style}' (known: {', '.join(STYLES)})")
    kinds, function, default_title = STYLES[style]
    inputs = plot.get("inputs", [])
    inputs = inputs if isinstance(inputs, list) else [inputs]
    missing = [name for name in inputs if name not in by_name]
    if missing:
        raise PlotError(f"task(s) {', '.join(missing)} have no results")
    given = [by_name[n]["kind"] for n in inputs]
    if given != kinds:
        raise PlotError(f"style '{style}' draws inputs of kinds [{', '.join(kinds)}]; "
                        f"[{', '.join(inputs)}] are [{', '.join(given)}]")
    tasks = [by_name[n] for n in inputs]
    title = plot.get("title") or default_title
    if style != "figure3":
        return function(root, tasks, title)
    full_t = tasks[1].get("quick_replaced", {}).get("t")  # --quick replaced the GP's t
    return function(root, tasks, title, None if full_t is None else number(full_t))


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
    try:
        fig = draw(manifest, root, json.loads(args.args))
        fig.savefig(args.out, dpi=130, format="png")
    except PlotError as e:
        raise SystemExit(f"plot_figure.py: {e}")
    except Exception as e:  # data of another shape than the style expects: one line, not a traceback
        if os.environ.get("SGNTK_PLOT_TRACEBACK"):
            raise
        raise SystemExit(f"plot_figure.py: cannot draw '{args.task}': {type(e).__name__}: {e} "
                         "(SGNTK_PLOT_TRACEBACK=1 shows the traceback)")


if __name__ == "__main__":
    main()
