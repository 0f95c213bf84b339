"""sgntk: neural tangent kernels (NNGP, NTK and the surrogate-gradient NTK) of networks with
jump activations, compiled from a spec. The same C++ core as the ``sgntk`` command line.

    import sgntk
    net = sgntk.load("specs/paper/erf_sgntk.sgntk", set={"m": 5})
    K = net.kernel(x1, x2, kind="sgntk")            # (n1, n2) float64
    mean, std = net.predict(x_train, y_train, x_test, kind="sgntk", t=3000)
    manifest = sgntk.run("specs/paper/figure2.sgntk", quick=True)
"""
from ._errors import DataError, EvalError, PluginError, SgntkError, SpecError
from ._network import Network, load, loads
from ._run import run

__version__ = "0.1.0"
__all__ = ["load", "loads", "run", "Network", "SgntkError", "SpecError", "PluginError", "DataError", "EvalError"]
