"""The console queue at scale: order over any number of cases, tabs, pages, names, unread
counts, the chats still with the bot, presence and round-robin (SQLite and PostgreSQL)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from backend.db import queue_repository
from backend.db.engine import Database
from backend.db.tables import CaseRecord
from backend.domain.lifecycle import Priority, Status
from backend.services import handling
from tests.fakes.case_dataset import generate
from tests.fakes.rasa_api import FakeRasaApi
from tests.integration.bot.support import Gateway
from tests.integration.console.conftest import console_with
from tests.integration.console.support import PASSWORD, Console, add_agent, sign_in
from tests.integration.console.test_console_handoff import OPEN, hand_off, say
from tests.integration.console.test_console_security import open_case

TITLE = re.compile(r"<title>([^<]*)</title>")


async def queue(console: Console, **params: Any) -> dict[str, Any]:
    answer = await console.client.get("/console/queue.json", params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()


async def seed_running_cases(db: Database, count: int, **fields: Any) -> list[dict[str, Any]]:
    """`count` generated cases, all running with these fields, inserted in bulk."""
    dataset = generate(count, seed=11)
    for row in dataset.cases:
        row.update(
            status=Status.IN_PROGRESS.value,
            officer=None,
            extended_resolution_due_at=None,
            **fields,
        )
    dataset.ratings.clear()
    await dataset.seed(db)
    async with db.engine.begin() as connection:
        await connection.execute(queue_repository.fill_queue_columns())
    return dataset.cases


async def set_officer(gateway: Gateway, number: str, name: str) -> None:
    async with gateway.app.ctx.db.session() as session:
        await handling.assign(session, number, name, actor="test")


def numbers(items: list[dict[str, Any]], kind: str = "case") -> list[str]:
    return [item["register_number"] for item in items if item["kind"] == kind]


def chats(items: list[dict[str, Any]]) -> list[str]:
    return [item["conversation_id"] for item in items if item["kind"] == "chat"]


async def test_a_new_emergency_shows_first_behind_a_thousand_older_normal_cases(
    gateway: Gateway, agent: Console
) -> None:
    await seed_running_cases(gateway.app.ctx.db, 1000, priority=Priority.MEDIUM.value)
    emergency = await open_case(gateway, priority="emergency")

    first = await queue(agent)

    assert first["items"][0]["register_number"] == emergency
    assert first["items"][0]["priority"] == "emergency"
    assert first["counts"]["all"] == 1001


async def test_cases_run_by_priority_then_due_time_across_pages_without_gaps(
    gateway: Gateway, agent: Console
) -> None:
    rows = await seed_running_cases(gateway.app.ctx.db, 120)
    rank = {"emergency": 0, "high": 1, "medium": 2, "low": 3}
    expected = [
        row["register_number"]
        for row in sorted(
            rows, key=lambda r: (rank[r["priority"]], r["resolution_due_at"], r["id"])
        )
    ]

    pages = [await queue(agent, page=number) for number in (1, 2, 3)]

    assert [len(page["items"]) for page in pages] == [50, 50, 20]
    assert [page["has_next"] for page in pages] == [True, True, False]
    assert pages[1]["previous_url"] == "/console?tab=all&page=1"
    assert [n for page in pages for n in numbers(page["items"])] == expected


async def test_the_tabs_show_mine_the_unassigned_and_all(gateway: Gateway, agent: Console) -> None:
    mine_case = await open_case(gateway, priority="low")
    await set_officer(gateway, mine_case, "Rina Wulandari")
    others_case = await open_case(gateway, priority="low")
    await set_officer(gateway, others_case, "Dewi Lestari")
    free_case = await open_case(gateway, priority="low")
    await hand_off(gateway, "budi")
    await hand_off(gateway, "ani")
    await agent.form("/console/conversations/ani/take-over")

    mine = await queue(agent, tab="mine")
    unassigned = await queue(agent, tab="unassigned")
    everything = await queue(agent, tab="all")

    assert (chats(mine["items"]), numbers(mine["items"])) == (["ani"], [mine_case])
    assert (chats(unassigned["items"]), numbers(unassigned["items"])) == (["budi"], [free_case])
    assert chats(everything["items"]) == ["budi", "ani"]
    assert set(numbers(everything["items"])) == {mine_case, others_case, free_case}
    assert everything["counts"] == {"mine": 2, "unassigned": 2, "all": 5, "bot": 0}


async def test_a_chat_shows_the_customer_s_name_once_known_else_its_channel_and_a_masked_id(
    gateway: Gateway, agent: Console
) -> None:
    await hand_off(gateway, "web-Z9sZk2Lq8HwX")
    await say(gateway, "budi", "halo")
    await open_case(gateway, conversation_id="budi", channel="rest", full_name="Budi Santoso")
    await hand_off(gateway, "budi")

    items = (await queue(agent))["items"]
    titles = {item["conversation_id"]: item["title"] for item in items if item["kind"] == "chat"}

    assert titles == {"web-Z9sZk2Lq8HwX": "REST · …8HwX", "budi": "Budi Santoso"}


async def test_a_chat_counts_the_customer_s_messages_the_agent_has_not_opened(
    gateway: Gateway, agent: Console
) -> None:
    await say(gateway, "budi", "halo")
    await hand_off(gateway, "budi")
    await say(gateway, "budi", "tolong")
    await say(gateway, "budi", "saya ditagih terus")

    before = (await queue(agent))["items"][0]["unread"]
    await agent.page("/console/conversations/budi")
    after_opening = (await queue(agent))["items"][0]["unread"]
    await say(gateway, "budi", "halo lagi")
    after_another = (await queue(agent))["items"][0]["unread"]

    assert (before, after_opening, after_another) == (3, 0, 1)


async def test_each_chat_counts_from_its_own_read_mark(gateway: Gateway, agent: Console) -> None:
    for sender in ("budi", "ani"):
        await say(gateway, sender, "halo")
        await hand_off(gateway, sender)
    await agent.page("/console/conversations/budi")
    await say(gateway, "ani", "masih menunggu")
    await agent.page("/console/conversations/ani")
    await say(gateway, "budi", "halo lagi")

    items = (await queue(agent))["items"]

    assert {item["conversation_id"]: item["unread"] for item in items} == {"budi": 1, "ani": 0}


async def test_a_chat_with_the_bot_is_listed_and_can_be_taken_over_from_the_queue(
    gateway: Gateway, agent: Console
) -> None:
    await say(gateway, "cici", "halo")

    bot = await queue(agent, tab="bot")
    [line] = bot["items"]
    taken = await agent.form(line["take_over_url"])
    mine = await queue(agent, tab="mine")

    assert (line["kind"], line["conversation_id"], line["state"]) == ("bot", "cici", "bot")
    assert line["take_over_url"] == "/console/conversations/cici/take-over"
    assert taken.status_code == 303
    assert chats(mine["items"]) == ["cici"]
    assert (await queue(agent, tab="bot"))["items"] == []


async def test_the_page_title_counts_the_chats_waiting_for_an_agent(
    gateway: Gateway, agent: Console
) -> None:
    empty = TITLE.search((await agent.page("/console")).text)
    await hand_off(gateway, "budi")
    await hand_off(gateway, "ani")
    waiting = TITLE.search((await agent.page("/console")).text)

    assert empty and empty.group(1) == "Antrean · Konsol CS"
    assert waiting and waiting.group(1) == "(2) Antrean · Konsol CS"
    assert (await queue(agent))["waiting"] == 2


async def test_an_agent_with_the_console_open_shows_as_online(
    gateway: Gateway, agent: Console
) -> None:
    await add_agent(gateway, "dewi", "Dewi Lestari", "agent")

    before = (await queue(agent))["online"]
    async with sign_in(gateway, "dewi", PASSWORD):
        after = (await queue(agent))["online"]

    assert before == ["Rina Wulandari"]
    assert after == ["Dewi Lestari", "Rina Wulandari"]


async def test_the_order_follows_a_case_s_next_deadline_and_an_answered_case_leaves(
    gateway: Gateway, agent: Console
) -> None:
    earlier = await open_case(gateway, priority="medium", received_at="2026-11-19T10:00:00+07:00")
    later = await open_case(gateway, priority="medium", received_at="2026-11-20T10:00:00+07:00")
    before = numbers((await queue(agent))["items"])

    await agent.form(f"/console/cases/{earlier}/transitions", {"status": "in_progress"})
    responded = numbers((await queue(agent))["items"])  # now due by its resolution date
    await agent.form(f"/console/cases/{later}/resolve", {"response": "Sudah kami selesaikan."})
    answered = numbers((await queue(agent))["items"])

    assert before == [earlier, later]
    assert responded == [later, earlier]
    assert answered == [earlier]


@pytest.fixture
async def round_robin(
    db: Database, database_url: str, fake_rasa: FakeRasaApi, tmp_path: Path
) -> AsyncIterator[Gateway]:
    """The console's app with round-robin assignment on."""
    async with console_with(database_url, fake_rasa, tmp_path, console_round_robin=True) as app:
        yield app


