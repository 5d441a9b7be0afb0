"""Agents see NIK, card and account numbers masked wherever the console shows a customer's words
(transcript, its live stream, cases, queue, dashboard, search) unless they reveal them on purpose:
a POST with the CSRF token, audited, unmasked in that response only. The case API keeps it all."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import select

from backend import services
from backend.db.audit_tables import PersonalDataReveal
from backend.schemas import CaseCreate
from backend.services import handoff as handoffs
from tests.integration.bot.support import Gateway
from tests.integration.console.support import Console

CHAT = "budi"
NIK = "3201012345670001"
CARD = "4111 1111 1111 1111"
ACCOUNT = "5432109876"
PHONE = "081234567890"
WORDS = f"NIK saya {NIK}, kartu {CARD}, rekening BCA {ACCOUNT}, HP {PHONE}"
SECRETS = (NIK, CARD, ACCOUNT)
LONG_AGO = datetime(2026, 1, 5, 3, 0, tzinfo=UTC)  # a Monday: the case is overdue by now


async def a_chat_with_a_case(gateway: Gateway) -> str:
    """A REST chat waiting for an agent, whose customer wrote WORDS, and its case; its number."""
    ctx = gateway.app.ctx
    async with ctx.db.session() as session:
        await services.record_message(session, CHAT, "rest", "user", WORDS)
        await handoffs.request_handoff(
            session, CHAT, "requested", channel="rest", calendar=ctx.calendar, now=ctx.clock()
        )
        data = CaseCreate.from_json(
            {
                "complainant_type": "user",
                "user_role": "borrower",
                "complaint_type": "complaint",
                "category": "transaction",
                "full_name": f"Budi NIK {NIK}",
                "phone": PHONE,
                "description": WORDS,
                "channel": "rest",
                "conversation_id": CHAT,
                "received_at": LONG_AGO.isoformat(),
            }
        )
        case, _ = await services.open_case(
            session, data, profile=ctx.profile, calendar=ctx.calendar, now=LONG_AGO
        )
    return case.register_number


def shows_none_of_the_secrets(text: str) -> bool:
    return not any(secret in text for secret in SECRETS)


async def reveals(gateway: Gateway) -> list[tuple[str, str | None, str | None]]:
    """Who revealed which chat or case, from the audit table."""
    async with gateway.app.ctx.db.session() as session:
        found = (await session.execute(select(PersonalDataReveal))).scalars().all()
        await session.commit()
    return [(r.actor, r.conversation_id, r.register_number) for r in found]


async def first_event(client: httpx.AsyncClient, path: str, name: str) -> Any:
    """The data of the first server-sent event called `name` on `path`."""
    async with client.stream("GET", path, timeout=10) as response:
        assert response.status_code == 200
        event = ""
        async for line in response.aiter_lines():
            if line.startswith("event: "):
                event = line.removeprefix("event: ")
            elif line.startswith("data: ") and event == name:
                return json.loads(line.removeprefix("data: "))
    raise AssertionError(f"no {name} event")


async def test_the_transcript_masks_nik_card_and_account_numbers_but_keeps_the_phone(
    gateway: Gateway, agent: Console
) -> None:
    await a_chat_with_a_case(gateway)

    page = await agent.page(f"/console/conversations/{CHAT}")

    assert page.status_code == 200
    assert shows_none_of_the_secrets(page.text)
    assert "************0001" in page.text and "**** **** **** 1111" in page.text
    assert PHONE in page.text


async def test_the_live_transcript_stream_masks_them_too(gateway: Gateway, agent: Console) -> None:
    await a_chat_with_a_case(gateway)

    lines = await first_event(agent.client, f"/console/conversations/{CHAT}/stream", "messages")

    assert [line["text"] for line in lines] == [
        f"NIK saya ************0001, kartu **** **** **** 1111, rekening BCA ******9876, HP {PHONE}"
    ]


async def test_the_case_page_masks_the_description_and_the_name(
    gateway: Gateway, agent: Console
) -> None:
    number = await a_chat_with_a_case(gateway)

    page = await agent.page(f"/console/cases/{number}")

    assert page.status_code == 200
    assert shows_none_of_the_secrets(page.text)
    assert "Budi NIK ************0001" in page.text


async def test_the_queue_and_its_stream_mask_the_name(gateway: Gateway, agent: Console) -> None:
    await a_chat_with_a_case(gateway)

    listed = await agent.client.get("/console/queue.json")
    page = await agent.page("/console")
    streamed = await first_event(agent.client, "/console/queue/stream", "queue")

    assert {item["title"] for item in listed.json()["items"]} == {"Budi NIK ************0001"}
    assert shows_none_of_the_secrets(page.text)
    assert shows_none_of_the_secrets(json.dumps(streamed))


async def test_the_dashboard_masks_the_names_of_cases_to_chase(
    gateway: Gateway, supervisor: Console
) -> None:
    await a_chat_with_a_case(gateway)

    data = (await supervisor.client.get("/console/dashboard.json")).json()
    page = await supervisor.page("/console/dashboard")

    assert [case["full_name"] for case in data["attention"]] == ["Budi NIK ************0001"]
    assert shows_none_of_the_secrets(page.text)


async def test_search_results_mask_the_name(gateway: Gateway, agent: Console) -> None:
    await a_chat_with_a_case(gateway)

    page = await agent.page("/console/search?q=Budi")

    assert "Budi NIK ************0001" in page.text
    assert shows_none_of_the_secrets(page.text)


async def test_a_reveal_without_the_csrf_token_is_refused_and_leaves_no_trace(
    gateway: Gateway, agent: Console
) -> None:
    await a_chat_with_a_case(gateway)

    answer = await agent.client.post(f"/console/conversations/{CHAT}/reveal")

    assert answer.status_code == 403
    assert shows_none_of_the_secrets(answer.text)
    assert await reveals(gateway) == []


async def test_revealing_a_chat_shows_its_numbers_in_that_answer_only_and_is_audited(
    gateway: Gateway, agent: Console
) -> None:
    await a_chat_with_a_case(gateway)

    revealed = await agent.form(f"/console/conversations/{CHAT}/reveal")
    again = await agent.page(f"/console/conversations/{CHAT}")

    assert revealed.status_code == 200
    assert all(secret in revealed.text for secret in SECRETS)
    assert revealed.headers["cache-control"] == "no-store"
    assert shows_none_of_the_secrets(again.text)
    assert await reveals(gateway) == [("rina", CHAT, None)]


async def test_revealing_a_case_shows_its_description_in_that_answer_only_and_is_audited(
    gateway: Gateway, agent: Console
) -> None:
    number = await a_chat_with_a_case(gateway)

    revealed = await agent.form(f"/console/cases/{number}/reveal")
    again = await agent.page(f"/console/cases/{number}")

    assert revealed.status_code == 200
    assert all(secret in revealed.text for secret in SECRETS)
    assert shows_none_of_the_secrets(again.text)
    assert await reveals(gateway) == [("rina", None, number)]


async def test_revealing_an_unknown_chat_is_not_found_and_not_recorded(
    gateway: Gateway, agent: Console
) -> None:
    answer = await agent.form("/console/conversations/nobody/reveal")

    assert answer.status_code == 404
    assert await reveals(gateway) == []


async def test_the_case_api_keeps_the_full_data_for_server_to_server_use(
    gateway: Gateway,
) -> None:
    number = await a_chat_with_a_case(gateway)
    token = gateway.app.ctx.settings.app_api_token

    case = await gateway.client.get(
        f"/api/cases/{number}", headers={"Authorization": f"Bearer {token}"}
    )

    assert case.status_code == 200
    assert case.json()["description"] == WORDS
