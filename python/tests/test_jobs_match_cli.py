"""train, empirical and predict give the bits of the CLI's commands; check/dump print what
`sgntk check` prints; run returns the manifest."""
import json
import subprocess

import numpy as np
import pytest

import sgntk
from conftest import REPO, run_cli, spec


@pytest.fixture(scope="module")
def data(grid):
    x = grid[::7]
    y = 4 * x[:, 0] * x[:, 1] ** 2 - 0.8 * x[:, 0] ** 3 + 1.2 * x[:, 1] ** 2 - 0.8 * x[:, 0] ** 2 * x[:, 1]
    return x, y


def test_train_equals_cli_train(sgntk_exe, tmp_path, data, grid):
    x, y = data
    np.save(tmp_path / "x.npy", x)
    np.save(tmp_path / "y.npy", y[:, None])
    np.save(tmp_path / "eval.npy", grid[:10])
    run_cli(sgntk_exe, "train", spec("paper/sign_sgl.sgntk"), "--set", "n=20", "--x", str(tmp_path / "x.npy"),
            "--y", str(tmp_path / "y.npy"), "--eval", str(tmp_path / "eval.npy"), "--steps", "50", "--ensemble", "3",
            "--seed", "4", "--save-at", "0,50", "--loss-every", "10", "--out", str(tmp_path / "out"))
    net = sgntk.load(spec("paper/sign_sgl.sgntk"), set={"n": 20})
    res = net.train(x, y, lr=0.1, steps=50, ensemble=3, seed=4, eval=grid[:10], save_at=[0, 50], loss_every=10)
    assert res["outputs"].shape == (2, 3, 10, 1)
    for name in ("outputs", "save_steps", "loss", "loss_steps"):
        assert np.array_equal(res[name], np.load(tmp_path / "out" / f"{name}.npy")), name


def test_empirical_equals_cli_empirical(sgntk_exe, tmp_path, grid):
    np.save(tmp_path / "x1.npy", grid[50:51])
    np.save(tmp_path / "x2.npy", grid[:20])
    run_cli(sgntk_exe, "empirical", spec("paper/erf_sgntk.sgntk"), "--set", "n=30", "--kind", "sgntk", "--x1",
            str(tmp_path / "x1.npy"), "--x2", str(tmp_path / "x2.npy"), "--ensemble", "2", "--seed", "3", "--out",
            str(tmp_path / "e.npy"))
    net = sgntk.load(spec("paper/erf_sgntk.sgntk"), set={"n": 30})
    e = net.empirical(grid[50], grid[:20], kind="sgntk", ensemble=2, seed=3)
    assert e.shape == (2, 1, 20)
    assert np.array_equal(e, np.load(tmp_path / "e.npy"))


def test_predict_equals_cli_predict(sgntk_exe, tmp_path, data, grid):
    x, y = data
    np.save(tmp_path / "x.npy", x)
    np.save(tmp_path / "y.npy", y[:, None])
    np.save(tmp_path / "t.npy", grid)
    run_cli(sgntk_exe, "predict", spec("paper/sign_sgl.sgntk"), "--kind", "sgntk", "--t", "3000", "--x-train",
            str(tmp_path / "x.npy"), "--y-train", str(tmp_path / "y.npy"), "--x-test", str(tmp_path / "t.npy"),
            "--out", str(tmp_path / "p.npy"), "--cov", str(tmp_path / "c.npy"))
    net = sgntk.load(spec("paper/sign_sgl.sgntk"))
    mean, std, cov = net.predict(x, y, grid, kind="sgntk", t=3000, cov=True)
    expected = np.load(tmp_path / "p.npy")
    assert np.array_equal(mean[:, 0], expected[:, 0]) and np.array_equal(std, expected[:, 1])
    assert np.array_equal(cov, np.load(tmp_path / "c.npy"))
    mean2, std2 = net.predict(x, y, grid, kind="sgntk", t=3000)
    assert np.array_equal(mean2, mean) and np.array_equal(std2, std)


def test_check_and_dump_print_what_sgntk_check_prints(sgntk_exe):
    net = sgntk.load(spec("paper/erf_sgntk.sgntk"))
    assert net.check() == str(net) == run_cli(sgntk_exe, "check", spec("paper/erf_sgntk.sgntk")).stdout
    for stage in ("ast", "graph", "program"):
        assert net.dump(stage) == run_cli(sgntk_exe, "check", spec("paper/erf_sgntk.sgntk"), "--dump", stage).stdout
    with pytest.raises(ValueError):
        net.dump("tokens")


def test_run_returns_the_manifest(tmp_path):
    manifest = sgntk.run(spec("paper/figure_mse.sgntk"), out=tmp_path / "mse", quick=True, only=["analytic"])
    assert manifest == {**json.loads((tmp_path / "mse" / "manifest.json").read_text()), "out": str(tmp_path / "mse")}
    assert manifest["quick"] is True
