"""The OJK route: the facilitation requirements checked one by one, and the route that fits."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.backend_client import BackendUnavailable
from actions.dates import WIB
from actions.ojk import ActionOjkRoute, ValidateOjkForm
from tests.unit.actions.fakes import FakeBackend, sent, texts, tracker

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=WIB)
FORM = ValidateOjkForm(clock=lambda: NOW)
ELIGIBLE = {
    "ojk_rejected": True,
    "ojk_loss_amount": 25_000_000,
    "ojk_in_court": False,
    "ojk_civil": True,
    "ojk_facilitated_before": False,
    "ojk_response_date": "2026-11-03",
}


async def route(
    slots: dict[str, Any], backend: FakeBackend | None = None
) -> tuple[CollectingDispatcher, list[dict[str, Any]]]:
    """The route for these answers; the case API (a fake) gives the filing deadline."""
    dispatcher = CollectingDispatcher()
    action = ActionOjkRoute(backend or FakeBackend(), clock=lambda: NOW)
    events = await action.run(dispatcher, tracker(slots), {})
    return dispatcher, events


async def asked(slots: dict[str, Any]) -> list[str]:
    return await FORM.required_slots([], CollectingDispatcher(), tracker(slots), {})


async def test_a_dispute_meeting_every_requirement_goes_to_ojk_with_the_documents() -> None:
    dispatcher, events = await route(ELIGIBLE)
    assert sent(dispatcher) == ["ojk_route_facilitation"]
    answer = texts(dispatcher)
    assert "29 Januari 2027" in answer
    for document in ("KTP/SIM/paspor", "surat kuasa", "tanggapan pengaduan", "bermeterai"):
        assert document in answer
    assert all(e["value"] is None for e in events)


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ({"ojk_loss_amount": 750_000_000}, "lebih dari Rp500.000.000"),
        ({"ojk_loss_amount": 0}, "tidak ada kerugian materiil"),
        ({"ojk_in_court": True}, "pengadilan, arbitrase, atau LAPS"),
        ({"ojk_civil": False}, "tidak bersifat perdata"),
        ({"ojk_facilitated_before": True}, "sudah pernah difasilitasi OJK"),
        ({"ojk_response_date": "2026-08-03"}, "60 hari kerja"),
    ],
)
async def test_a_requirement_not_met_points_to_laps_sjk_or_court_with_the_reason(
    answer: dict[str, Any], reason: str
) -> None:
    dispatcher, _ = await route({**ELIGIBLE, **answer})
    assert sent(dispatcher) == ["ojk_route_other"]
    assert reason in texts(dispatcher) and "LAPS SJK" in texts(dispatcher)


async def test_the_filing_deadline_is_the_case_api_s(backend: FakeBackend) -> None:
    async def deadline(response_date: date) -> date:
        return date(2027, 2, 1)

    backend.facilitation_deadline = deadline  # type: ignore[method-assign]
    dispatcher, _ = await route(ELIGIBLE, backend)
    assert "1 Februari 2027" in texts(dispatcher)


async def test_without_the_filing_deadline_another_reason_is_still_told(
    backend: FakeBackend,
) -> None:
    backend.failure = BackendUnavailable("down")
    dispatcher, _ = await route({**ELIGIBLE, "ojk_in_court": True}, backend)
    assert sent(dispatcher) == ["ojk_route_other"]
    assert "pengadilan, arbitrase, atau LAPS" in texts(dispatcher)


async def test_without_the_filing_deadline_no_route_is_promised(backend: FakeBackend) -> None:
    backend.failure = BackendUnavailable("down")
    dispatcher, events = await route(ELIGIBLE, backend)
    assert sent(dispatcher) == ["service_unavailable"]
    assert all(e["value"] is None for e in events)


async def test_without_a_rejected_response_the_customer_complains_first() -> None:
    dispatcher, _ = await route({"ojk_rejected": False})
    assert sent(dispatcher) == ["ojk_route_complain_first"]


async def test_a_cancelled_check_says_so() -> None:
    dispatcher, _ = await route({})
    assert sent(dispatcher) == ["ojk_check_cancelled"]


async def test_the_check_stops_at_the_first_answer_that_rules_facilitation_out() -> None:
    assert await asked({}) == list(ELIGIBLE)
    assert await asked({"ojk_rejected": False}) == ["ojk_rejected"]
    assert await asked({"ojk_rejected": True, "ojk_loss_amount": 900_000_000}) == [
        "ojk_rejected",
        "ojk_loss_amount",
    ]


@pytest.mark.parametrize(
    ("slot", "typed", "intent", "value"),
    [
        ("ojk_rejected", "iya", "affirm", True),
        ("ojk_in_court", "tidak", "deny", False),
        ("ojk_in_court", "/deny", "deny", False),
        ("ojk_loss_amount", "25jt", "inform", 25_000_000),
        ("ojk_loss_amount", "Rp 1.500.000", "inform", 1_500_000),
        ("ojk_response_date", "3 November 2026", "inform", "2026-11-03"),
    ],
)
def test_the_answers_are_read_from_buttons_or_typed_words(
    slot: str, typed: str, intent: str, value: Any
) -> None:
    typed_message = tracker(text=typed, intent=intent)
    result = getattr(FORM, f"validate_{slot}")(typed, CollectingDispatcher(), typed_message, {})
    assert result == {slot: value}


def test_an_unreadable_answer_is_asked_again() -> None:
    dispatcher = CollectingDispatcher()
    assert FORM.validate_ojk_civil("hmm", dispatcher, tracker(), {}) == {"ojk_civil": None}
    assert sent(dispatcher) == ["invalid_yes_no"]


async def test_batal_ends_the_check_with_nothing_decided() -> None:
    events = await FORM.run(
        CollectingDispatcher(),
        tracker({"requested_slot": "ojk_civil"}, text="batal", intent="cancel"),
        {},
    )
    assert {(e["name"], e["value"]) for e in events} >= {
        ("requested_slot", None),
        ("ojk_rejected", None),
    }
