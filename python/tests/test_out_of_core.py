"""Results written to files from Python: kernel(out=...) and predict(cov=PATH) give the CLI's
bytes, in memory and out of core; resume=True finishes a partial file to the same bytes; bad
arguments raise the package's usual exceptions."""
import os
import signal
import subprocess
import sys

import numpy as np
import pytest

import sgntk
from conftest import REPO, run_cli, spec


@pytest.fixture(scope="module")
def many_points() -> np.ndarray:
    """600 points of different norms: an 2.9 MB kernel, in bands of 16 rows under a 4M budget."""
    rng = np.random.default_rng(11)
    return rng.normal(size=(600, 2)) * rng.uniform(0.3, 2.5, size=(600, 1))


def read(path) -> bytes:
    with open(path, "rb") as f:
        return f.read()


def test_kernel_out_equals_cli_bytes_in_memory_and_out_of_core(sgntk_exe, tmp_path, many_points):
    np.save(tmp_path / "x.npy", many_points)
    run_cli(sgntk_exe, "kernel", spec("paper/erf_sgntk.sgntk"), "--kind", "sgntk", "--x1", str(tmp_path / "x.npy"),
            "--out", str(tmp_path / "cli.npy"))
    net = sgntk.load(spec("paper/erf_sgntk.sgntk"))
    in_memory = net.kernel(many_points, kind="sgntk")
    k = net.kernel(many_points, kind="sgntk", out=tmp_path / "mem.npy")
    assert isinstance(k, np.memmap) and not k.flags.writeable
    assert np.array_equal(k, in_memory)
    ooc = net.kernel(many_points, kind="sgntk", out=str(tmp_path / "ooc.npy"), out_of_core=True, memory_budget="4M")
    assert np.array_equal(ooc, in_memory)
    budget = net.kernel(many_points, kind="sgntk", out=tmp_path / "budget.npy", memory_budget=1 << 20)  # 2.9 MB > 1 MiB
    assert read(tmp_path / "cli.npy") == read(tmp_path / "mem.npy") == read(tmp_path / "ooc.npy") == \
        read(tmp_path / "budget.npy")
    assert budget.shape == (600, 600)
    assert sorted(os.listdir(tmp_path)) == ["budget.npy", "cli.npy", "mem.npy", "ooc.npy", "x.npy"]


def test_kernel_resume_after_a_killed_call_gives_the_uninterrupted_bytes(tmp_path, many_points):
    net = sgntk.load(spec("paper/erf_ntk.sgntk"))
    want = net.kernel(many_points, kind="ntk", out=tmp_path / "want.npy")
    np.save(tmp_path / "x.npy", many_points)
    out = tmp_path / "k.npy"
    journal = tmp_path / ".k.npy.partial.bands"
    # A separate interpreter writes the kernel out of core, resumable, on one thread, in bands of
    # 16 rows; its progress callback slows it down, then kills it (SIGKILL) a fifth of the way.
    code = ("import os, signal, time, numpy as np, sgntk\n"
            "def progress(f):\n"
            "    if f >= 0.2: os.kill(os.getpid(), signal.SIGKILL)\n"
            "    time.sleep(0.15)\n"
            f"net = sgntk.load({spec('paper/erf_ntk.sgntk')!r})\n"
            f"net.kernel(np.load({str(tmp_path / 'x.npy')!r}), kind='ntk', out={str(out)!r}, resume=True, "
            "memory_budget='256K', threads=1, progress=progress)\n")
    child = subprocess.run([sys.executable, "-c", code], timeout=120)
    assert child.returncode == -signal.SIGKILL
    assert not out.exists()
    assert journal.exists(), "the child finished or failed before it could be killed"
    done_before = journal.read_text().count("\ndone ")
    assert 3 <= done_before < 38  # 600 rows in bands of 16: 38 bands
    # Other inputs are refused rather than mixed.
    with pytest.raises(sgntk.DataError, match="computed from other inputs"):
        net.kernel(many_points[::-1], kind="ntk", out=out, resume=True)
    k = net.kernel(many_points, kind="ntk", out=out, resume=True)
    assert read(out) == read(tmp_path / "want.npy")
    assert np.array_equal(k, want)
    assert not journal.exists() and not (tmp_path / ".k.npy.partial").exists()


