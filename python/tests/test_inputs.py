"""Array-likes of every common form give the kernel of the same float64 points, and the CLI
reads .npy files of the same forms."""
import numpy as np
import pytest

import sgntk
from conftest import run_cli, spec


@pytest.fixture(scope="module")
def net():
    return sgntk.load(spec("paper/erf_sgntk.sgntk"), set={"m": 5})


def test_forms_of_input_give_the_same_kernel(net, points):
    x = np.ascontiguousarray(points[:6])
    expected = net.kernel(x, kind="sgntk")
    assert np.array_equal(net.kernel(x.tolist(), kind="sgntk"), expected)          # lists
    assert np.array_equal(net.kernel(np.asfortranarray(x), kind="sgntk"), expected)  # Fortran order
    wide = np.zeros((6, 5))
    wide[:, 1:4:2] = x
    assert np.array_equal(net.kernel(wide[:, 1:4:2], kind="sgntk"), expected)       # a strided view
    assert np.array_equal(net.kernel(x[::-1], kind="sgntk"), expected[::-1, ::-1])  # negative strides


def test_one_dimensional_input_is_one_point(net, points):
    assert np.array_equal(net.kernel(points[3], points, kind="ntk"), net.kernel(points[3:4], points, kind="ntk"))
    assert net.kernel([0.5, 0.25], kind="ntk").shape == (1, 1)


def test_float32_and_int_inputs_are_read_as_their_values(net, points):
    x32 = points[:5].astype(np.float32)
    assert np.array_equal(net.kernel(x32, kind="ntk"), net.kernel(x32.astype(np.float64), kind="ntk"))
    xi = np.array([[1, 2], [-3, 0], [2, 2]], dtype=np.int32)
    assert np.array_equal(net.kernel(xi, kind="ntk"), net.kernel(xi.astype(np.float64), kind="ntk"))
    x16 = points[:3].astype(np.float16)
    assert np.array_equal(net.kernel(x16, kind="ntk"), net.kernel(x16.astype(np.float64), kind="ntk"))


@pytest.mark.parametrize("bad, words", [
    (np.zeros((2, 2, 2)), "3 dimensions"),
    (np.zeros((0, 2)), "empty"),
    (np.array([[0.0, np.nan]]), "not finite"),
    (np.zeros((2, 3)), "dimension 3"),
])
def test_bad_input_raises_data_error(net, bad, words):
    with pytest.raises(sgntk.DataError, match=words):
        net.kernel(bad)


def test_bad_arguments_raise_value_error(net, points):
    with pytest.raises(ValueError, match="kind must be one of nngp, ntk, sgntk"):
        net.kernel(points, kind="sgtk")
    with pytest.raises(ValueError):
        net.kernel(points, threads=-1)


def test_cli_reads_npy_of_any_float_dtype_shape_and_order(sgntk_exe, tmp_path, points):
    """`sgntk kernel` accepts what numpy writes: float32, int, 1-D (one point), Fortran order."""
    x = points[:4]
    def cli(x1):
        np.save(tmp_path / "x.npy", x1)
        run_cli(sgntk_exe, "kernel", spec("paper/erf_sgntk.sgntk"), "--kind", "ntk", "--x1", str(tmp_path / "x.npy"),
                "--x2", str(tmp_path / "x2.npy"), "--out", str(tmp_path / "k.npy"))
        return np.load(tmp_path / "k.npy")
    np.save(tmp_path / "x2.npy", points)
    net = sgntk.load(spec("paper/erf_sgntk.sgntk"))
    assert np.array_equal(cli(x.astype(np.float32)), net.kernel(x.astype(np.float32), points, kind="ntk"))
    assert np.array_equal(cli(np.asfortranarray(x)), net.kernel(x, points, kind="ntk"))
    assert np.array_equal(cli(x[1]), net.kernel(x[1:2], points, kind="ntk"))
    assert np.array_equal(cli(np.array([[1, -2], [0, 3]], dtype=np.int64)), net.kernel([[1, -2], [0, 3]], points, kind="ntk"))
