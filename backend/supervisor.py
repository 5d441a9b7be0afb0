"""Child servers kept running: one that dies is started again, after a pause that backs off.

The supervisor starts each `Process` in a session of its own (so Ctrl-C in the terminal
reaches only the supervisor, which then stops them in order), notices when one dies, logs
which one and why (its exit status and the masked last line of its log), and starts it again
after the pause `Backoff` gives. Only `stop()`, on Ctrl-C or SIGTERM, ends them all.

    supervisor = Supervisor(processes, cwd=ROOT, env=environment)
    supervisor.start()
    supervisor.run_until_signalled()   # in the main thread, or supervisor.watch() in a thread
    supervisor.stop()
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from backend.backoff import Backoff
from backend.domain.personal_data import mask_for_logs
from backend.private_files import open_private_log

logger = logging.getLogger("backend.supervisor")
LAST_WORDS_CHARS = 160


@dataclass
class Process:
    """One server: its command, its port (if it has one), its log and its own environment."""

    name: str
    command: list[str]
    port: int | None
    log_path: Path
    env: dict[str, str] = field(default_factory=dict)  # over the supervisor's environment
    backoff: Backoff = field(default_factory=Backoff, repr=False)
    popen: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    started_at: float = field(default=0.0, repr=False)
    restarts: int = 0
    restart_at: float | None = field(default=None, repr=False)  # set while it waits to restart
    held: bool = field(default=False, repr=False)  # stopped on purpose: not started again

    @property
    def pid(self) -> int | None:
        """The running process's id; None while it is down."""
        return self.popen.pid if self.running else None

    @property
    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def log_tail(self, lines: int = 30) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def last_words(self) -> str:
        """The last non-empty line of its log, masked and short: fit for the supervisor's log."""
        lines = [line.strip() for line in self.log_tail(10).splitlines() if line.strip()]
        if not lines:
            return ""
        line = mask_for_logs(lines[-1])
        return line if len(line) <= LAST_WORDS_CHARS else line[: LAST_WORDS_CHARS - 1] + "…"


def exit_reason(returncode: int) -> str:
    """`exit 1`, or the signal that ended it (`killed by SIGKILL`)."""
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        return f"killed by {name}"
    return f"exit {returncode}"


class Supervisor:
    """Starts processes, restarts the ones that die (with backoff), stops them all on request."""

    def __init__(
        self,
        processes: Iterable[Process],
        *,
        cwd: Path,
        env: Mapping[str, str],
        clock: Callable[[], float] = time.monotonic,
        poll_seconds: float = 0.2,
    ) -> None:
        self.processes = list(processes)
        self.cwd = cwd
        self.env = dict(env)
        self.clock = clock
        self.poll_seconds = poll_seconds
        self._lock = threading.RLock()
        self._stopping = threading.Event()
        self._watcher: threading.Thread | None = None

    def process(self, name: str) -> Process:
        return next(p for p in self.processes if p.name == name)

    def start(self) -> None:
        """Start every process that is not running."""
        with self._lock:
            for process in self.processes:
                if not process.running:
                    self.launch(process)

    def launch(self, process: Process) -> None:
        """Start one process now, its output appended to its log."""
        with self._lock, open_private_log(process.log_path) as log:
            process.popen = subprocess.Popen(  # noqa: S603  (our own fixed commands)
                process.command,
                cwd=self.cwd,
                env={**self.env, **process.env},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            process.started_at = self.clock()
            process.restart_at = None

    def tend(self) -> None:
        """One round: note the processes that died, start again those whose pause is over."""
        with self._lock:
            if self._stopping.is_set():
                return
            now = self.clock()
            for process in self.processes:
                if process.popen is None or process.held:
                    continue
                returncode = process.popen.poll()
                if process.restart_at is None and returncode is not None:
                    self._schedule_restart(process, returncode, now)
                if process.restart_at is not None and now >= process.restart_at:
                    process.restarts += 1
                    logger.warning("restarting %s (restart %d)", process.name, process.restarts)
                    try:
                        self.launch(process)
                    except OSError as exc:  # its program is gone: try again after a pause
                        pause = process.backoff.pause_after(0.0)
                        process.restart_at = now + pause
                        logger.error(
                            "%s could not start (%s); trying again in %g s",
                            process.name,
                            exc.__class__.__name__,
                            pause,
                        )

    def _schedule_restart(self, process: Process, returncode: int, now: float) -> None:
        # Whatever it left behind (a worker process of its own) goes with it: the port is free.
        _signal_group(process, signal.SIGKILL)
        ran_for = now - process.started_at
        pause = process.backoff.pause_after(ran_for)
        process.restart_at = now + pause
        last = process.last_words()
        logger.error(
            "%s stopped (%s) after %.1f s; starting it again in %g s.%s",
            process.name,
            exit_reason(returncode),
            ran_for,
            pause,
            f" Last log line: {last}" if last else "",
        )

    def watch(self) -> None:
        """Tend the processes in a background thread until `stop()`."""
        if self._watcher is not None:
            return
        self._watcher = threading.Thread(target=self._watch, name="supervisor", daemon=True)
        self._watcher.start()

    def _watch(self) -> None:
        while not self._stopping.wait(self.poll_seconds):
            try:
                self.tend()
            except Exception:  # keep watching: a failed start is retried after its pause
                logger.exception("the supervisor could not tend its processes")

    def run_until_signalled(self, ready: Callable[[], None] | None = None) -> None:
        """Tend the processes in this (main) thread until Ctrl-C or SIGTERM; then return.

        `ready` is called once the signals are caught, so none is missed after it.
        """
        signalled = threading.Event()

        def request_stop(signum: int, frame: object) -> None:
            signalled.set()

        previous = {
            sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            if ready is not None:
                ready()
            while not signalled.wait(self.poll_seconds):
                self.tend()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def restart(self, name: str, grace: float = 15.0) -> None:
        """Stop one process on purpose (as a deploy would) and start it again at once."""
        with self._lock:
            process = self.process(name)
            stop_processes([process], grace)
            self.launch(process)

    def hold(self, name: str, grace: float = 15.0) -> None:
        """Stop one process and keep it stopped (an outage) until `release(name)`."""
        with self._lock:
            process = self.process(name)
            process.held = True
            process.restart_at = None
            stop_processes([process], grace)

    def release(self, name: str) -> None:
        """Start a held process again; from now on it is restarted when it dies."""
        with self._lock:
            process = self.process(name)
            process.held = False
            if not process.running:
                self.launch(process)

    def stop(self, grace: float = 15.0) -> None:
        """Stop watching, then ask every process to stop; kill those still running after `grace`."""
        self._stopping.set()
        if self._watcher is not None:
            self._watcher.join()
        with self._lock:
            stop_processes(self.processes, grace)


def stop_processes(processes: list[Process], grace: float) -> None:
    """SIGTERM to each process's group, then SIGKILL to the groups that outlive `grace`."""
    running = [p for p in processes if p.running]
    for process in running:
        _signal_group(process, signal.SIGTERM)
    deadline = time.monotonic() + grace
    for process in running:
        if process.popen is None:  # only started processes are in `running`
            continue
        try:
            process.popen.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _signal_group(process, signal.SIGKILL)
            process.popen.wait()
        # Its own children (a server's workers) go with it.
        _signal_group(process, signal.SIGKILL)


def _signal_group(process: Process, sig: signal.Signals) -> None:
    if process.popen is None:
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.popen.pid, sig)
