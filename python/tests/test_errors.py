"""Every error type, with the CLI's diagnostic text and its position in the spec."""
import os
import re
import warnings

import numpy as np
import pytest

import sgntk
from conftest import spec

NETWORK = """param m = 2
surrogate fs = plugin("{plugin}", slope = 25)
network net(input = 2) {{
  dense(width = 10, act = {act}, surrogate = fs)
  readout(outputs = 1)
}}
"""

HOSTILE = """surrogate g = plugin("{plugin}")
network net(input = 2) {{
  dense(width = 10, act = sign, surrogate = g)
  readout(outputs = 1)
}}
"""


def test_spec_error_has_file_line_column_and_caret():
    with pytest.raises(sgntk.SpecError) as info:
        sgntk.loads(NETWORK.format(plugin="fast_sigmoid", act="rleu"), name="typo.sgntk")
    e = info.value
    assert isinstance(e, ValueError)
    assert (e.file, e.line, e.column) == ("typo.sgntk", 4, 27)
    assert e.caret.splitlines() == [
        "typo.sgntk:4:27: error: unknown activation 'rleu'",
        "    4 |   dense(width = 10, act = rleu, surrogate = fs)",
        "      |                           ^~~~",
    ]
    assert "note: did you mean 'relu'?" in str(e)


def test_spec_error_of_a_parse_error_and_of_a_missing_file(tmp_path):
    bad = tmp_path / "bad.sgntk"
    bad.write_text("param m = )\n")
    with pytest.raises(sgntk.SpecError) as info:
        sgntk.load(bad)
    assert (info.value.file, info.value.line) == (str(bad), 1)
    with pytest.raises(sgntk.SpecError, match="cannot read") as info:
        sgntk.load(tmp_path / "absent.sgntk")
    assert info.value.line is None


def test_spec_error_of_set_for_an_unknown_param():
    with pytest.raises(sgntk.SpecError, match="'q'"):
        sgntk.load(spec("paper/erf_sgntk.sgntk"), set={"q": 1})


def test_plugin_error_names_the_plugin_at_its_position():
    with pytest.raises(sgntk.PluginError) as info:
        sgntk.loads(NETWORK.format(plugin="no_such_plugin", act="sign"), name="p.sgntk")
    e = info.value
    assert not isinstance(e, sgntk.SpecError)
    assert (e.file, e.line) == ("p.sgntk", 2)
    assert "no_such_plugin" in str(e)


def test_plugin_surrogate_loads_from_the_built_in_plugins(points):
    net = sgntk.loads(NETWORK.format(plugin="fast_sigmoid", act="sign"))
    assert np.isfinite(net.kernel(points[:3], kind="sgntk")).all()


def test_a_crashing_plugin_is_a_plugin_error_and_leaves_other_plugins_working(sgntk_exe, points):
    # The test plugins of tests/plugins/broken, built beside the sgntk binary.
    broken = os.path.join(os.path.dirname(sgntk_exe), "tests", "plugins", "broken")
    for hostile, reason in [("hostile_crash", "crashed with SIGSEGV (signal 11) while calling eval"),
                            ("hostile_exit", "ended the process with exit status 0 while calling eval"),
                            ("hostile_liar", "gauss_average disagrees with quadrature of eval")]:
        folder = os.path.join(broken, hostile)
        if not os.path.isdir(folder):
            pytest.skip(f"test plugins not built in {broken}")
        with pytest.raises(sgntk.PluginError, match=re.escape(reason)) as info:
            sgntk.loads(HOSTILE.format(plugin=hostile), plugin_path=folder, name="h.sgntk")
        assert (info.value.file, info.value.line) == ("h.sgntk", 1)
        net = sgntk.loads(NETWORK.format(plugin="fast_sigmoid", act="sign"), plugin_path=folder)
        assert np.isfinite(net.kernel(points[:3], kind="sgntk")).all()


def test_data_error_for_wrong_dimension_names_the_network(points):
    net = sgntk.load(spec("paper/erf_sgntk.sgntk"))
    with pytest.raises(sgntk.DataError, match="input dimension 2"):
        net.kernel(np.ones((3, 4)))


def test_eval_error_for_gradient_descent_through_sign(points):
    net = sgntk.load(spec("paper/sign_sgl.sgntk"), set={"n": 10})
    with pytest.raises(sgntk.EvalError, match="delta"):
        net.train(points[:4], points[:4, 0], steps=2, ensemble=1, backprop="true")


def test_infinite_naive_ntk_diagonal_warns_with_the_layer(points):
    net = sgntk.load(spec("paper/sign_sgl.sgntk"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        k = net.kernel(points[:3], kind="ntk")
    assert [w.category for w in caught] == [RuntimeWarning, RuntimeWarning]  # one per sign layer
    for layer, w in enumerate(caught, start=1):
        assert re.match(rf".*sign_sgl.sgntk:\d+:3: warning: the NTK of layer {layer} is \+inf on the diagonal", str(w.message))
        assert "note: the naive NTK of a jump activation is ill-posed" in str(w.message)
    assert np.isinf(np.diag(k)).all() and np.isfinite(k[0, 1])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        net.kernel(points[:3], kind="sgntk")  # the SG-NTK is finite: no warning
