"""The local stack: the Rasa server, the action server and the app, as supervised children."""

from __future__ import annotations

import os
import socket
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from backend.private_files import private_directory
from backend.settings import ROOT, Settings
from backend.supervisor import Process, Supervisor

__all__ = ["Process", "Stack", "StackError", "rasa_bin", "rasa_environment", "rasa_python"]

RASA_VENV_VARIABLE = "RASA_VENV"


class StackError(RuntimeError):
    """The stack could not start; the message says why in plain words."""


def rasa_environment(root: Path = ROOT) -> Path:
    """The Rasa engine's virtual environment: `.venv-rasa/` of the checkout, or `$RASA_VENV`."""
    configured = os.environ.get(RASA_VENV_VARIABLE, "").strip()
    return Path(configured) if configured else root / ".venv-rasa"


def rasa_bin(root: Path = ROOT) -> Path:
    return rasa_environment(root) / "bin" / "rasa"


def rasa_python(root: Path = ROOT) -> Path:
    return rasa_environment(root) / "bin" / "python"


def rasa_server_command(root: Path, rasa_args: list[str]) -> list[str]:
    """`rasa run …` through the launcher, which reads the token from RASA_AUTH_TOKEN itself.

    Nothing secret is on the command line: every local user can read /proc/<pid>/cmdline.
    """
    launcher = root / "engine" / "rasa_server.py"
    return [str(rasa_python(root)), str(launcher), "run", *rasa_args]


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


def timeout_environment(settings: Settings) -> dict[str, str]:
    """The turn's timeout chain (backend/timeouts.py), for every process of the turn."""
    return {
        "ACTIONS_CASE_API_BUDGET_SECONDS": f"{settings.case_api_budget_seconds:g}",
        "RASA_ACTION_TIMEOUT_SECONDS": f"{settings.rasa_action_timeout_seconds:g}",
        "TICKET_LOCK_LIFETIME": str(settings.ticket_lock_lifetime_seconds),
        "RASA_TURN_TIMEOUT_SECONDS": f"{settings.rasa_turn_timeout_seconds:g}",
    }


class Stack:
    """Starts the three servers, waits for `/health`, restarts one that dies, stops them all."""

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
        processes = [
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
        self.supervisor = Supervisor(processes, cwd=root, env=self.env)

    def _environment(self) -> dict[str, str]:
        s = self.settings
        environment = {
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
            "RATE_LIMIT_PREFIX": s.rate_limit_prefix,
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
            "SANIC_HOST": "127.0.0.1",
            "RASA_TELEMETRY_ENABLED": "false",
            "PYTHONUNBUFFERED": "1",
            **timeout_environment(s),
        }
        if s.redis_url:  # shared rate limits in the app, and Rasa's lock store
            environment["REDIS_URL"] = s.redis_url
        return environment

    @property
    def processes(self) -> list[Process]:
        return self.supervisor.processes

    def start(self, timeout: float = 240.0) -> None:
        """Start every server and return once `/health` is green; raise StackError otherwise."""
        busy = [
            f"{p.name} (port {p.port})" for p in self.processes if not port_is_free(p.port or 0)
        ]
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
        self.supervisor.start()
        try:
            self.wait_healthy(timeout)
        except StackError:
            self.stop()
            raise

    def supervise(self) -> None:
        """From now on a server that dies is started again (in a background thread)."""
        self.supervisor.watch()

    def restart(self, name: str, timeout: float = 240.0) -> None:
        """Stop one server (as a crash or a deploy would) and start it again."""
        self.supervisor.restart(name, grace=15.0)
        self.wait_healthy(timeout)

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
        return all(p.running for p in self.processes)

    def stop(self, grace: float = 15.0) -> None:
        """Ask every server to stop, and kill those that do not within the grace period."""
        self.supervisor.stop(grace)
