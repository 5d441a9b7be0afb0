"""Registering complaints by agents and searching cases over HTTP (SQLite and PostgreSQL)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from backend import services
from backend.domain.calendar import WIB, WorkingCalendar
from backend.schemas import CaseCreate
from tests.integration.backend.conftest import RunningApp
from tests.integration.backend.support import PROFILE, case_body

MONDAY = datetime(2026, 11, 23, 10, tzinfo=WIB)
AGENT = "Budi Santoso"


def body(**overrides: Any) -> dict[str, Any]:
    return case_body(**{"product": "Pinjaman konsumtif", **overrides})


@pytest.fixture
def frozen(running_app: RunningApp) -> datetime:
    """The server's clock stands at Monday 2026-11-23 10:00 WIB."""
    running_app.app.ctx.clock = lambda: MONDAY
    return MONDAY


async def create(api: httpx.AsyncClient, **overrides: Any) -> str:
    response = await api.post("/api/cases", json=body(**overrides))
    assert response.status_code == 201, response.text
    return str(response.json()["register_number"])


async def numbers(api: httpx.AsyncClient, **params: Any) -> list[str]:
    response = await api.get("/api/cases", params=params)
    assert response.status_code == 200, response.text
    assert response.json()["total"] == len(response.json()["items"])
    return [case["register_number"] for case in response.json()["items"]]


@pytest.fixture
async def cases(api: httpx.AsyncClient, frozen: datetime) -> dict[str, str]:
    """Five cases seen from Monday 2026-11-23 10:00 WIB, by what makes them differ."""
    found = {
        "phoned_friday": await create(api, channel="phone"),  # due Fri 27th: 4 days left
        "letter_friday": await create(
            api, channel="letter", priority="low", category="fraud"
        ),  # due Fri Dec 4th: 9 days left
        "phoned_long_ago": await create(
            api, channel="phone", received_at="2026-11-02T10:00:00+07:00", priority="emergency"
        ),  # due Mon Nov 9th: overdue
        "email_today": await create(
            api, channel="email", received_at="2026-11-23T09:00:00+07:00"
        ),  # due Mon Dec 7th: 10 days left
        "resolved_long_ago": await create(
            api, channel="walk_in", received_at="2026-10-05T10:00:00+07:00"
        ),
    }
    resolved = await api.post(
        f"/api/cases/{found['resolved_long_ago']}/resolve",
        json={"response": "Selesai.", "actor": AGENT},
    )
    assert resolved.status_code == 200
    return found


async def test_each_case_shows_its_remaining_working_days_and_whether_it_is_overdue(
    api: httpx.AsyncClient, cases: dict[str, str]
) -> None:
    items = (await api.get("/api/cases")).json()["items"]

    standing = {
        case["register_number"]: (case["remaining_working_days"], case["overdue"]) for case in items
    }
    assert standing == {
        cases["phoned_long_ago"]: (-10, True),
        cases["phoned_friday"]: (4, False),
        cases["letter_friday"]: (9, False),
        cases["email_today"]: (10, False),
        cases["resolved_long_ago"]: (None, False),
    }


async def test_cases_are_listed_oldest_received_first(
    api: httpx.AsyncClient, cases: dict[str, str]
) -> None:
    listed = await numbers(api)

    assert listed[0] == cases["resolved_long_ago"]
    assert listed[1] == cases["phoned_long_ago"]
    assert listed[-1] == cases["email_today"]


async def test_overdue_true_lists_the_open_cases_past_their_deadline(
    api: httpx.AsyncClient, cases: dict[str, str]
) -> None:
    assert await numbers(api, overdue="true") == [cases["phoned_long_ago"]]
    assert cases["phoned_long_ago"] not in await numbers(api, overdue="false")
    assert len(await numbers(api, overdue="false")) == 4


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (0, []),
        (4, ["phoned_friday"]),
        (9, ["phoned_friday", "letter_friday"]),
        (10, ["phoned_friday", "letter_friday", "email_today"]),
    ],
)
async def test_due_within_lists_open_cases_with_at_most_n_working_days_left(
    api: httpx.AsyncClient, cases: dict[str, str], days: int, expected: list[str]
) -> None:
    assert await numbers(api, due_within=days) == [cases[name] for name in expected]


async def test_an_extension_moves_a_case_out_of_due_within(
    api: httpx.AsyncClient, cases: dict[str, str]
) -> None:
    await api.post(
        f"/api/cases/{cases['letter_friday']}/extend",
        json={"notice": "Diperpanjang.", "actor": AGENT},
    )

    assert cases["letter_friday"] not in await numbers(api, due_within=9)
    assert cases["letter_friday"] in await numbers(api, due_within=19)


