"""The Rasa auth token never appears on a command line (`ps`, /proc/<pid>/cmdline show those to
every local user): the stack passes it in the environment and the launcher hands it to Rasa
inside its own process."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
from pathlib import Path

import pytest

from backend.settings import ROOT, Settings
from backend.stack import Stack, rasa_python
from engine.rasa_server import LaunchError, rasa_arguments
from tests.conftest import unavailable

LAUNCHER = ROOT / "engine" / "rasa_server.py"
# Stands in for Rasa's command line: reports the arguments Rasa would parse and the
# command line the operating system shows for the process.
FAKE_RASA_MAIN = """
import json, sys
from pathlib import Path

def main():
    shown = Path("/proc/self/cmdline").read_bytes().decode().split("\\0")
    print(json.dumps({"argv": sys.argv, "cmdline": shown}))
"""

FAKE_RASA_MODULES = {
    "core.actions.action": (
        "class RemoteAction:\n"
        "    @staticmethod\n"
        "    def action_response_format_spec():\n"
        "        return {'type': 'object'}\n"
        "    def _validate_action_result(self, result):\n"
        "        return True\n"
    ),
    "shared.constants": "DOCS_BASE_URL = 'https://rasa.com/docs/rasa'\n",
    "utils.endpoints": (
        "DEFAULT_REQUEST_TIMEOUT = 300\n"
        "class EndpointConfig:\n"
        "    def session(self):\n"
        "        raise NotImplementedError\n"
    ),
    "core.tracker_store": (
        "def create_engine_kwargs(url):\n"
        "    return {}\n"
        "class SQLTrackerStore:\n"
        "    async def retrieve(self, sender_id):\n"
        "        return None\n"
        "    async def save(self, tracker):\n"
        "        return None\n"
        "    def _additional_events(self, session, tracker):\n"
        "        return iter(())\n"
    ),
}


def a_token() -> str:
    return "-" + secrets.token_urlsafe(24)  # a random token may start with "-"


def stack_for(token: str, tmp_path: Path) -> Stack:
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'app.db'}",
        app_api_token=secrets.token_urlsafe(24),
        rasa_auth_token=token,
        rasa_url="http://127.0.0.1:5005",
        actions_url="http://127.0.0.1:5055",
        var_dir=tmp_path / "var",
    )
    return Stack(settings, tmp_path / "model.tar.gz")


def test_no_server_of_the_stack_gets_the_token_on_its_command_line(tmp_path: Path) -> None:
    token = a_token()

    stack = stack_for(token, tmp_path)

    for process in stack.processes:
        assert not any(token in argument for argument in process.command), process.name
        assert not any(argument.startswith("--auth-token") for argument in process.command)
    assert stack.env["RASA_AUTH_TOKEN"] == token


def test_rasa_starts_through_the_launcher_on_the_rasa_environments_python(
    tmp_path: Path,
) -> None:
    [rasa] = [p for p in stack_for(a_token(), tmp_path).processes if p.name == "rasa"]

    assert rasa.command[:3] == [
        str(rasa_python(ROOT)),
        str(LAUNCHER),
        "run",
    ]
    assert "--enable-api" in rasa.command


def test_the_launcher_gives_rasa_the_token_from_its_environment_as_one_argument() -> None:
    token = a_token()

    argv = rasa_arguments(["run", "--enable-api"], {"RASA_AUTH_TOKEN": token})

    assert argv == ["run", "--enable-api", f"--auth-token={token}"]


@pytest.mark.parametrize("given", [["--auth-token", "x"], ["--auth-token=x"]])
def test_the_launcher_refuses_a_token_on_its_command_line(given: list[str]) -> None:
    with pytest.raises(LaunchError):
        rasa_arguments(["run", *given], {"RASA_AUTH_TOKEN": a_token()})


def test_the_launcher_refuses_to_start_an_open_api_without_a_token() -> None:
    with pytest.raises(LaunchError):
        rasa_arguments(["run", "--enable-api"], {"RASA_AUTH_TOKEN": " "})


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="needs /proc")
def test_rasa_reads_the_token_in_process_while_the_process_command_line_never_shows_it(
    tmp_path: Path,
) -> None:
    fake = tmp_path / "rasa"
    (fake / "core").mkdir(parents=True)
    (fake / "__init__.py").write_text("")
    (fake / "__main__.py").write_text(FAKE_RASA_MAIN)
    (fake / "core" / "__init__.py").write_text("")
    (fake / "core" / "constants.py").write_text("DEFAULT_REQUEST_TIMEOUT = 300\n")
    # What the launcher's other steps reach into (engine/action_responses.py,
    # action_connections.py, sqlite_tracker.py, tracker_cache.py), as small as Rasa's own
    # names allow.
    for module, source in FAKE_RASA_MODULES.items():
        path = fake.joinpath(*module.split(".")).with_suffix(".py")
        path.parent.mkdir(parents=True, exist_ok=True)
        (path.parent / "__init__.py").touch()
        path.write_text(source)
    python = rasa_python()
    if not python.exists():
        unavailable("the Rasa environment is missing: run `make setup`")
    token = a_token()
    env = {**os.environ, "RASA_AUTH_TOKEN": token, "PYTHONPATH": str(tmp_path)}
    env.pop("REDIS_URL", None)  # no lock store: the arguments stay exactly those given

    done = subprocess.run(
        [str(python), str(LAUNCHER), "run", "--enable-api"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    seen = json.loads(done.stdout)

    assert seen["argv"] == ["rasa", "run", "--enable-api", f"--auth-token={token}"]
    assert not any(token in part for part in seen["cmdline"])


def test_no_command_line_in_the_code_or_the_tests_carries_the_token() -> None:
    places = ["backend", "bot", "actions", "benchmarks", "tests/e2e", "Makefile"]
    offenders = [
        str(path.relative_to(ROOT))
        for place in places
        for path in ([ROOT / place] if (ROOT / place).is_file() else (ROOT / place).rglob("*"))
        if path.is_file()
        and path.suffix in (".py", "", ".sh")
        and "--auth-token" in path.read_text(errors="replace")
    ]

    assert offenders == []