def test_predict_cov_file_equals_cli_bytes_streamed_or_not(sgntk_exe, tmp_path, many_points, grid):
    x = grid[::7]
    y = np.sin(3 * x[:, 0]) + x[:, 1]
    np.save(tmp_path / "x.npy", x)
    np.save(tmp_path / "y.npy", y[:, None])
    np.save(tmp_path / "test.npy", many_points)
    run_cli(sgntk_exe, "predict", spec("paper/sign_sgl.sgntk"), "--kind", "sgntk", "--t", "3000", "--x-train",
            str(tmp_path / "x.npy"), "--y-train", str(tmp_path / "y.npy"), "--x-test", str(tmp_path / "test.npy"),
            "--out", str(tmp_path / "p_cli.npy"), "--cov", str(tmp_path / "c_cli.npy"))
    net = sgntk.load(spec("paper/sign_sgl.sgntk"))
    mean, std, cov = net.predict(x, y, many_points, kind="sgntk", t=3000, cov=True)
    fractions = []
    for name, extra in (("c_mem.npy", {}), ("c_ooc.npy", {"out_of_core": True}),
                        ("c_small.npy", {"memory_budget": "64K", "progress": fractions.append})):
        m, s, c = net.predict(x, y, many_points, kind="sgntk", t=3000, cov=tmp_path / name, **extra)
        assert isinstance(c, np.memmap)
        assert np.array_equal(c, cov) and np.array_equal(m, mean) and np.array_equal(s, std)
        assert read(tmp_path / name) == read(tmp_path / "c_cli.npy"), name
    cli_out = np.load(tmp_path / "p_cli.npy")
    assert np.array_equal(cli_out[:, 0], mean[:, 0]) and np.array_equal(cli_out[:, 1], std)
    assert fractions and fractions[-1] == pytest.approx(1.0) and fractions == sorted(fractions)
    # Without a file, out_of_core=True changes nothing but must be asked for with one.
    assert not any(n.startswith(".") for n in os.listdir(tmp_path))


def test_file_arguments_are_checked_like_the_cli(tmp_path, grid):
    net = sgntk.load(spec("paper/erf_ntk.sgntk"))
    with pytest.raises(ValueError, match="need out="):
        net.kernel(grid, out_of_core=True)
    with pytest.raises(ValueError, match="need out="):
        net.kernel(grid, resume=True)
    with pytest.raises(ValueError, match="need an .npy out"):
        net.kernel(grid, out=tmp_path / "k.csv", out_of_core=True)
    with pytest.raises(ValueError, match="must end in .npy or .csv"):
        net.kernel(grid, out=tmp_path / "k.txt")
    with pytest.raises(ValueError, match="memory_budget must be"):
        net.kernel(grid, out=tmp_path / "k.npy", memory_budget="lots")
    with pytest.raises(ValueError, match="positive"):
        net.kernel(grid, out=tmp_path / "k.npy", memory_budget=0)
    with pytest.raises(TypeError, match="memory_budget"):
        net.kernel(grid, out=tmp_path / "k.npy", memory_budget=1.5)
    with pytest.raises(ValueError, match="need cov="):
        net.predict(grid[::7], grid[::7, 0], grid, kind="ntk", out_of_core=True)
    (tmp_path / "folder.npy").mkdir()
    with pytest.raises(sgntk.DataError, match="Is a directory"):
        net.kernel(grid, out=tmp_path / "folder.npy", out_of_core=True)
    assert os.listdir(tmp_path) == ["folder.npy"]
    # A .csv target goes through memory, as on the CLI, and reads back as an array.
    k = net.kernel(grid[:5], out=tmp_path / "k.csv")
    assert np.allclose(k, net.kernel(grid[:5]), rtol=1e-15, atol=0)
