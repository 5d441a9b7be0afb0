"""`var/` (database, documents, logs) belongs to the service's user alone: folders 0700, files
0600, even under the usual umask 022 and for a `var/` made by an older version."""

from __future__ import annotations

import os
import secrets
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from backend import cli
from backend.settings import Settings
from backend.stack import Process, Stack
from backend.storage import DocumentStore


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    """The umask most shells start with (group and others may read)."""
    before = os.umask(0o022)
    yield
    os.umask(before)


def settings_in(var_dir: Path) -> Settings:
    return Settings(
        database_url=f"sqlite+aiosqlite:///{var_dir / 'app.db'}",
        app_api_token=secrets.token_urlsafe(24),
        rasa_auth_token=secrets.token_urlsafe(24),
        rasa_url="http://127.0.0.1:5005",
        actions_url="http://127.0.0.1:5055",
        var_dir=var_dir,
    )


def test_migrating_creates_a_private_var_folder_and_database(tmp_path: Path) -> None:
    var = tmp_path / "var"

    cli.migrate(settings_in(var))

    assert mode(var) == 0o700
    assert mode(var / "app.db") == 0o600


def test_migrating_tightens_a_var_folder_and_database_made_by_an_older_version(
    tmp_path: Path,
) -> None:
    var = tmp_path / "var"
    cli.migrate(settings_in(var))
    var.chmod(0o755)  # as an older version left them
    (var / "app.db").chmod(0o644)

    cli.migrate(settings_in(var))

    assert mode(var) == 0o700
    assert mode(var / "app.db") == 0o600


async def test_stored_documents_and_their_folders_are_private(tmp_path: Path) -> None:
    store = DocumentStore(tmp_path / "var" / "documents")
    relative = store.relative_path("KP-2611-00001M", "ab" * 32, ".pdf")

    await store.save(relative, b"%PDF-1.7")

    document = store.path(relative)
    assert mode(document) == 0o600
    assert mode(document.parent) == 0o700
    assert mode(tmp_path / "var" / "documents") == 0o700


def test_the_stacks_logs_are_private(tmp_path: Path) -> None:
    var = tmp_path / "var"
    stack = Stack(settings_in(var), tmp_path / "model.tar.gz")
    log = stack.log_dir / "probe.log"
    probe = Process("probe", [sys.executable, "-c", "print('started')"], 0, log)

    stack.log_dir.mkdir(parents=True)  # as an older version left it: 0755
    stack.supervisor.launch(probe)
    assert probe.popen is not None
    probe.popen.wait(timeout=30)

    assert log.read_text() == "started\n"
    assert mode(log) == 0o600
    assert mode(stack.log_dir) == 0o700


@pytest.mark.parametrize("command", ["serve", "actions", "migrate"])
def test_the_server_commands_create_everything_private(
    command: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[int] = []

    def record_umask(*args: object, **kwargs: object) -> None:
        current = os.umask(0o077)
        os.umask(current)
        seen.append(current)

    monkeypatch.setenv("APP_API_TOKEN", secrets.token_urlsafe(24))
    monkeypatch.setenv("RASA_AUTH_TOKEN", secrets.token_urlsafe(24))
    monkeypatch.setattr(cli, command, record_umask)

    assert cli.main([command]) == 0

    assert seen == [0o077]
