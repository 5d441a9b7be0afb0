"""Who may move a chat: take over, assign and hand back follow one rule (the holder or a
supervisor), and only the holder replies; one test per route and role."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from backend.db import agent_repository, handoff_repository
from backend.services import handoff as handoffs
from tests.fakes.rasa_api import FakeRasaApi
from tests.integration.bot.support import Gateway
from tests.integration.console.support import PASSWORD, Console, add_agent, sign_in

CHAT = "budi"
BASE = f"/console/conversations/{CHAT}"


@pytest.fixture
async def other(gateway: Gateway) -> AsyncIterator[Console]:
    """Agent Dewi, signed in: she does not hold the chat."""
    await add_agent(gateway, "dewi", "Dewi Lestari", "agent")
    async with sign_in(gateway, "dewi", PASSWORD) as console:
        yield console


@pytest.fixture
async def held(gateway: Gateway, agent: Console) -> Console:
    """A REST chat waiting for an agent, taken over by Rina; Rina's console."""
    async with gateway.app.ctx.db.session() as session:
        await handoffs.request_handoff(
            session,
            CHAT,
            "requested",
            channel="rest",
            calendar=gateway.app.ctx.calendar,
            now=gateway.app.ctx.clock(),
        )
    taken = await agent.form(f"{BASE}/take-over")
    assert taken.status_code == 303, taken.text
    return agent


async def holder_and_state(gateway: Gateway) -> tuple[str | None, str]:
    """The username holding the chat (None when nobody does) and who answers it."""
    async with gateway.app.ctx.db.session() as session:
        handoff = await handoffs.current_handoff(session, CHAT)
        conversation = await handoff_repository.conversation_for_update(session, CHAT)
        assert conversation is not None
        handled_by = conversation.handled_by
        agents = {a.id: a.username for a in await agent_repository.agents(session)}
        await session.commit()
    holder = agents.get(handoff.agent_id) if handoff and handoff.agent_id else None
    return holder, handled_by


async def agent_id(gateway: Gateway, username: str) -> str:
    async with gateway.app.ctx.db.session() as session:
        agents = await agent_repository.agents(session)
        await session.commit()
    return str(next(a.id for a in agents if a.username == username))


async def reply(console: Console, text: str) -> httpx.Response:
    return await console.client.post(
        f"{BASE}/reply", json={"text": text}, headers={"X-CSRF-Token": console.csrf}
    )


# Take over


async def test_the_holder_may_take_over_their_own_chat_again(
    gateway: Gateway, held: Console
) -> None:
    answer = await held.form(f"{BASE}/take-over")

    assert answer.status_code == 303
    assert await holder_and_state(gateway) == ("rina", "agent")


async def test_another_agent_may_not_take_over_a_held_chat(
    gateway: Gateway, held: Console, other: Console
) -> None:
    answer = await other.form(f"{BASE}/take-over")

    assert answer.status_code == 409
    assert await holder_and_state(gateway) == ("rina", "agent")


async def test_a_supervisor_may_take_over_a_held_chat(
    gateway: Gateway, held: Console, supervisor: Console
) -> None:
    answer = await supervisor.form(f"{BASE}/take-over")

    assert answer.status_code == 303
    assert await holder_and_state(gateway) == ("sari", "agent")


# Assign


async def test_the_holder_may_assign_their_chat_to_another_agent(
    gateway: Gateway, held: Console, other: Console
) -> None:
    answer = await held.form(f"{BASE}/assign", {"agent_id": await agent_id(gateway, "dewi")})

    assert answer.status_code == 303
    assert await holder_and_state(gateway) == ("dewi", "agent")


async def test_another_agent_may_not_assign_a_held_chat_to_herself(
    gateway: Gateway, held: Console, other: Console
) -> None:
    answer = await other.form(f"{BASE}/assign", {"agent_id": await agent_id(gateway, "dewi")})

    assert answer.status_code == 409
    assert await holder_and_state(gateway) == ("rina", "agent")


async def test_a_supervisor_may_assign_a_held_chat_to_another_agent(
    gateway: Gateway, held: Console, other: Console, supervisor: Console
) -> None:
    answer = await supervisor.form(f"{BASE}/assign", {"agent_id": await agent_id(gateway, "dewi")})

    assert answer.status_code == 303
    assert await holder_and_state(gateway) == ("dewi", "agent")


# Hand back


async def test_the_holder_may_hand_their_chat_back_to_the_bot(
    gateway: Gateway, held: Console, fake_rasa: FakeRasaApi
) -> None:
    answer = await held.form(f"{BASE}/hand-back")

    assert answer.status_code == 303
    assert await holder_and_state(gateway) == (None, "bot")
    assert "resume" in fake_rasa.event_names(CHAT)


async def test_another_agent_may_not_hand_a_held_chat_back_nor_wake_the_bot(
    gateway: Gateway, held: Console, other: Console, fake_rasa: FakeRasaApi
) -> None:
    answer = await other.form(f"{BASE}/hand-back")

    assert answer.status_code == 409
    assert await holder_and_state(gateway) == ("rina", "agent")
    assert "resume" not in fake_rasa.event_names(CHAT)
    assert fake_rasa.triggered == []


async def test_a_supervisor_may_hand_a_held_chat_back_to_the_bot(
    gateway: Gateway, held: Console, supervisor: Console
) -> None:
    answer = await supervisor.form(f"{BASE}/hand-back")

    assert answer.status_code == 303
    assert await holder_and_state(gateway) == (None, "bot")


# Reply


async def test_the_holder_may_reply(gateway: Gateway, held: Console) -> None:
    answer = await reply(held, "Halo Budi, saya Rina.")

    assert answer.status_code == 200


async def test_another_agent_may_not_reply_in_a_held_chat(
    gateway: Gateway, held: Console, other: Console
) -> None:
    answer = await reply(other, "Halo, saya Dewi.")

    assert answer.status_code == 409


async def test_a_supervisor_takes_the_chat_over_before_replying(
    gateway: Gateway, held: Console, supervisor: Console
) -> None:
    answer = await reply(supervisor, "Halo, saya Sari.")

    assert answer.status_code == 409


# What the page offers


async def test_the_page_offers_another_agent_no_controls_that_would_move_the_chat(
    gateway: Gateway, held: Console, other: Console
) -> None:
    page = await other.page(BASE)

    assert page.status_code == 200
    for control in ('id="take-over"', 'id="hand-back"', f'action="{BASE}/assign"'):
        assert control not in page.text
