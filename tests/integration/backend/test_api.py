"""The case API over HTTP against the running app (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import httpx
import pytest

from backend import services
from backend.db.engine import Database
from backend.domain.calendar import WIB
from backend.domain.register_number import make_register_number
from tests.integration.backend.conftest import TOKEN, RunningApp
from tests.integration.backend.support import case_body


def body(**overrides: Any) -> dict[str, Any]:
    """A valid body for the app's default institution (KreditPro)."""
    return case_body(**{"product": "Pinjaman konsumtif", **overrides})


async def test_a_request_without_a_token_answers_401(running_app: RunningApp) -> None:
    async with httpx.AsyncClient(base_url=running_app.url) as client:
        response = await client.get("/api/cases", params={"conversation_id": "x"})

    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"


@pytest.mark.parametrize(
    "header", ["Bearer wrong-token", "Basic abc", "Bearer", f"Bearer {TOKEN}x"]
)
async def test_a_request_with_a_wrong_token_answers_401(
    running_app: RunningApp, header: str
) -> None:
    async with httpx.AsyncClient(base_url=running_app.url) as client:
        response = await client.post("/api/cases", json=body(), headers={"Authorization": header})

    assert response.status_code == 401


async def test_a_phoned_complaint_answers_201_with_its_deadlines_in_jakarta_time(
    api: httpx.AsyncClient,
) -> None:
    response = await api.post("/api/cases", json=body())

    assert response.status_code == 201, response.text
    case = response.json()
    assert case["status"] == "received"
    assert case["submission_mode"] == "oral"
    assert case["phone"] == "+6281234567890"
    assert case["received_at"] == "2026-11-20T10:00:00+07:00"
    assert case["first_response_due_at"] == "2026-11-24T17:00:00+07:00"
    assert case["resolution_due_at"] == "2026-11-27T17:00:00+07:00"
    assert case["register_number"].startswith("KP-2611-00001")
    assert case["conversation_id"] is None
    assert case["officer"] is None


async def test_a_case_is_open_until_the_institution_answers_it_escalation_included(
    api: httpx.AsyncClient,
) -> None:
    created = (await api.post("/api/cases", json=body())).json()
    number = created["register_number"]
    await api.post(
        f"/api/cases/{number}/transitions", json={"status": "escalated", "actor": "rina"}
    )

    escalated = (await api.get(f"/api/cases/{number}")).json()

    assert created["open"] is True
    assert (escalated["status"], escalated["open"]) == ("escalated", False)


async def test_a_letter_is_written_and_gets_ten_working_days(api: httpx.AsyncClient) -> None:
    response = await api.post("/api/cases", json=body(channel="letter"))

    assert response.status_code == 201, response.text
    assert response.json()["submission_mode"] == "written"
    assert response.json()["resolution_due_at"] == "2026-12-04T17:00:00+07:00"


async def test_a_created_case_is_found_by_its_register_number_however_it_is_typed(
    api: httpx.AsyncClient,
) -> None:
    created = (await api.post("/api/cases", json=body())).json()
    typed = created["register_number"].replace("-", "").lower()

    response = await api.get(f"/api/cases/{typed}")

    assert response.status_code == 200
    assert response.json() == created


async def test_a_register_number_of_no_case_answers_404(api: httpx.AsyncClient) -> None:
    unused = make_register_number("KP", datetime(2026, 1, 5, tzinfo=WIB), 777)

    response = await api.get(f"/api/cases/{unused}")

    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


@pytest.mark.parametrize(
    ("text", "reason"), [("hello", "malformed"), ("KP-2613-00001A", "malformed")]
)
async def test_a_malformed_register_number_answers_422(
    api: httpx.AsyncClient, text: str, reason: str
) -> None:
    response = await api.get(f"/api/cases/{text}")

    assert response.status_code == 422
    assert response.json()["error"] == "invalid_register_number"
    assert response.json()["field"] == "register_number"
    assert response.json()["reason"] == reason


async def test_a_mistyped_register_number_answers_422_mistyped(api: httpx.AsyncClient) -> None:
    number = (await api.post("/api/cases", json=body())).json()["register_number"]
    swapped = number[:-3] + number[-2] + number[-3] + number[-1]

    response = await api.get(f"/api/cases/{swapped}")

    assert response.status_code == 422
    assert response.json()["reason"] == "mistyped"


@pytest.mark.parametrize("raw", [b"{not json", b"", b"\xff\xfe"])
async def test_a_body_that_is_not_json_answers_400(api: httpx.AsyncClient, raw: bytes) -> None:
    response = await api.post(
        "/api/cases", content=raw, headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 400
    assert response.json()["error"] == "malformed_json"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"category": "weather"}, "category"),
        ({"channel": "pigeon"}, "channel"),
        ({"complainant_type": None}, "complainant_type"),
        ({"complaint_type": 3}, "complaint_type"),
        ({"priority": "urgent"}, "priority"),
        ({"user_role": "customer"}, "user_role"),
        ({"full_name": "   "}, "full_name"),
        ({"description": "x" * 4001}, "description"),
        ({"phone": "12"}, "phone"),
        ({"phone": None, "email": "not-an-address"}, "email"),
        ({"phone": None}, "phone"),
        ({"received_at": "2026-11-20T10:00:00"}, "received_at"),
        ({"received_at": "yesterday"}, "received_at"),
        ({"product": "Kartu kredit"}, "product"),
        ({"complainant_type": "reporter"}, "user_role"),
    ],
)
async def test_an_invalid_field_answers_422_naming_it(
    api: httpx.AsyncClient, overrides: dict[str, Any], field: str
) -> None:
    data = body(**overrides)
    for name, value in overrides.items():
        if value is None:
            data.pop(name, None)

    response = await api.post("/api/cases", json=data)

    assert response.status_code == 422, response.text
    assert response.json()["field"] == field
    assert response.json()["detail"]


