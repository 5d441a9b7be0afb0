"""py-spy, the sampling profiler, recording running servers in the background during a phase."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.flame import FlameSummary, parse_collapsed, summarise, working


def py_spy() -> str | None:
    """The py-spy binary beside this Python (the app environment's), else on the PATH."""
    beside = Path(sys.executable).parent / "py-spy"
    return str(beside) if beside.exists() else shutil.which("py-spy")


@dataclass
class Recording:
    """One `py-spy record` of one process, writing collapsed stacks to `path`."""

    name: str
    pid: int
    path: Path
    process: subprocess.Popen[bytes] | None = None
    problem: str = ""
    summary: FlameSummary | None = field(default=None)  # every sample
    busy: FlameSummary | None = field(default=None)  # the threads at work only

    def finish(self, timeout: float, top: int) -> None:
        """Wait for py-spy to write its file, then read the summary (or say what failed)."""
        if self.process is None:
            return
        try:
            _, stderr = self.process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, stderr = self.process.communicate()
        if self.process.returncode != 0 or not self.path.exists():
            tail = stderr.decode(errors="replace").strip().splitlines()[-3:]
            self.problem = (
                f"py-spy exited {self.process.returncode}: {' / '.join(tail) or 'no output'}"
                " (it needs ptrace rights: root, or CAP_SYS_PTRACE, or kernel.yama.ptrace_scope=0)"
            )
            return
        stacks = parse_collapsed(self.path.read_text(errors="replace"))
        self.summary = summarise(stacks, top=top)
        self.busy = summarise(working(stacks), top=top)


def start_recordings(
    pids: dict[str, int],
    directory: Path,
    stamp: str,
    seconds: float,
    rate: int,
    *,
    gil: bool = False,
) -> list[Recording]:
    """Start `py-spy record` on each process (and its subprocesses) for `seconds`.

    With `gil`, only threads holding the GIL are sampled: Python at work, without the
    event loop's waits (nor native code that releases the GIL, such as TensorFlow's ops).
    """
    binary = py_spy()
    directory.mkdir(parents=True, exist_ok=True)
    recordings = []
    for name, pid in pids.items():
        recording = Recording(name, pid, directory / f"{stamp}-{name}.collapsed.txt")
        if binary is None:
            recording.problem = "py-spy is not installed (pip install py-spy, see requirements)"
        else:
            command = [
                binary, "record", "--pid", str(pid), "--duration", str(max(1, round(seconds))),
                "--rate", str(rate), "--format", "raw", "--nonblocking", "--subprocesses",
                "--output", str(recording.path), *(["--gil"] if gil else []),
            ]  # fmt: skip
            try:
                # Our own binary and arguments, no shell.
                recording.process = subprocess.Popen(  # noqa: S603
                    command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
                )
            except OSError as exc:
                recording.problem = f"py-spy did not start: {exc}"
        recordings.append(recording)
    return recordings
