"""The run command writes `.env` once, with fresh secrets, and never overwrites it."""

import stat
from pathlib import Path

from backend.cli import init_env
from backend.settings import Settings


def test_init_env_writes_random_secrets_readable_only_by_the_owner(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    assert init_env(path) is True
    settings = Settings.from_env({}, env_file=path)
    assert len(settings.app_api_token) >= 32
    assert settings.app_api_token != settings.rasa_auth_token
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_init_env_never_overwrites_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_text("APP_API_TOKEN=mine\nWIDGET_SECRET=ours\n")
    assert init_env(path) is False
    assert path.read_text() == "APP_API_TOKEN=mine\nWIDGET_SECRET=ours\n"


def test_two_env_files_get_different_secrets(tmp_path: Path) -> None:
    init_env(tmp_path / "a.env")
    init_env(tmp_path / "b.env")
    assert (tmp_path / "a.env").read_text() != (tmp_path / "b.env").read_text()