async def test_a_body_that_is_not_an_object_answers_422(api: httpx.AsyncClient) -> None:
    response = await api.post("/api/cases", json=["a", "list"])

    assert response.status_code == 422
    assert response.json()["field"] == "body"


async def test_the_contact_slot_is_split_into_phone_or_email(api: httpx.AsyncClient) -> None:
    response = await api.post(
        "/api/cases", json=body(phone=None, contact="Siti@Example.CO.ID", channel="web")
    )

    assert response.status_code == 201, response.text
    assert response.json()["email"] == "Siti@example.co.id"
    assert response.json()["phone"] is None


async def test_a_retry_with_the_same_idempotency_key_answers_200_with_the_same_case(
    api: httpx.AsyncClient,
) -> None:
    headers = {"Idempotency-Key": "call-2026-11-20-0001"}
    data = body(conversation_id="call-1")

    first = await api.post("/api/cases", json=data, headers=headers)
    retry = await api.post("/api/cases", json=data, headers=headers)
    listed = await api.get("/api/cases", params={"conversation_id": "call-1"})

    assert (first.status_code, retry.status_code) == (201, 200)
    assert retry.json() == first.json()
    assert listed.status_code == 200, listed.text
    assert [case["register_number"] for case in listed.json()["items"]] == [
        first.json()["register_number"]
    ]


async def test_concurrent_retries_with_one_idempotency_key_create_one_case(
    api: httpx.AsyncClient,
) -> None:
    headers = {"Idempotency-Key": "burst"}
    data = body(conversation_id="burst-1")

    responses = await asyncio.gather(
        *(api.post("/api/cases", json=data, headers=headers) for _ in range(5))
    )

    assert sorted(r.status_code for r in responses) == [200, 200, 200, 200, 201]
    assert len({r.json()["register_number"] for r in responses}) == 1


async def test_an_overlong_idempotency_key_answers_422(api: httpx.AsyncClient) -> None:
    response = await api.post("/api/cases", json=body(), headers={"Idempotency-Key": "k" * 200})

    assert response.status_code == 422
    assert response.json()["field"] == "Idempotency-Key"


async def test_listing_cases_without_filters_answers_every_case_with_the_total(
    api: httpx.AsyncClient,
) -> None:
    created = [(await api.post("/api/cases", json=body())).json() for _ in range(2)]

    response = await api.get("/api/cases")

    assert response.status_code == 200
    assert response.json() == {"items": created, "total": 2, "limit": 50, "offset": 0}


async def test_listing_the_cases_of_a_chat_without_cases_answers_an_empty_list(
    api: httpx.AsyncClient,
) -> None:
    response = await api.get("/api/cases", params={"conversation_id": "nobody"})

    assert response.status_code == 200
    assert response.json() == {"items": [], "total": 0, "limit": 50, "offset": 0}


async def test_a_conversation_shows_its_handler_rating_and_cases(
    api: httpx.AsyncClient, db: Database
) -> None:
    async with db.session() as session:
        await services.record_message(session, "web-9", "web", "user", "halo")
    created = await api.post("/api/cases", json=body(channel="web", conversation_id="web-9"))

    response = await api.get("/api/conversations/web-9")

    assert response.status_code == 200
    assert response.json() == {
        "id": "web-9",
        "channel": "web",
        "handled_by": "bot",
        "rating": None,
        "cases": [created.json()["register_number"]],
    }


async def test_an_unknown_conversation_answers_404(api: httpx.AsyncClient) -> None:
    response = await api.get("/api/conversations/nobody")

    assert response.status_code == 404


async def test_rating_a_conversation_answers_200_with_the_rating(
    api: httpx.AsyncClient, db: Database
) -> None:
    async with db.session() as session:
        await services.record_message(session, "tg-5", "telegram", "user", "terima kasih")

    response = await api.put("/api/conversations/tg-5/rating", json={"rating": 4})

    assert response.status_code == 200
    assert response.json()["rating"] == 4
    assert (await api.get("/api/conversations/tg-5")).json()["rating"] == 4


@pytest.mark.parametrize(
    "payload",
    [{"rating": 0}, {"rating": 6}, {"rating": "5"}, {"rating": 4.5}, {"rating": True}, {}, [4]],
)
async def test_a_rating_other_than_one_to_five_answers_422(
    api: httpx.AsyncClient, db: Database, payload: Any
) -> None:
    async with db.session() as session:
        await services.record_message(session, "tg-6", "telegram", "user", "halo")

    response = await api.put("/api/conversations/tg-6/rating", json=payload)

    assert response.status_code == 422
    assert response.json()["field"] == "rating"


async def test_rating_an_unknown_conversation_answers_404(api: httpx.AsyncClient) -> None:
    response = await api.put("/api/conversations/nobody/rating", json={"rating": 5})

    assert response.status_code == 404
