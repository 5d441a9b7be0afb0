"""The session start: the institution profile and the language become slots."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.session import ActionSessionStart, load_institution
from tests.unit.actions.fakes import tracker


@dataclass(frozen=True)
class Profile:
    name: str
    kind: str
    roles: tuple[str, ...]


async def start(
    loader: Any, metadata: dict[str, Any] | None = None, domain: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    return await ActionSessionStart(loader).run(
        CollectingDispatcher(),
        tracker({"session_started_metadata": metadata}),
        domain or {"session_config": {"carry_over_slots_to_new_session": False}},
    )


def slots(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


async def test_the_session_knows_the_institution_of_the_institution_setting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("INSTITUTION", "bank")
    asked: list[str] = []

    def loader(key: str) -> Profile:
        asked.append(key)
        return Profile("Bank Nusantara Digital", "bank", ("customer", "representative"))

    events = await start(loader)
    assert asked == ["bank"]
    assert events[0]["event"] == "session_started"
    assert events[-1] == {**events[-1], "event": "action", "name": "action_listen"}
    assert slots(events) == {
        "session_started_metadata": None,
        "institution_name": "Bank Nusantara Digital",
        "institution_kind": "bank",
        "institution_roles": ["customer", "representative"],
        "language": "id",
    }


@pytest.mark.parametrize(
    ("metadata", "language"),
    [
        ({"language": "en"}, "en"),
        ({"language": "en-US"}, "en"),
        ({"language": "fr"}, "id"),
        (None, "id"),
    ],
)
async def test_the_language_comes_from_the_session_metadata(
    metadata: dict[str, Any] | None, language: str
) -> None:
    events = await start(lambda key: Profile("KreditPro", "p2p", ()), metadata)
    assert slots(events)["language"] == language


async def test_slots_are_carried_over_when_the_domain_says_so() -> None:
    domain = {"session_config": {"carry_over_slots_to_new_session": True}}
    events = await ActionSessionStart(lambda key: Profile("KreditPro", "p2p", ())).run(
        CollectingDispatcher(), tracker({"register_number": "KP-2611-00042X"}), domain
    )
    assert slots(events)["register_number"] == "KP-2611-00042X"


@pytest.mark.parametrize(
    ("key", "name", "roles"),
    [
        ("kreditpro", "KreditPro", ("lender", "borrower")),
        ("bank", "Bank Nusantara Digital", ("customer", "representative")),
    ],
)
def test_the_real_profiles_give_the_name_and_roles(
    key: str, name: str, roles: tuple[str, ...]
) -> None:
    profile = load_institution(key)
    assert (profile.name, tuple(profile.roles)) == (name, roles)
