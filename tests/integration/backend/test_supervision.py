"""A supervised server that dies is started again, after pauses that back off; only a signal
to the supervisor stops them all. Small stand-in servers (Python's http.server) play the
children: the real stack takes a minute to start (the e2e tests kill one of its servers)."""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from backend.backoff import Backoff
from backend.settings import ROOT
from backend.supervisor import Process, Supervisor


def spare_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def web_server(name: str, log_dir: Path) -> Process:
    port = spare_port()
    command = [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", str(port)]
    return Process(name, command, port, log_dir / f"{name}.log")


def answers(process: Process) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{process.port}/", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def eventually(condition: Callable[[], bool], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "it did not happen in time"
        time.sleep(0.05)


@pytest.fixture
def supervisor(tmp_path: Path) -> Iterator[Supervisor]:
    running = Supervisor(
        [web_server("web-1", tmp_path), web_server("web-2", tmp_path)],
        cwd=tmp_path,
        env=os.environ,
        poll_seconds=0.05,
    )
    running.start()
    eventually(lambda: all(answers(p) for p in running.processes))
    running.watch()
    yield running
    running.stop(grace=5)


def test_a_server_killed_outright_is_started_again_and_answers_while_the_others_run_on(
    supervisor: Supervisor, caplog: pytest.LogCaptureFixture
) -> None:
    killed, other = supervisor.process("web-1"), supervisor.process("web-2")
    old_pid, other_pid = killed.pid, other.pid
    assert old_pid is not None

    with caplog.at_level(logging.INFO, logger="backend.supervisor"):
        os.kill(old_pid, signal.SIGKILL)
        eventually(lambda: killed.pid not in (None, old_pid) and answers(killed))

    assert killed.restarts == 1
    assert other.pid == other_pid and other.restarts == 0
    assert "web-1 stopped (killed by SIGKILL)" in caplog.text
    assert "starting it again in 1 s" in caplog.text


def test_a_server_that_keeps_dying_is_started_again_after_ever_longer_pauses(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    failing = Process(
        "broken",
        [sys.executable, "-c", "print('cannot read config 0812345678901'); raise SystemExit(3)"],
        None,
        tmp_path / "broken.log",
        backoff=Backoff(first=0.1, cap=0.4),
    )
    supervisor = Supervisor([failing], cwd=tmp_path, env=os.environ, poll_seconds=0.02)
    with caplog.at_level(logging.INFO, logger="backend.supervisor"):
        supervisor.start()
        supervisor.watch()
        eventually(lambda: failing.restarts >= 4)
        supervisor.stop(grace=1)

    pauses = [line for line in caplog.messages if line.startswith("broken stopped")]
    assert [line.split(" in ")[1].split(" s")[0] for line in pauses[:4]] == [
        "0.1",
        "0.2",
        "0.4",
        "0.4",
    ]
    assert "(exit 3)" in pauses[0]
    assert "Last log line: cannot read config" in pauses[0]
    assert "0812345678901" not in caplog.text, "the last words are masked"


SUPERVISE_UNTIL_SIGNALLED = """
import os, sys
from pathlib import Path
from backend.supervisor import Process, Supervisor

log_dir = Path(sys.argv[1])
child = Process("sleeper", [sys.executable, "-c", "import time; time.sleep(600)"], None,
                log_dir / "sleeper.log")
supervisor = Supervisor([child], cwd=log_dir, env=os.environ, poll_seconds=0.05)
supervisor.start()
supervisor.run_until_signalled(ready=lambda: print(child.pid, flush=True))
supervisor.stop(grace=5)
print("stopped", flush=True)
"""


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_sigterm_or_ctrl_c_stops_every_server_and_then_the_supervisor(
    sig: signal.Signals, tmp_path: Path
) -> None:
    supervisor = subprocess.Popen(
        [sys.executable, "-c", SUPERVISE_UNTIL_SIGNALLED, str(tmp_path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert supervisor.stdout is not None
    child_pid = int(supervisor.stdout.readline())
    os.kill(child_pid, 0)  # running

    supervisor.send_signal(sig)
    out, _ = supervisor.communicate(timeout=30)

    assert supervisor.returncode == 0
    assert out.strip() == "stopped"
    with pytest.raises(ProcessLookupError):
        os.kill(child_pid, 0)


def test_a_server_whose_program_vanished_is_tried_again_after_growing_pauses(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    program = tmp_path / "server"
    program.write_text("#!/bin/sh\nexit 1\n")
    program.chmod(0o700)
    vanishing = Process(
        "vanishing", [str(program)], None, tmp_path / "v.log", backoff=Backoff(first=0.05, cap=0.2)
    )
    supervisor = Supervisor([vanishing], cwd=tmp_path, env=os.environ, poll_seconds=0.02)
    with caplog.at_level(logging.INFO, logger="backend.supervisor"):
        supervisor.start()
        program.unlink()
        supervisor.watch()
        eventually(lambda: caplog.text.count("vanishing could not start") >= 3)
        supervisor.stop(grace=1)

    assert "vanishing could not start (FileNotFoundError); trying again in" in caplog.text


def test_a_held_server_stays_down_until_released_while_the_others_run_on(
    supervisor: Supervisor,
) -> None:
    held, other = supervisor.processes
    other_pid = other.pid

    supervisor.hold(held.name, grace=5)
    time.sleep(1.0)  # twenty rounds of the watcher

    assert not held.running and not answers(held), "held: not started again"
    assert held.restarts == 0
    supervisor.release(held.name)
    eventually(lambda: answers(held))
    assert held.restarts == 0, "a release is no restart"
    assert other.pid == other_pid
    pid = held.pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    eventually(lambda: held.restarts == 1 and answers(held))  # watched again after release