async def test_filters_by_status_priority_category_and_channel_combine(
    api: httpx.AsyncClient, cases: dict[str, str]
) -> None:
    assert await numbers(api, status="resolved") == [cases["resolved_long_ago"]]
    assert await numbers(api, priority="emergency") == [cases["phoned_long_ago"]]
    assert await numbers(api, category="fraud") == [cases["letter_friday"]]
    assert await numbers(api, channel="phone") == [
        cases["phoned_long_ago"],
        cases["phoned_friday"],
    ]
    assert await numbers(api, channel="phone", priority="high") == [cases["phoned_friday"]]
    assert len(await numbers(api, status="received,resolved")) == 5


async def test_received_dates_are_whole_days_in_jakarta(
    api: httpx.AsyncClient, frozen: datetime
) -> None:
    late_friday = await create(api, received_at="2026-11-20T23:30:00+07:00")
    saturday = await create(api, received_at="2026-11-20T17:30:00Z")  # 00:30 WIB on the 21st
    await create(api, received_at="2026-11-19T23:59:59+07:00")

    friday = await numbers(api, received_from="2026-11-20", received_to="2026-11-20")
    weekend = await numbers(api, received_from="2026-11-21")

    assert friday == [late_friday]
    assert weekend == [saturday]


async def test_pages_hold_at_most_limit_cases_and_the_total_counts_them_all(
    api: httpx.AsyncClient, cases: dict[str, str]
) -> None:
    every = await numbers(api)

    first = (await api.get("/api/cases", params={"limit": 2})).json()
    last = (await api.get("/api/cases", params={"limit": 2, "offset": 4})).json()

    assert [c["register_number"] for c in first["items"]] == every[:2]
    assert [c["register_number"] for c in last["items"]] == every[4:]
    assert (first["total"], last["total"], first["limit"], last["offset"]) == (5, 5, 2, 4)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 101}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"offset": -1}, "offset"),
        ({"due_within": "soon"}, "due_within"),
        ({"overdue": "perhaps"}, "overdue"),
        ({"status": "closed"}, "status"),
        ({"priority": "urgent"}, "priority"),
        ({"received_from": "yesterday"}, "received_from"),
        ({"received_from": "2026-11-30", "received_to": "2026-11-01"}, "received_to"),
    ],
)
async def test_a_bad_filter_answers_422_naming_it(
    api: httpx.AsyncClient, params: dict[str, Any], field: str
) -> None:
    response = await api.get("/api/cases", params=params)

    assert response.status_code == 422
    assert response.json()["field"] == field


async def test_a_complaint_received_by_letter_weeks_ago_counts_from_its_receipt(
    api: httpx.AsyncClient, frozen: datetime
) -> None:
    response = await api.post(
        "/api/cases", json=body(channel="letter", received_at="2026-10-01T14:00:00+07:00")
    )

    case = response.json()
    assert response.status_code == 201
    assert case["register_number"].startswith("KP-2610-")
    assert case["received_at"] == "2026-10-01T14:00:00+07:00"
    assert case["first_response_due_at"] == "2026-10-05T17:00:00+07:00"
    assert case["resolution_due_at"] == "2026-10-15T17:00:00+07:00"
    assert case["overdue"] is True


@pytest.mark.parametrize(
    ("channel", "mode"),
    [("phone", "oral"), ("walk_in", "oral"), ("letter", "written"), ("email", "written")],
)
async def test_an_agent_registered_complaint_is_oral_or_written_by_its_channel(
    api: httpx.AsyncClient, channel: str, mode: str
) -> None:
    response = await api.post("/api/cases", json=body(channel=channel))

    assert response.status_code == 201
    assert response.json()["submission_mode"] == mode


async def test_a_complaint_received_in_the_future_answers_422(
    api: httpx.AsyncClient, frozen: datetime
) -> None:
    response = await api.post("/api/cases", json=body(received_at="2026-11-24T10:00:00+07:00"))

    assert response.status_code == 422
    assert response.json()["field"] == "received_at"


async def test_the_profiles_channel_modes_decide_oral_or_written(session: AsyncSession) -> None:
    modes = dict(PROFILE.channel_modes, email="oral", phone="written")
    profile = replace(PROFILE, channel_modes=MappingProxyType(modes))

    async def mode(channel: str) -> str:
        case, _ = await services.open_case(
            session,
            CaseCreate.from_json(case_body(channel=channel)),
            profile=profile,
            calendar=WorkingCalendar(),
            now=datetime(2026, 11, 23, 3, tzinfo=UTC),
        )
        return case.submission_mode

    assert (await mode("email"), await mode("phone")) == ("oral", "written")
