"""With REDIS_URL set, the Rasa launcher gives Rasa its Redis lock store; else the file stays."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from backend.settings import ROOT
from engine.rasa_server import (
    GENERATED_PREFIX,
    PASSWORD_VARIABLE,
    LaunchError,
    endpoints_with_lock_store,
    lock_store_section,
    with_lock_store,
)

ENDPOINTS = (ROOT / "endpoints.yml").read_text()


def lock_store_of(text: str) -> dict[str, object]:
    return dict(yaml.safe_load(text)["lock_store"])


def test_a_plain_redis_url_becomes_rasas_redis_lock_store_settings() -> None:
    section, environment = lock_store_section("redis://10.0.0.7:6380/2", "aduan")

    assert lock_store_of(section) == {
        "type": "redis",
        "url": "10.0.0.7",
        "port": 6380,
        "db": 2,
        "key_prefix": "aduan",
    }
    assert environment == {}


def test_the_password_is_read_from_the_environment_and_never_written_to_the_file() -> None:
    section, environment = lock_store_section("rediss://:s3cr%40t@redis.internal/0", "aduan")

    assert "s3cr" not in section
    assert f"  password: ${{{PASSWORD_VARIABLE}}}" in section.splitlines()
    assert environment == {PASSWORD_VARIABLE: "s3cr@t"}
    settings = lock_store_of(section)
    assert (settings["url"], settings["port"]) == ("redis.internal", 6379)
    assert settings["use_ssl"] is True


def test_the_key_prefix_keeps_only_what_rasa_accepts() -> None:
    section, _ = lock_store_section("redis://127.0.0.1:6379/0", "aduan-test_1")

    assert lock_store_of(section)["key_prefix"] == "aduantest1"


@pytest.mark.parametrize("url", ["http://127.0.0.1:6379", "redis://127.0.0.1:6379/zero"])
def test_a_url_that_is_not_redis_stops_the_launch(url: str) -> None:
    with pytest.raises(LaunchError, match="REDIS_URL"):
        lock_store_section(url, "aduan")


def test_the_project_endpoints_keep_their_action_server_and_tracker_and_gain_a_lock_store() -> None:
    generated = endpoints_with_lock_store(
        ENDPOINTS, {"REDIS_URL": "redis://127.0.0.1:6379/0", "RATE_LIMIT_PREFIX": "prod"}
    )

    assert generated is not None
    text, _ = generated
    endpoints = yaml.safe_load(text)
    assert endpoints["action_endpoint"] == {"url": "${ACTIONS_URL}/webhook"}
    assert endpoints["tracker_store"] == {"type": "SQL", "url": "${TRACKER_STORE_URL}"}
    assert endpoints["lock_store"]["type"] == "redis"
    assert endpoints["lock_store"]["key_prefix"] == "prod"


def test_without_redis_the_endpoints_stay_as_they_are_and_rasa_locks_in_memory() -> None:
    assert endpoints_with_lock_store(ENDPOINTS, {}) is None
    assert endpoints_with_lock_store(ENDPOINTS, {"REDIS_URL": " "}) is None


def test_a_lock_store_configured_in_the_file_wins_over_redis_url() -> None:
    own = ENDPOINTS + "\nlock_store:\n  type: in_memory\n"

    assert endpoints_with_lock_store(own, {"REDIS_URL": "redis://127.0.0.1:6379/0"}) is None


@pytest.mark.parametrize(
    "given", [["--endpoints", "endpoints.yml"], ["--endpoints=endpoints.yml"], []]
)
def test_rasa_is_pointed_at_a_private_copy_with_the_lock_store(
    given: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    environ = {"REDIS_URL": "redis://:pw@127.0.0.1:6379/1"}

    argv = with_lock_store(["run", "--enable-api", *given], environ, directory=str(tmp_path))

    [written] = list(tmp_path.iterdir())
    assert argv == ["run", "--enable-api", f"--endpoints={written}"]
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert lock_store_of(written.read_text())["db"] == 1
    assert environ[PASSWORD_VARIABLE] == "pw"


def test_without_redis_rasa_gets_the_arguments_it_was_given(tmp_path: Path) -> None:
    argv = ["run", "--endpoints", str(ROOT / "endpoints.yml")]

    assert with_lock_store(argv, dict(os.environ) | {"REDIS_URL": ""}, str(tmp_path)) == argv
    assert list(tmp_path.iterdir()) == []


def test_a_copy_left_by_a_killed_launcher_is_removed_by_the_next_one(tmp_path: Path) -> None:
    finished = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    orphan = tmp_path / f"{GENERATED_PREFIX}{finished.stdout.strip()}-abc.yml"
    running = tmp_path / f"{GENERATED_PREFIX}{os.getpid()}-def.yml"
    unrelated = tmp_path / "endpoints.yml"
    for path in (orphan, running, unrelated):
        path.write_text("lock_store: {}\n")

    with_lock_store(
        ["run", "--endpoints", str(ROOT / "endpoints.yml")],
        {"REDIS_URL": "redis://127.0.0.1:6379/0"},
        directory=str(tmp_path),
    )

    assert not orphan.exists()
    assert running.exists() and unrelated.exists()
