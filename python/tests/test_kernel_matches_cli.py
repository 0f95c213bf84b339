"""net.kernel gives the bits `sgntk kernel` writes, for every kind, and the SG-NTK's orientation."""
import numpy as np
import pytest

import sgntk
from conftest import run_cli, spec

KINDS = ["nngp", "ntk", "sgntk"]


def cli_kernel(exe, tmp_path, spec_path, kind, x1, x2=None, sets=()):
    np.save(tmp_path / "x1.npy", x1)
    args = ["kernel", spec_path, "--kind", kind, "--x1", str(tmp_path / "x1.npy"), "--out", str(tmp_path / "k.npy")]
    if x2 is not None:
        np.save(tmp_path / "x2.npy", x2)
        args += ["--x2", str(tmp_path / "x2.npy")]
    for s in sets:
        args += ["--set", s]
    run_cli(exe, *args)
    return np.load(tmp_path / "k.npy")


@pytest.mark.parametrize("kind", KINDS)
def test_bitwise_equal_to_cli_on_two_sets(sgntk_exe, tmp_path, grid, points, kind):
    net = sgntk.load(spec("paper/erf_sgntk.sgntk"), set={"m": 5})
    expected = cli_kernel(sgntk_exe, tmp_path, spec("paper/erf_sgntk.sgntk"), kind, points, grid, ["m=5"])
    got = net.kernel(points, grid, kind=kind)
    assert got.dtype == np.float64 and got.shape == (len(points), len(grid))
    assert np.array_equal(got, expected)  # bitwise: no tolerance


@pytest.mark.parametrize("kind", KINDS)
def test_bitwise_equal_to_cli_symmetric(sgntk_exe, tmp_path, points, kind):
    net = sgntk.load(spec("paper/sign_sgl.sgntk"))
    expected = cli_kernel(sgntk_exe, tmp_path, spec("paper/sign_sgl.sgntk"), "nngp" if kind == "ntk" else kind, points)
    got = net.kernel(points, kind="nngp" if kind == "ntk" else kind)
    assert np.array_equal(got, expected)


def test_set_inf_and_threads_give_the_same_bits(sgntk_exe, tmp_path, grid, points):
    net = sgntk.load(spec("paper/erf_sgntk.sgntk"), set={"m": float("inf")})
    expected = cli_kernel(sgntk_exe, tmp_path, spec("paper/erf_sgntk.sgntk"), "sgntk", points, grid, ["m=inf"])
    assert np.array_equal(net.kernel(points, grid, kind="sgntk", threads=1), expected)
    assert np.array_equal(net.kernel(points, grid, kind="sgntk", threads=2), expected)


def test_sgntk_true_derivative_belongs_to_x1(sgntk_exe, tmp_path, points):
    """K[i, j] = I(x1_i, x2_j) with the true derivative at x1: for points of different norms,
    swapping the inputs and transposing gives a different matrix; the CLI agrees bit for bit."""
    net = sgntk.load(spec("paper/erf_sgntk.sgntk"), set={"m": 5})
    x1, x2 = points[:9], points[9:]
    k = net.kernel(x1, x2, kind="sgntk")
    swapped = net.kernel(x2, x1, kind="sgntk").T
    assert not np.allclose(k, swapped, rtol=1e-6, atol=0)
    assert np.array_equal(k, cli_kernel(sgntk_exe, tmp_path, spec("paper/erf_sgntk.sgntk"), "sgntk", x1, x2, ["m=5"]))
    # The NTK has no orientation: swapping is a transpose.
    assert np.allclose(net.kernel(x1, x2, kind="ntk"), net.kernel(x2, x1, kind="ntk").T, rtol=1e-13, atol=0)


def test_kernel_fn_is_a_namedtuple_like_neural_tangents(points):
    net = sgntk.load(spec("paper/erf_sgntk.sgntk"))
    k = net.kernel_fn(points[:4], points[4:9], get=("ntk", "nngp"))
    assert k._fields == ("ntk", "nngp")
    assert np.array_equal(k.ntk, net.kernel(points[:4], points[4:9], kind="ntk"))
    assert np.array_equal(net.kernel_fn(points[:4], get="sgntk"), net.kernel(points[:4], kind="sgntk"))
    assert len(net.kernel_fn(points[:3])) == 3


def test_result_owns_its_buffer_and_outlives_the_network(points):
    k = sgntk.load(spec("paper/erf_sgntk.sgntk")).kernel(points)
    copy = k.copy()
    import gc
    gc.collect()
    assert k.flags.writeable and k.flags.c_contiguous
    k[0, 0] = 1.5  # writable, its own memory
    assert np.array_equal(k[1:], copy[1:])
