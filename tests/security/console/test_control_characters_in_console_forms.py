"""Console forms refuse control characters with 422 naming the field, and store nothing."""

from __future__ import annotations

from typing import Any

from backend import services
from backend.schemas import CaseCreate
from backend.services import handoff as handoffs
from backend.services.case_lookup import search_cases
from tests.integration.bot.support import Gateway
from tests.integration.console.support import Console

REGISTRATION = {
    "channel": "phone",
    "complainant_type": "user",
    "user_role": "borrower",
    "complaint_type": "complaint",
    "category": "debt_collection",
    "priority": "high",
    "full_name": "Siti Rahayu",
    "phone": "0812-3456-7890",
    "description": "Penagih menelepon kantor saya berulang kali.",
}


async def a_case(gateway: Gateway) -> str:
    ctx = gateway.app.ctx
    async with ctx.db.session() as session:
        case, _ = await services.open_case(
            session,
            CaseCreate.from_json({**REGISTRATION, "full_name": "Budi Santoso"}),
            profile=ctx.profile,
            calendar=ctx.calendar,
        )
    return case.register_number


async def test_a_registration_with_a_control_character_is_refused_naming_the_field(
    gateway: Gateway, agent: Console
) -> None:
    form: dict[str, Any] = {**REGISTRATION, "description": "Penagih\x1b[2J menelepon saya."}

    answer = await agent.form("/console/register", form)

    assert answer.status_code == 422
    assert "description: must not contain control characters" in answer.text
    async with gateway.app.ctx.db.session() as session:
        assert list(await search_cases(session, "Siti")) == []


async def test_a_reply_with_a_control_character_is_refused_naming_the_field(
    gateway: Gateway, agent: Console
) -> None:
    async with gateway.app.ctx.db.session() as session:
        await handoffs.request_handoff(
            session, "budi", "requested", channel="rest", calendar=gateway.app.ctx.calendar
        )
    await agent.form("/console/conversations/budi/take-over")

    answer = await agent.client.post(
        "/console/conversations/budi/reply",
        json={"text": "Halo\x07 Budi"},
        headers={"X-CSRF-Token": agent.csrf},
    )

    assert answer.status_code == 422
    assert answer.json()["field"] == "text"
    async with gateway.app.ctx.db.session() as session:
        transcript = await handoffs.transcript(session, "budi")
    assert [m for m in transcript if m.sender == "agent"] == [], (
        "no reply kept (the bot's note that the agent joined is)"
    )


async def test_a_case_action_with_a_control_character_is_refused_naming_the_field(
    gateway: Gateway, agent: Console
) -> None:
    number = await a_case(gateway)

    answer = await agent.form(
        f"/console/cases/{number}/resolve", {"response": "Dana sudah\x9b dikembalikan."}
    )

    assert answer.status_code == 422
    assert "response: must not contain control characters" in answer.text
    async with gateway.app.ctx.db.session() as session:
        case = await services.get_case(session, number)
    assert case is not None and case.status == "received"


async def test_a_search_with_a_control_character_is_refused_not_a_server_error(
    agent: Console,
) -> None:
    answer = await agent.page("/console/search?q=Siti%00Rahayu")

    assert answer.status_code == 422
    assert "q: must not contain control characters" in answer.text
