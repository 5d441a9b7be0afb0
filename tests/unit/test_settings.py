"""Settings are read once, from the environment over `.env`, and refuse unsafe values."""

from pathlib import Path

import pytest

from backend.settings import Settings, SettingsError

TOKENS = {"APP_API_TOKEN": "a" * 32, "RASA_AUTH_TOKEN": "b" * 32}


def test_the_environment_wins_over_the_env_file(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("APP_PORT=9000\nINSTITUTION=bank\n")
    settings = Settings.from_env({**TOKENS, "APP_PORT": "8100"}, env_file=env_file)
    assert settings.app_port == 8100
    assert settings.institution == "bank"


def test_the_default_database_is_a_sqlite_file_under_var(tmp_path: Path) -> None:
    settings = Settings.from_env({**TOKENS, "VAR_DIR": str(tmp_path)}, env_file=tmp_path / "none")
    assert settings.database_url == f"sqlite+aiosqlite:///{tmp_path / 'app.db'}"


@pytest.mark.parametrize("token", ["", "change-me"])
def test_a_missing_or_placeholder_token_is_refused(tmp_path: Path, token: str) -> None:
    with pytest.raises(SettingsError, match="APP_API_TOKEN"):
        Settings.from_env({**TOKENS, "APP_API_TOKEN": token}, env_file=tmp_path / "none")


def test_production_refuses_short_secrets(tmp_path: Path) -> None:
    environ = {**TOKENS, "RASA_AUTH_TOKEN": "short-but-set", "ENVIRONMENT": "production"}
    with pytest.raises(SettingsError, match="RASA_AUTH_TOKEN"):
        Settings.from_env(environ, env_file=tmp_path / "none")


def test_a_non_numeric_port_is_named_in_the_error(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="APP_PORT"):
        Settings.from_env({**TOKENS, "APP_PORT": "eighty"}, env_file=tmp_path / "none")


@pytest.mark.parametrize(
    ("value", "on"), [(None, False), ("false", False), ("true", True), ("1", True), ("on", True)]
)
def test_round_robin_assignment_is_off_unless_console_round_robin_says_so(
    tmp_path: Path, value: str | None, on: bool
) -> None:
    environ = {**TOKENS, **({"CONSOLE_ROUND_ROBIN": value} if value is not None else {})}
    assert Settings.from_env(environ, env_file=tmp_path / "none").console_round_robin is on
