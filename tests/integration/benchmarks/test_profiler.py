"""py-spy records a running Python process and its recording is summarised."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.profiler import py_spy, start_recordings

BUSY = """
import time
def spin():
    end = time.monotonic() + 20
    while time.monotonic() < end:
        total = 0
        for i in range(1000):
            total += i * i
spin()
"""


@pytest.fixture
def busy_process() -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen([sys.executable, "-c", BUSY])
    yield process
    process.kill()
    process.wait()


@pytest.mark.skipif(py_spy() is None, reason="py-spy is not installed")
def test_a_busy_process_is_recorded_and_its_busy_function_tops_the_self_share(
    busy_process: subprocess.Popen[bytes], tmp_path: Path
) -> None:
    [recording] = start_recordings({"busy": busy_process.pid}, tmp_path, "t", 1.5, 100)
    recording.finish(timeout=30, top=5)
    if recording.summary is None and "ptrace" in recording.problem:
        pytest.skip(f"no ptrace rights here: {recording.problem}")
    assert recording.summary is not None, recording.problem
    assert recording.path.exists()
    assert recording.summary.samples > 20
    assert recording.summary.self[0].frame.startswith("spin (")
    assert recording.summary.self[0].share > 0.5


def test_a_process_that_does_not_exist_is_reported_not_raised(tmp_path: Path) -> None:
    [recording] = start_recordings({"gone": 2**22 + 7}, tmp_path, "t", 1, 100)
    recording.finish(timeout=30, top=5)
    assert recording.summary is None
    assert recording.problem
