"""A kernel's array is the runtime's own buffer: computing it costs about one output of memory,
never a second copy (measured in a fresh interpreter, whose peak RSS is this call's)."""
import subprocess
import sys
import textwrap

from conftest import spec


def test_kernel_peak_memory_is_about_one_output():
    code = textwrap.dedent(f"""
        import resource
        import numpy as np
        import sgntk
        net = sgntk.load({spec("paper/erf_ntk.sgntk")!r})
        x = np.random.default_rng(0).normal(size=(3000, 2))
        net.kernel(x[:10], kind="ntk")  # the first call's one-off allocations (thread pool)
        # The resident size now (not the peak so far, which may hold memory freed since), in KiB.
        before = int(next(l for l in open("/proc/self/status") if l.startswith("VmRSS:")).split()[1])
        k = net.kernel(x, kind="ntk")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print((peak - before) * 1024 / k.nbytes)
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    ratio = float(result.stdout)
    assert 0.9 < ratio < 1.1, ratio  # a copy of the result would make it 2
