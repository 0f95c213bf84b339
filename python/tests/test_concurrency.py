"""The GIL is released while a job runs, Ctrl-C interrupts it within a second, progress reaches
the callback, and a loop of many small calls leaks neither references nor memory."""
import gc
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import numpy as np
import pytest

import sgntk
from conftest import spec

# A sign network with a fast-sigmoid plugin surrogate: its SG-NTK needs quadrature, a few
# microseconds per entry, so a few hundred points take a second or more.
SLOW = """surrogate fs = plugin("fast_sigmoid", slope = 25)
network slow(input = 2) {
  dense(width = 10, act = sign, surrogate = fs)
  dense(width = 10, act = sign, surrogate = fs)
  readout(outputs = 1)
}
"""


def slow_points(n, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, 2)) * rng.uniform(0.5, 2.0, size=(n, 1))


def test_two_kernels_in_two_threads_overlap():
    """Each kernel's progress callback records when it runs; with the GIL held during a job the
    other thread could not run at all, so interleaved reports show that both computed at once."""
    net = sgntk.loads(SLOW)
    x = slow_points(150)
    times = {0: [], 1: []}
    def work(i):
        net.kernel(x, kind="sgntk", threads=1, progress=lambda f: times[i].append(time.monotonic()))
    threads = [threading.Thread(target=work, args=(i,)) for i in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(times[0]) >= 3 and len(times[1]) >= 3, times
    first = max(times[0][0], times[1][0])
    last = min(times[0][-1], times[1][-1])
    # Some report of each thread lies strictly inside the other's span of reports.
    assert first < last, times
    assert any(times[0][0] < t < times[0][-1] for t in times[1]) or any(times[1][0] < t < times[1][-1] for t in times[0])


def test_progress_reaches_the_callback_and_its_exception_cancels():
    net = sgntk.loads(SLOW)
    x = slow_points(60)
    seen = []
    net.kernel(x, kind="sgntk", progress=seen.append)
    assert seen and seen[-1] == 1.0 and all(0 <= f <= 1 for f in seen) and seen == sorted(seen)
    class Stop(Exception):
        pass
    def stop(f):
        raise Stop()
    with pytest.raises(Stop):
        net.kernel(x, kind="sgntk", progress=stop)


INTERRUPTED = """
import sys, time, numpy as np, sgntk
net = sgntk.loads({spec!r})
rng = np.random.default_rng(0)
x = rng.normal(size=({n}, 2)) * rng.uniform(0.5, 2.0, size=({n}, 1))
started = []
def progress(f):
    if not started:
        started.append(1); print("started", flush=True)
try:
    {call}
    print("finished", flush=True)
except KeyboardInterrupt:
    print("interrupted", time.monotonic(), flush=True)
"""


@pytest.mark.parametrize("call", [
    "net.kernel(x, kind='sgntk', progress=progress)",
    "net.train(x[:20], x[:20, 0], steps=10**7, ensemble=2, progress=progress)",
])
def test_ctrl_c_raises_keyboard_interrupt_within_a_second(call):
    code = INTERRUPTED.format(spec=SLOW.replace("width = 10", "width = 50") if "train" in call else SLOW,
                              n=2000, call=call)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env)
    assert proc.stdout.readline().strip() == "started"
    time.sleep(0.3)
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    words = out.split()
    assert words[:1] == ["interrupted"], (out, err)
    assert float(words[1]) - sent < 1.0


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def test_ten_thousand_small_calls_leak_nothing():
    net = sgntk.load(spec("paper/erf_sgntk.sgntk"))
    x = np.linspace(-1, 1, 20).reshape(10, 2)
    x32 = x.astype(np.float32)
    def calls(n):
        for _ in range(n):
            net.kernel(x, x, kind="sgntk")  # 10 x 10: 800 bytes per result
            net.kernel(x32[:, ::-1].tolist())
    calls(1000)  # warm up allocator pools and caches
    gc.collect()
    objects, rss, refs = len(gc.get_objects()), rss_bytes(), (sys.getrefcount(x), sys.getrefcount(net))
    calls(10_000)
    gc.collect()
    assert (sys.getrefcount(x), sys.getrefcount(net)) == refs
    assert len(gc.get_objects()) - objects < 50
    assert rss_bytes() - rss < 4 << 20  # 4 MiB: 20000 leaked results (>= 16 MB) would show
