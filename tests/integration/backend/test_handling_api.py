"""Officers' actions on a case over HTTP, and its history (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx
import pytest

from backend.domain.calendar import WIB
from backend.domain.register_number import make_register_number
from tests.integration.backend.conftest import RunningApp
from tests.integration.backend.support import case_body

MONDAY = datetime(2026, 11, 23, 10, tzinfo=WIB)
AGENT = "Budi Santoso"


def body(**overrides: Any) -> dict[str, Any]:
    return case_body(**{"product": "Pinjaman konsumtif", **overrides})


@pytest.fixture
def frozen(running_app: RunningApp) -> datetime:
    """The server's clock stands at Monday 2026-11-23 10:00 WIB."""
    running_app.app.ctx.clock = lambda: MONDAY
    return MONDAY


async def new_case(api: httpx.AsyncClient, **overrides: Any) -> str:
    response = await api.post("/api/cases", json=body(**overrides))
    assert response.status_code == 201, response.text
    return str(response.json()["register_number"])


async def test_a_transition_answers_the_case_in_its_new_status(api: httpx.AsyncClient) -> None:
    number = await new_case(api)

    response = await api.post(
        f"/api/cases/{number}/transitions", json={"status": "in_progress", "actor": AGENT}
    )

    assert response.status_code == 200, response.text
    assert response.json()["status"] == "in_progress"
    assert response.json()["register_number"] == number


async def test_an_illegal_transition_answers_409_naming_current_and_requested_status(
    api: httpx.AsyncClient,
) -> None:
    number = await new_case(api)
    await api.post(f"/api/cases/{number}/transitions", json={"status": "escalated", "actor": AGENT})

    response = await api.post(
        f"/api/cases/{number}/transitions", json={"status": "in_progress", "actor": AGENT}
    )

    assert response.status_code == 409
    assert response.json() == {
        "error": "illegal_transition",
        "field": "status",
        "detail": "a case cannot go from escalated to in_progress",
        "current": "escalated",
        "requested": "in_progress",
        "allowed": [],
    }
    assert (await api.get(f"/api/cases/{number}")).json()["status"] == "escalated"


async def test_resolving_through_a_plain_transition_answers_422_naming_the_action(
    api: httpx.AsyncClient,
) -> None:
    number = await new_case(api)

    response = await api.post(
        f"/api/cases/{number}/transitions", json={"status": "resolved", "actor": AGENT}
    )

    assert response.status_code == 422
    assert response.json()["field"] == "status"
    assert "resolve" in response.json()["detail"]


@pytest.mark.parametrize(
    ("path", "payload", "field"),
    [
        ("transitions", {"status": "in_progress"}, "actor"),
        ("transitions", {"status": "closed", "actor": AGENT}, "status"),
        ("transitions", {"status": ["in_progress"], "actor": AGENT}, "status"),
        ("reject", {"ground": "rude", "reason": "x", "actor": AGENT}, "ground"),
        ("reject", {"ground": "already_resolved", "reason": "", "actor": AGENT}, "reason"),
        ("reject", {"ground": "already_resolved", "actor": AGENT}, "reason"),
        ("extend", {"notice": 5, "actor": AGENT}, "notice"),
        ("resolve", {"response": "   ", "actor": AGENT}, "response"),
        ("request-documents", {"actor": AGENT}, "documents"),
        ("assign", {"officer": "", "actor": AGENT}, "officer"),
        ("assign", {"officer": "x" * 201, "actor": AGENT}, "officer"),
        ("assign", {"officer": "Rina", "actor": {"name": "x"}}, "actor"),
        ("assign", ["Rina"], "body"),
    ],
)
async def test_bad_input_to_an_action_answers_422_naming_the_field(
    api: httpx.AsyncClient, path: str, payload: Any, field: str
) -> None:
    number = await new_case(api)

    response = await api.post(f"/api/cases/{number}/{path}", json=payload)

    assert response.status_code == 422, response.text
    assert response.json()["field"] == field
    events = (await api.get(f"/api/cases/{number}/events")).json()["items"]
    assert [event["action"] for event in events] == ["opened"]


