"""The action server's settings: environment over `.env`, with working defaults."""

from __future__ import annotations

from pathlib import Path

from actions.settings import ActionSettings


def test_without_configuration_the_app_is_local(tmp_path: Path) -> None:
    settings = ActionSettings.from_env({}, env_file=tmp_path / "missing.env")
    assert settings.app_url == "http://127.0.0.1:8000"
    assert settings.app_api_token == ""


def test_the_app_url_follows_app_port_unless_app_url_is_given(tmp_path: Path) -> None:
    missing = tmp_path / "missing.env"
    assert ActionSettings.from_env({"APP_PORT": "8123"}, missing).app_url == "http://127.0.0.1:8123"
    explicit = ActionSettings.from_env({"APP_PORT": "8123", "APP_URL": "http://app:80/"}, missing)
    assert explicit.app_url == "http://app:80"


def test_the_environment_wins_over_the_env_file(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("APP_API_TOKEN=from-file\nACTIONS_HTTP_TIMEOUT_SECONDS=3\n")
    settings = ActionSettings.from_env({"APP_API_TOKEN": "from-env"}, env_file)
    assert (settings.app_api_token, settings.http_timeout_seconds) == ("from-env", 3.0)
