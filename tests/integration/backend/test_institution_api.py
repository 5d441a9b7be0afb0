"""The service facts the action server asks for: the institution, operating hours, the OJK
filing deadline (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import datetime

import httpx
import pytest

from backend.domain.calendar import WIB
from tests.integration.backend.conftest import RunningApp

TUESDAY_MORNING = datetime(2026, 11, 24, 10, 0, tzinfo=WIB)
FRIDAY_EVENING = datetime(2026, 11, 20, 18, 30, tzinfo=WIB)
CHRISTMAS_EVE_EVENING = datetime(2026, 12, 24, 19, 0, tzinfo=WIB)


async def test_the_institution_is_the_profile_the_app_runs_with(api: httpx.AsyncClient) -> None:
    response = await api.get("/api/institution")

    assert response.status_code == 200, response.text
    assert response.json() == {
        "key": "kreditpro",
        "name": "KreditPro",
        "kind": "p2p",
        "roles": ["lender", "borrower"],
        "first_response_days": 2,
        "oral_resolution_days": 5,
        "written_resolution_days": 10,
        "extension_days": 10,
    }


async def test_within_operating_hours_agents_work_now(
    running_app: RunningApp, api: httpx.AsyncClient
) -> None:
    running_app.app.ctx.clock = lambda: TUESDAY_MORNING

    response = await api.get("/api/operating-hours")

    assert response.json() == {"open": True, "next_opening": "2026-11-24T10:00:00+07:00"}


@pytest.mark.parametrize(
    ("now", "next_opening"),
    [
        (FRIDAY_EVENING, "2026-11-23T09:00:00+07:00"),
        (CHRISTMAS_EVE_EVENING, "2026-12-28T09:00:00+07:00"),
    ],
)
async def test_after_hours_agents_work_next_at_nine_on_the_next_working_day(
    running_app: RunningApp, api: httpx.AsyncClient, now: datetime, next_opening: str
) -> None:
    running_app.app.ctx.clock = lambda: now

    response = await api.get("/api/operating-hours")

    assert response.json() == {"open": False, "next_opening": next_opening}


async def test_the_facilitation_deadline_is_60_working_days_after_the_letter(
    api: httpx.AsyncClient,
) -> None:
    response = await api.get("/api/facilitation-deadline", params={"response_date": "2026-11-03"})

    assert response.status_code == 200, response.text
    assert response.json() == {
        "response_date": "2026-11-03",
        "working_days": 60,
        "deadline": "2027-01-29",
    }


@pytest.mark.parametrize("params", [{}, {"response_date": "3 November"}, {"response_date": ""}])
async def test_a_missing_or_unreadable_letter_date_answers_422_naming_it(
    api: httpx.AsyncClient, params: dict[str, str]
) -> None:
    response = await api.get("/api/facilitation-deadline", params=params)

    assert response.status_code == 422
    assert response.json()["field"] == "response_date"


@pytest.mark.parametrize(
    "path", ["/api/institution", "/api/operating-hours", "/api/facilitation-deadline"]
)
async def test_the_service_facts_need_the_token(running_app: RunningApp, path: str) -> None:
    async with httpx.AsyncClient(base_url=running_app.url) as client:
        response = await client.get(path, params={"response_date": "2026-11-03"})

    assert response.status_code == 401