@pytest.mark.parametrize("path", ["transitions", "reject", "extend", "resolve", "assign"])
async def test_an_action_with_a_body_that_is_not_json_answers_400(
    api: httpx.AsyncClient, path: str
) -> None:
    number = await new_case(api)

    response = await api.post(
        f"/api/cases/{number}/{path}",
        content=b"{oops",
        headers={"Content-Type": "application/json"},
    )

    assert response.status_code == 400
    assert response.json()["error"] == "malformed_json"


async def test_an_action_on_an_unknown_or_malformed_register_number_answers_404_or_422(
    api: httpx.AsyncClient,
) -> None:
    unused = make_register_number("KP", MONDAY, 4242)
    payload = {"officer": "Rina", "actor": AGENT}

    unknown = await api.post(f"/api/cases/{unused}/assign", json=payload)
    malformed = await api.post("/api/cases/nonsense/assign", json=payload)

    assert (unknown.status_code, malformed.status_code) == (404, 422)
    assert unknown.json()["error"] == "not_found"
    assert malformed.json()["error"] == "invalid_register_number"


async def test_rejecting_answers_the_case_with_ground_and_reason(
    api: httpx.AsyncClient, frozen: datetime
) -> None:
    number = await new_case(api)

    response = await api.post(
        f"/api/cases/{number}/reject",
        json={"ground": "already_resolved", "reason": "Sudah selesai di KP-2610.", "actor": AGENT},
    )

    case = response.json()
    assert response.status_code == 200, response.text
    assert (case["status"], case["rejection_ground"], case["rejection_reason"]) == (
        "rejected",
        "already_resolved",
        "Sudah selesai di KP-2610.",
    )
    assert case["rejected_at"] == "2026-11-23T10:00:00+07:00"
    assert (case["remaining_working_days"], case["overdue"]) == (None, False)


async def test_rejecting_for_incomplete_documents_too_early_answers_409(
    api: httpx.AsyncClient, frozen: datetime
) -> None:
    number = await new_case(api)

    response = await api.post(
        f"/api/cases/{number}/reject",
        json={"ground": "documents_incomplete", "reason": "KTP belum ada.", "actor": AGENT},
    )

    assert response.status_code == 409
    assert response.json()["error"] == "action_refused"
    assert response.json()["reason"] == "documents_not_overdue"


async def test_extending_a_letter_shows_the_extended_deadline_and_the_notice(
    api: httpx.AsyncClient, frozen: datetime
) -> None:
    number = await new_case(api, channel="letter")

    response = await api.post(
        f"/api/cases/{number}/extend",
        json={"notice": "Penanganan diperpanjang 10 hari kerja.", "actor": AGENT},
    )

    case = response.json()
    assert response.status_code == 200, response.text
    assert case["resolution_due_at"] == "2026-12-04T17:00:00+07:00"
    assert case["extended_resolution_due_at"] == "2026-12-18T17:00:00+07:00"
    assert case["extension_notice"] == "Penanganan diperpanjang 10 hari kerja."
    assert case["extension_sent_at"] == "2026-11-23T10:00:00+07:00"
    assert case["remaining_working_days"] == 19


async def test_a_second_extension_answers_409_already_extended(
    api: httpx.AsyncClient, frozen: datetime
) -> None:
    number = await new_case(api, channel="letter")
    payload = {"notice": "Diperpanjang.", "actor": AGENT}
    await api.post(f"/api/cases/{number}/extend", json=payload)

    response = await api.post(f"/api/cases/{number}/extend", json=payload)

    assert response.status_code == 409
    assert response.json()["reason"] == "already_extended"


async def test_an_extension_after_the_first_deadline_answers_409_deadline_passed(
    api: httpx.AsyncClient, running_app: RunningApp
) -> None:
    number = await new_case(api, channel="letter")
    running_app.app.ctx.clock = lambda: datetime(2026, 12, 4, 17, 0, 1, tzinfo=WIB)

    response = await api.post(
        f"/api/cases/{number}/extend", json={"notice": "Terlambat.", "actor": AGENT}
    )

    assert response.status_code == 409
    assert response.json()["reason"] == "deadline_passed"
    assert (await api.get(f"/api/cases/{number}")).json()["extended_resolution_due_at"] is None


