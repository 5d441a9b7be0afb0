"""The session start: the institution the app runs with and the language become slots."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.backend_client import BackendUnavailable
from actions.session import ActionSessionStart
from tests.unit.actions.fakes import FakeBackend, tracker


async def start(
    backend: FakeBackend,
    metadata: dict[str, Any] | None = None,
    domain: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    return await ActionSessionStart(backend).run(
        CollectingDispatcher(),
        tracker({"session_started_metadata": metadata}),
        domain or {"session_config": {"carry_over_slots_to_new_session": False}},
    )


def slots(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


async def test_the_session_knows_the_institution_the_app_runs_with(backend: FakeBackend) -> None:
    backend.institution_key = "bank"

    events = await start(backend)

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
    ("key", "name", "roles"),
    [
        ("kreditpro", "KreditPro", ["lender", "borrower"]),
        ("bank", "Bank Nusantara Digital", ["customer", "representative"]),
    ],
)
async def test_the_real_profiles_give_the_name_and_roles(
    backend: FakeBackend, key: str, name: str, roles: list[str]
) -> None:
    backend.institution_key = key

    found = slots(await start(backend))

    assert (found["institution_name"], found["institution_roles"]) == (name, roles)


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
    backend: FakeBackend, metadata: dict[str, Any] | None, language: str
) -> None:
    events = await start(backend, metadata)
    assert slots(events)["language"] == language


async def test_slots_are_carried_over_when_the_domain_says_so(backend: FakeBackend) -> None:
    domain = {"session_config": {"carry_over_slots_to_new_session": True}}
    events = await ActionSessionStart(backend).run(
        CollectingDispatcher(), tracker({"register_number": "KP-2611-00042X"}), domain
    )
    assert slots(events)["register_number"] == "KP-2611-00042X"


async def test_while_the_case_api_is_down_the_session_still_starts_in_its_language(
    backend: FakeBackend,
) -> None:
    backend.failure = BackendUnavailable("down")

    events = await start(backend, {"language": "en"})

    assert slots(events) == {"session_started_metadata": {"language": "en"}, "language": "en"}
    assert events[-1]["name"] == "action_listen"
