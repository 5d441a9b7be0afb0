"""The timeouts of a turn nest: the case API gives up before Rasa stops waiting for the action,
Rasa's action timeout ends before the conversation's lock expires, and the lock expires before
the app stops waiting for Rasa. Checked on the values the processes really get."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from actions.backend_client import BackendClient
from actions.settings import ActionSettings
from backend import timeouts
from backend.settings import Settings, SettingsError
from backend.stack import Stack
from engine.rasa_server import DEFAULT_ACTION_TIMEOUT_SECONDS, action_timeout_seconds

TOKENS = {"APP_API_TOKEN": "a" * 32, "RASA_AUTH_TOKEN": "b" * 32}


def defaults(tmp_path: Path) -> Settings:
    return Settings.from_env(TOKENS, env_file=tmp_path / "none")


def test_each_hop_of_a_turn_gives_up_before_the_hop_waiting_for_it(tmp_path: Path) -> None:
    settings = defaults(tmp_path)
    one_action_at_most = settings.case_api_budget_seconds * timeouts.CASE_API_CALLS_PER_ACTION

    assert settings.case_api_budget_seconds <= 10
    assert one_action_at_most < settings.rasa_action_timeout_seconds
    assert settings.rasa_action_timeout_seconds < settings.ticket_lock_lifetime_seconds
    assert settings.ticket_lock_lifetime_seconds < settings.rasa_turn_timeout_seconds
    assert (
        settings.case_api_budget_seconds,
        settings.rasa_action_timeout_seconds,
        settings.ticket_lock_lifetime_seconds,
        settings.rasa_turn_timeout_seconds,
    ) == (10, 40, 60, 90)


def test_processes_started_by_hand_use_the_same_values_as_the_stack(tmp_path: Path) -> None:
    settings = defaults(tmp_path)

    assert ActionSettings().case_api_budget_seconds == settings.case_api_budget_seconds
    assert ActionSettings.from_env({}, tmp_path / "none").case_api_budget_seconds == (
        settings.case_api_budget_seconds
    )
    assert settings.rasa_action_timeout_seconds == DEFAULT_ACTION_TIMEOUT_SECONDS
    assert action_timeout_seconds({}) == settings.rasa_action_timeout_seconds


def test_a_case_api_client_built_without_settings_keeps_the_budget_too() -> None:
    client = BackendClient("http://app.test", "token")

    assert client.budget_seconds == timeouts.CASE_API_CALL_BUDGET_SECONDS


def test_the_stack_hands_the_chain_to_rasa_the_actions_and_the_app(tmp_path: Path) -> None:
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'app.db'}",
        app_api_token=secrets.token_urlsafe(24),
        rasa_auth_token=secrets.token_urlsafe(24),
        rasa_url="http://127.0.0.1:5005",
        actions_url="http://127.0.0.1:5055",
        var_dir=tmp_path / "var",
    )

    env = Stack(settings, tmp_path / "model.tar.gz").env

    assert env["ACTIONS_CASE_API_BUDGET_SECONDS"] == "10"
    assert env["RASA_ACTION_TIMEOUT_SECONDS"] == "40"
    assert env["TICKET_LOCK_LIFETIME"] == "60"
    assert env["RASA_TURN_TIMEOUT_SECONDS"] == "90"


@pytest.mark.parametrize(
    ("changed", "named"),
    [
        ({"TICKET_LOCK_LIFETIME": "120"}, "TICKET_LOCK_LIFETIME"),
        ({"RASA_TURN_TIMEOUT_SECONDS": "30"}, "RASA_TURN_TIMEOUT_SECONDS"),
        ({"RASA_ACTION_TIMEOUT_SECONDS": "25"}, "ACTIONS_CASE_API_BUDGET_SECONDS"),
        ({"ACTIONS_CASE_API_BUDGET_SECONDS": "0"}, "more than 0"),
    ],
)
def test_settings_that_break_the_order_are_refused_naming_the_culprits(
    tmp_path: Path, changed: dict[str, str], named: str
) -> None:
    with pytest.raises(SettingsError, match=named):
        Settings.from_env({**TOKENS, **changed}, env_file=tmp_path / "none")


def test_a_longer_chain_in_the_right_order_is_accepted(tmp_path: Path) -> None:
    longer = {
        "ACTIONS_CASE_API_BUDGET_SECONDS": "20",
        "RASA_ACTION_TIMEOUT_SECONDS": "70",
        "TICKET_LOCK_LIFETIME": "100",
        "RASA_TURN_TIMEOUT_SECONDS": "130",
    }

    settings = Settings.from_env({**TOKENS, **longer}, env_file=tmp_path / "none")

    assert settings.rasa_turn_timeout_seconds == 130
