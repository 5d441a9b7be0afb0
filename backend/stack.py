"""The local stack: the Rasa server, the action server and the app, as child processes."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from backend.private_files import open_private_log, private_directory
from backend.settings import ROOT, Settings


class StackError(RuntimeError):
    """The stack could not start; the message says why in plain words."""


@dataclass
class Process:
    """One server of the stack and where its output goes."""

    name: str
    command: list[str]
    port: int
    log_path: Path
    popen: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def log_tail(self, lines: int = 30) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


def rasa_bin(root: Path = ROOT) -> Path:
    return root / ".venv-rasa" / "bin" / "rasa"


def rasa_server_command(root: Path, rasa_args: list[str]) -> list[str]:
    """`rasa run …` through the launcher, which reads the token from RASA_AUTH_TOKEN itself.

    Nothing secret is on the command line: every local user can read /proc/<pid>/cmdline.
    """
    launcher = root / "engine" / "rasa_server.py"
    return [str(root / ".venv-rasa" / "bin" / "python"), str(launcher), "run", *rasa_args]


def port_of(url: str) -> int:
    parts = urlsplit(url)
    return parts.port or (443 if parts.scheme == "https" else 80)


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


class Stack:
    """Starts the three servers, waits for `/health`, and stops them together."""

    def __init__(
        self,
        settings: Settings,
        model: Path,
        *,
        root: Path = ROOT,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.settings = settings
        self.model = model
        self.root = root
        self.log_dir = settings.var_dir / "logs"
        self.env = {**os.environ, **self._environment(), **(extra_env or {})}
        python = sys.executable
        self.processes = [
            Process(
                "rasa",
                rasa_server_command(
                    root,
                    [
                        "--enable-api",
                        "--interface",
                        "127.0.0.1",
                        "--port",
                        str(port_of(settings.rasa_url)),
                        "--model",
                        str(model),
                        "--endpoints",
                        "endpoints.yml",
                        "--credentials",
                        "credentials.yml",
                    ],
                ),
                port_of(settings.rasa_url),
                self.log_dir / "rasa.log",
            ),
            Process(
                "actions",
                [
                    python,
                    "-m",
                    "backend.cli",
                    "actions",
                    "--port",
                    str(port_of(settings.actions_url)),
                ],
                port_of(settings.actions_url),
                self.log_dir / "actions.log",
            ),
            Process(
                "app",
                [python, "-m", "backend.cli", "serve"],
                settings.app_port,
                self.log_dir / "app.log",
            ),
        ]

    def _environment(self) -> dict[str, str]:
        s = self.settings
        return {
            "DATABASE_URL": s.database_url,
            "APP_API_TOKEN": s.app_api_token,
            "RASA_AUTH_TOKEN": s.rasa_auth_token,
            "WIDGET_SECRET": s.widget_secret,
            "WIDGET_TOKEN_DAYS": str(s.widget_token_days),
            "RASA_URL": s.rasa_url,
            "ACTIONS_URL": s.actions_url,
            "APP_PORT": str(s.app_port),
            "APP_URL": s.app_url,
            "INSTITUTION": s.institution,
            "VAR_DIR": str(s.var_dir),
            "TRACKER_STORE_URL": s.tracker_store_url or f"sqlite:///{s.var_dir / 'tracker.db'}",
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
            "SANIC_HOST": "127.0.0.1",
            "RASA_TELEMETRY_ENABLED": "false",
            "PYTHONUNBUFFERED": "1",
        }

    def start(self, timeout: float = 240.0) -> None:
        """Start every server and return once `/health` is green; raise StackError otherwise."""
        busy = [f"{p.name} (port {p.port})" for p in self.processes if not port_is_free(p.port)]
        if busy:
            raise StackError(
                "These ports are already in use: "
                + ", ".join(busy)
                + ". Stop whatever runs there, or set RASA_URL / ACTIONS_URL / APP_PORT in .env."
            )
        if not rasa_bin(self.root).exists():
            raise StackError("The Rasa environment is missing: run `make setup` first.")
        private_directory(self.settings.var_dir)
        private_directory(self.log_dir)
        for process in self.processes:
            self._launch(process)
        try:
            self.wait_healthy(timeout)
        except StackError:
            self.stop()
            raise

    def restart(self, name: str, timeout: float = 240.0) -> None:
        """Stop one server (as a crash or a deploy would) and start it again."""
        process = next(p for p in self.processes if p.name == name)
        self._stop([process], grace=15.0)
        self._launch(process)
        self.wait_healthy(timeout)

    def _launch(self, process: Process) -> None:
        with open_private_log(process.log_path) as log:
            process.popen = subprocess.Popen(  # noqa: S603  (our own fixed commands)
                process.command,
                cwd=self.root,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        url = f"{self.settings.app_url}/health"
        last = "no answer yet"
        while time.monotonic() < deadline:
            for process in self.processes:
                if process.popen is not None and process.popen.poll() is not None:
                    raise StackError(
                        f"The {process.name} server stopped (exit {process.popen.returncode}). "
                        f"Last lines of {process.log_path}:\n{process.log_tail()}"
                    )
            try:
                response = httpx.get(url, timeout=5)
                if response.status_code == 200:
                    return
                last = response.text
            except httpx.HTTPError as exc:
                last = exc.__class__.__name__
            time.sleep(1)
        raise StackError(f"The stack was not healthy after {timeout:.0f}s: {last}")

    def alive(self) -> bool:
        return all(p.popen is not None and p.popen.poll() is None for p in self.processes)

    def stop(self, grace: float = 15.0) -> None:
        """Ask every server to stop, and kill those that do not within the grace period."""
        self._stop(self.processes, grace)

    @staticmethod
    def _stop(processes: list[Process], grace: float) -> None:
        running = [p for p in processes if p.popen is not None and p.popen.poll() is None]
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


def _signal_group(process: Process, sig: signal.Signals) -> None:
    if process.popen is None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.popen.pid, sig)
