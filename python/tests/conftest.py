"""Shared fixtures: the repository's specs and data, and the sgntk binary of the same build."""
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]


def spec(name: str) -> str:
    return str(REPO / "specs" / name)


@pytest.fixture(scope="session")
def grid() -> np.ndarray:
    return np.loadtxt(REPO / "specs/data/circle_grid.csv", delimiter=",")


@pytest.fixture(scope="session")
def points() -> np.ndarray:
    """Points of different norms in dimension 2 (the SG-NTK is not symmetric on them)."""
    rng = np.random.default_rng(7)
    return rng.normal(size=(23, 2)) * rng.uniform(0.3, 2.5, size=(23, 1))


@pytest.fixture(scope="session")
def sgntk_exe() -> str:
    exe = os.environ.get("SGNTK_EXE", str(REPO / "build" / "sgntk"))
    if not os.access(exe, os.X_OK):
        pytest.skip(f"no sgntk binary at {exe} (set SGNTK_EXE)")
    return exe


def run_cli(exe: str, *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run([exe, *args, "--quiet"] if args[0] in ("kernel", "train") else [exe, *args],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result