async def test_round_robin_gives_each_new_chat_to_the_online_agent_whose_turn_it_is(
    round_robin: Gateway,
) -> None:
    gateway = round_robin
    gateway.app.ctx.clock = lambda: OPEN
    await add_agent(gateway, "rina", "Rina Wulandari", "agent")
    await add_agent(gateway, "dewi", "Dewi Lestari", "agent")
    await add_agent(gateway, "away", "Agen Absen", "agent")  # never opens the console

    async with sign_in(gateway, "rina", PASSWORD) as rina, sign_in(gateway, "dewi", PASSWORD):
        for sender in ("c1", "c2", "c3", "c4"):
            await hand_off(gateway, sender)
        items = (await queue(rina))["items"]

    holders = {item["conversation_id"]: (item["state"], item["agent"]) for item in items}
    assert holders == {
        "c1": ("held", "Rina Wulandari"),
        "c2": ("held", "Dewi Lestari"),
        "c3": ("held", "Rina Wulandari"),
        "c4": ("held", "Dewi Lestari"),
    }


async def test_round_robin_leaves_the_chat_waiting_when_nobody_is_online(
    round_robin: Gateway,
) -> None:
    await add_agent(round_robin, "rina", "Rina Wulandari", "agent")

    await hand_off(round_robin, "budi")
    async with sign_in(round_robin, "rina", PASSWORD) as rina:
        items = (await queue(rina))["items"]

    assert [(i["conversation_id"], i["state"]) for i in items] == [("budi", "waiting")]


async def test_round_robin_is_off_by_default(gateway: Gateway, agent: Console) -> None:
    await hand_off(gateway, "budi")

    assert (await queue(agent))["items"][0]["state"] == "waiting"


async def test_bulk_filled_queue_columns_match_what_the_orm_keeps(
    gateway: Gateway, agent: Console
) -> None:
    number = await open_case(gateway, priority="medium")
    await agent.form(f"/console/cases/{number}/transitions", {"status": "in_progress"})
    async with gateway.app.ctx.db.session() as session:
        kept = (await session.execute(select(CaseRecord.queue_rank, CaseRecord.queue_due_at))).one()
        await session.execute(queue_repository.fill_queue_columns())
        await session.commit()
        filled = (
            await session.execute(select(CaseRecord.queue_rank, CaseRecord.queue_due_at))
        ).one()

    assert tuple(kept) == tuple(filled)
    assert kept[0] == 2
    assert isinstance(kept[1], datetime) and kept[1].tzinfo is not None
    assert kept[1] > datetime(2026, 1, 1, tzinfo=UTC)