async def test_extending_a_phoned_complaint_answers_409_oral_complaint(
    api: httpx.AsyncClient, frozen: datetime
) -> None:
    number = await new_case(api, channel="phone")

    response = await api.post(
        f"/api/cases/{number}/extend", json={"notice": "Diperpanjang.", "actor": AGENT}
    )

    assert response.status_code == 409
    assert response.json()["reason"] == "oral_complaint"


async def test_resolving_answers_the_response_and_the_facilitation_window(
    api: httpx.AsyncClient, running_app: RunningApp
) -> None:
    number = await new_case(api)
    running_app.app.ctx.clock = lambda: datetime(2026, 11, 24, 10, tzinfo=WIB)

    response = await api.post(
        f"/api/cases/{number}/resolve",
        json={"response": "Penagih telah ditegur.", "actor": AGENT},
    )

    case = response.json()
    assert response.status_code == 200, response.text
    assert case["status"] == "resolved"
    assert case["resolution_response"] == "Penagih telah ditegur."
    assert case["resolved_at"] == "2026-11-24T10:00:00+07:00"
    assert case["facilitation_window_ends_at"] == "2027-02-19T17:00:00+07:00"


async def test_requesting_documents_answers_the_waiting_case_with_their_due_date(
    api: httpx.AsyncClient, frozen: datetime
) -> None:
    number = await new_case(api)

    response = await api.post(
        f"/api/cases/{number}/request-documents",
        json={"documents": "Fotokopi KTP", "actor": AGENT},
    )

    case = response.json()
    assert response.status_code == 200, response.text
    assert case["status"] == "waiting_documents"
    assert case["requested_documents"] == "Fotokopi KTP"
    assert case["documents_requested_at"] == "2026-11-23T10:00:00+07:00"
    assert case["documents_due_at"] == "2026-12-07T17:00:00+07:00"


async def test_assigning_shows_the_officer_on_the_case(api: httpx.AsyncClient) -> None:
    number = await new_case(api)

    response = await api.post(
        f"/api/cases/{number}/assign", json={"officer": "Rina Wijaya", "actor": "supervisor"}
    )

    assert response.status_code == 200
    assert response.json()["officer"] == "Rina Wijaya"


async def test_the_history_lists_every_change_with_actor_time_and_before_after(
    api: httpx.AsyncClient, frozen: datetime
) -> None:
    number = await new_case(api, channel="letter")
    for path, payload in [
        ("assign", {"officer": "Rina", "actor": "supervisor"}),
        ("transitions", {"status": "in_progress", "actor": "rina"}),
        ("extend", {"notice": "Diperpanjang.", "actor": "rina"}),
        ("resolve", {"response": "Selesai.", "actor": "rina"}),
    ]:
        assert (await api.post(f"/api/cases/{number}/{path}", json=payload)).status_code == 200

    response = await api.get(f"/api/cases/{number}/events")

    events = response.json()["items"]
    assert response.status_code == 200
    assert [(e["action"], e["actor"]) for e in events] == [
        ("opened", "api"),
        ("assigned", "supervisor"),
        ("status_changed", "rina"),
        ("extended", "rina"),
        ("resolved", "rina"),
    ]
    assert all(e["at"] == "2026-11-23T10:00:00+07:00" for e in events)
    assert events[0]["before"] is None
    assert events[0]["after"]["register_number"] == number
    assert events[2]["before"] == {"status": "received"}
    assert events[2]["after"] == {"status": "in_progress"}
    assert events[4]["after"]["status"] == "resolved"
    assert events[4]["after"]["resolution_response"] == "Selesai."


async def test_the_history_of_an_unknown_case_answers_404(api: httpx.AsyncClient) -> None:
    response = await api.get(f"/api/cases/{make_register_number('KP', MONDAY, 77)}/events")

    assert response.status_code == 404


async def test_actions_need_the_bearer_token(running_app: RunningApp) -> None:
    async with httpx.AsyncClient(base_url=running_app.url) as client:
        response = await client.post(
            f"/api/cases/{make_register_number('KP', MONDAY, 1)}/resolve",
            json={"response": "x", "actor": "y"},
        )

    assert response.status_code == 401
