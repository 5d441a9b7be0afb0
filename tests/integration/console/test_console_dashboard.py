"""The supervisors' dashboard: its figures on SQLite and PostgreSQL, its page, its downloads."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from backend.db.tables import CaseRecord, Complainant, Conversation, Rating
from backend.domain.calendar import WIB
from tests.integration.bot.support import Gateway
from tests.integration.console.support import Console

NOW = datetime(2026, 10, 14, 10, 0, tzinfo=WIB)  # Wednesday; the week began Monday 12 October


def wib(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=WIB)


def case(
    number: int, received: datetime, category: str, status: str, due: datetime, **extra: Any
) -> dict[str, Any]:
    return {
        "register_number": f"ADU-TEST-{number:03d}",
        "status": status,
        "complainant_type": "user",
        "complaint_type": "complaint",
        "category": category,
        "priority": "medium",
        "full_name": f"Nasabah {number}",
        "description": "uji dasbor",
        "channel": "web",
        "submission_mode": "written",
        "received_at": received,
        "first_response_due_at": received,
        "resolution_due_at": due,
        "complainant_id": 1,
        **extra,
    }


CASES = [
    case(1, wib(10, 12, 9), "fraud", "received", wib(10, 26, 17)),
    # 00:30 WIB on Monday is still Sunday in UTC: it counts in the WIB week of 12 October.
    case(2, wib(10, 12, 0, 30), "transaction", "received", wib(10, 26, 17)),
    case(3, wib(10, 5), "transaction", "resolved", wib(10, 19, 17), resolved_at=wib(10, 8)),
    case(4, wib(9, 1), "service", "resolved", wib(9, 29, 17), resolved_at=wib(10, 13)),
    case(5, wib(10, 1), "debt_collection", "received", wib(10, 14, 17)),  # due today
    case(6, wib(10, 2), "debt_collection", "in_progress", wib(10, 15, 17)),  # due tomorrow
    case(7, wib(9, 20), "other", "in_progress", wib(10, 13, 17)),  # overdue
    case(8, wib(9, 21), "other", "received", wib(10, 16, 17)),  # two working days left
    case(9, wib(5, 4), "other", "waiting_documents", wib(6, 1, 17)),  # long overdue, old
    case(
        10,
        wib(9, 25),
        "fees_interest",
        "resolved",
        wib(10, 7, 17),
        extended_resolution_due_at=wib(10, 21, 17),
        resolved_at=wib(10, 9),
    ),
    case(11, wib(10, 15), "fraud", "received", wib(10, 29, 17)),  # after now: not counted
]
RATINGS = [
    (5, wib(10, 12)),
    (3, wib(10, 13)),
    (2, wib(10, 4, 20)),  # Sunday evening: the week of 28 September
    (4, wib(10, 11, 23)),  # 16:00 UTC, still Sunday 11 October in WIB
    (1, wib(10, 15)),  # after now
]


async def seed(gateway: Gateway) -> None:
    async with gateway.app.ctx.db.session() as session:
        session.add(Complainant(id=1, full_name="Nasabah", phone="+6281200000001"))
        session.add(Conversation(id="chat-1", channel="web"))
        await session.flush()
        session.add_all(CaseRecord(**fields) for fields in CASES)
        session.add_all(
            Rating(conversation_id="chat-1", rating=value, created_at=at) for value, at in RATINGS
        )
        await session.commit()
    gateway.app.ctx.clock = lambda: NOW


def series(body: dict[str, Any], category: str) -> dict[str, int]:
    """The weeks with cases of `category`: week start → count."""
    counts = next(row["counts"] for row in body["volume"] if row["category"] == category)
    return {week: n for week, n in zip(body["weeks"], counts, strict=True) if n}


async def test_the_dashboard_counts_weekly_volume_by_category_in_wib_weeks(
    gateway: Gateway, supervisor: Console
) -> None:
    await seed(gateway)
    response = await supervisor.client.get("/console/dashboard.json")
    body = response.json()

    assert response.status_code == 200
    assert len(body["weeks"]) == 12
    assert body["weeks"][0] == "2026-07-27" and body["weeks"][-1] == "2026-10-12"
    assert series(body, "fraud") == {"2026-10-12": 1}
    assert series(body, "transaction") == {"2026-10-05": 1, "2026-10-12": 1}
    assert series(body, "service") == {"2026-08-31": 1}
    assert series(body, "debt_collection") == {"2026-09-28": 2}
    assert series(body, "other") == {"2026-09-14": 1, "2026-09-21": 1}
    assert series(body, "fees_interest") == {"2026-09-21": 1}
    assert sum(sum(row["counts"]) for row in body["volume"]) == 9


async def test_the_dashboard_shows_deadlines_kept_missed_and_coming(
    gateway: Gateway, supervisor: Console
) -> None:
    await seed(gateway)
    body = (await supervisor.client.get("/console/dashboard.json")).json()
    compliance = body["compliance"]
    weeks = body["weeks"]

    on_time = {w: n for w, n in zip(weeks, compliance["on_time"], strict=True) if n}
    late = {w: n for w, n in zip(weeks, compliance["late"], strict=True) if n}
    assert on_time == {"2026-10-05": 2}  # one by the extended deadline
    assert late == {"2026-10-12": 1}
    assert compliance["open_overdue"] == 2
    assert compliance["open_due_soon"] == 2
    attention = [(c["register_number"], c["overdue"]) for c in body["attention"]]
    assert attention == [
        ("ADU-TEST-009", True),
        ("ADU-TEST-007", True),
        ("ADU-TEST-005", False),
        ("ADU-TEST-006", False),
    ]


async def test_the_dashboard_gives_the_weekly_mean_rating(
    gateway: Gateway, supervisor: Console
) -> None:
    await seed(gateway)
    body = (await supervisor.client.get("/console/dashboard.json")).json()
    ratings = body["ratings"]

    means = {w: m for w, m in zip(body["weeks"], ratings["mean"], strict=True) if m is not None}
    counts = {w: n for w, n in zip(body["weeks"], ratings["count"], strict=True) if n}
    assert means == {"2026-09-28": 2.0, "2026-10-05": 4.0, "2026-10-12": 4.0}
    assert counts == {"2026-09-28": 1, "2026-10-05": 1, "2026-10-12": 2}


async def test_the_dashboard_page_lists_the_cases_to_chase_and_the_report_links(
    gateway: Gateway, supervisor: Console
) -> None:
    await seed(gateway)
    page = await supervisor.page("/console/dashboard")

    assert page.status_code == 200
    assert 'src="/console/static/dashboard.js"' in page.text
    to_chase = page.text.split("Antrean langsung")[0]  # the live queue lists every open case
    assert "ADU-TEST-007" in to_chase and "ADU-TEST-008" not in to_chase
    assert 'class="due--overdue"' in to_chase and 'class="due--soon"' in to_chase
    assert "/console/reports/2026-10?format=csv" in page.text
    assert "/console/reports/2026-Q4?format=xlsx" in page.text
    assert 'href="/console/dashboard"' in page.text


async def test_agents_get_403_on_the_dashboard_its_json_and_the_downloads(
    gateway: Gateway, agent: Console
) -> None:
    page = await agent.page("/console/dashboard")
    data = await agent.client.get("/console/dashboard.json")
    download = await agent.client.get("/console/reports/2026-10?format=csv")
    queue = await agent.page("/console")

    assert (page.status_code, data.status_code, download.status_code) == (403, 403, 403)
    assert 'href="/console/dashboard"' not in queue.text


async def test_a_supervisor_downloads_the_same_report_file_as_the_api_gives(
    gateway: Gateway, supervisor: Console
) -> None:
    await seed(gateway)
    console = await supervisor.client.get("/console/reports/2026-Q4?format=csv")
    api = await gateway.client.get(
        "/api/reports/2026-Q4",
        params={"format": "csv"},
        headers={"Authorization": f"Bearer {gateway.app.ctx.settings.app_api_token}"},
    )
    xlsx = await supervisor.client.get("/console/reports/2026-10?format=xlsx")
    wrong = await supervisor.client.get("/console/reports/2026-13?format=csv")

    assert console.status_code == api.status_code == 200
    assert console.content == api.content
    assert console.headers["content-disposition"] == api.headers["content-disposition"]
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert wrong.status_code == 422
