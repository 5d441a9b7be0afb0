"""Benchmark of the console queue: 100,000 running cases on PostgreSQL.

    .venv/bin/python -m benchmarks.console_queue [--cases 100000] [--admin-url URL]

Creates a scratch database (dropped at the end), migrates it, seeds the cases in bulk (every
one running: the worst case for the queue; a third with one of ten officers), 300 chats
waiting for or held by an agent with 20 messages each, and 2,000 chats with the bot; then
times each tab's first page and a deep page (the whole page as the console builds it: lines,
tab counts, waiting chats, who is online) and prints EXPLAIN ANALYZE of the cases query of
each, to show the indexes at work. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import statistics
import sys
import time
from datetime import timedelta
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from backend.db import queue_repository
from backend.db.console_tables import AgentPresence, Handoff
from backend.db.engine import Database
from backend.db.migrate import upgrade
from backend.db.tables import Agent, Conversation, Message
from backend.domain.lifecycle import Priority, Status
from backend.services import handoff as handoffs
from tests.fakes.case_dataset import AS_OF, generate

DEFAULT_ADMIN_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
NOW = AS_OF
OFFICERS = [f"Petugas {number}" for number in range(1, 11)]
CHATS = 300
MESSAGES_PER_CHAT = 20
BOT_CHATS = 2_000
REPEATS = 7
TARGET_MS = 100.0


async def admin(url: str, statement: str) -> None:
    """Run one statement outside a transaction (CREATE/DROP DATABASE)."""
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


def _rows(cases: int) -> tuple[Any, list[dict[str, Any]], list[dict[str, Any]]]:
    dataset = generate(cases, seed=5)
    priorities = [p.value for p in Priority]
    statuses = [Status.RECEIVED.value, Status.IN_PROGRESS.value, Status.WAITING_DOCUMENTS.value]
    for index, row in enumerate(dataset.cases):
        row["status"] = statuses[index % 3]
        row["priority"] = priorities[(index * 7) % 4]
        row["officer"] = OFFICERS[index % 10] if index % 3 == 0 else None
    dataset.ratings.clear()
    conversations: list[dict[str, Any]] = []
    messages: list[dict[str, Any]] = []
    for number in range(CHATS + BOT_CHATS):
        chat = f"bench-{number:05d}"
        with_agent = number < CHATS
        at = NOW - timedelta(minutes=number % 600)
        conversations.append(
            {
                "id": chat,
                "channel": ("web", "telegram", "whatsapp")[number % 3],
                "handled_by": "agent" if with_agent else "bot",
                "created_at": at,
                "updated_at": at,
            }
        )
        if with_agent:
            for turn in range(MESSAGES_PER_CHAT):
                sender = "user" if turn % 2 == 0 else "agent"
                messages.append(
                    {"conversation_id": chat, "sender": sender, "text": "halo", "created_at": at}
                )
    return dataset, conversations, messages


async def seed(url: str, cases: int) -> None:
    """Cases, agents, chats and their messages in bulk; the queue columns filled; ANALYZE."""
    dataset, conversations, messages = _rows(cases)
    database = Database(url)
    try:
        await dataset.seed(database)
        async with database.engine.begin() as connection:
            await connection.execute(queue_repository.fill_queue_columns())
            await connection.execute(
                insert(Agent),
                [
                    {"name": name, "username": f"agent{n}", "role": "agent", "active": True}
                    for n, name in enumerate(OFFICERS)
                ],
            )
            await connection.execute(insert(Conversation), conversations)
            for begin in range(0, len(messages), 5_000):
                await connection.execute(insert(Message), messages[begin : begin + 5_000])
            agents = (await connection.execute(select(Agent.id).order_by(Agent.id))).scalars()
            ids = list(agents)
            await connection.execute(
                insert(AgentPresence), [{"agent_id": i, "seen_at": NOW} for i in ids[:5]]
            )
            await connection.execute(
                insert(Handoff),
                [
                    {
                        "conversation_id": f"bench-{number:05d}",
                        "reason": ("requested", "fallback", "emergency")[number % 3],
                        "requested_at": NOW - timedelta(minutes=number),
                        "agent_id": ids[number % 10] if number % 2 else None,
                    }
                    for number in range(CHATS)
                ],
            )
        async with database.engine.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.execute(text("VACUUM ANALYZE"))
    finally:
        await database.dispose()


async def time_pages(url: str) -> tuple[list[tuple[str, int, float, int]], list[str]]:
    """Median milliseconds of each tab's first and a deep page; EXPLAIN of each cases query."""
    database = Database(url)
    timings: list[tuple[str, int, float, int]] = []
    plans: list[str] = []
    try:
        async with database.session() as session:
            agent = (await session.execute(select(Agent).order_by(Agent.id).limit(1))).scalar_one()
            counts = {
                tab: await queue_repository.count_running_cases(
                    session, holder=tab, officer=agent.name
                )
                for tab in ("mine", "unassigned", "all")
            }
            counts["bot"] = await queue_repository.count_bot_chats(
                session, active_since=NOW - timedelta(hours=handoffs.BOT_CHAT_HOURS)
            )
        views = []
        for tab in ("mine", "unassigned", "all", "bot"):
            last = max(1, -(-counts[tab] // handoffs.QUEUE_PAGE_SIZE))
            views += [(tab, 1), (tab, min(100, last)), (tab, last)]
        for tab, page in dict.fromkeys(views):
            view = handoffs.QueueView(tab, page)
            samples = []
            lines = 0
            for _ in range(REPEATS):
                async with database.session() as session:
                    began = time.perf_counter()
                    result = await handoffs.queue(session, agent, view, now=NOW)
                    samples.append((time.perf_counter() - began) * 1000)
                    lines = len(result.entries)
            timings.append((tab, page, statistics.median(samples), lines))
        async with database.engine.connect() as connection:
            for tab, page in dict.fromkeys(views):
                if tab == "bot":
                    continue
                statement = queue_repository.running_cases_query(
                    holder=tab,
                    officer=agent.name,
                    limit=handoffs.QUEUE_PAGE_SIZE + 1,
                    offset=(page - 1) * handoffs.QUEUE_PAGE_SIZE,
                )
                compiled = statement.compile(
                    dialect=connection.dialect, compile_kwargs={"literal_binds": True}
                )
                plan = await connection.execute(text(f"EXPLAIN (ANALYZE, COSTS OFF) {compiled}"))
                plans.append(f"-- {tab}, page {page}")
                plans.extend("   " + row[0] for row in plan)
    finally:
        await database.dispose()
    return timings, plans


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.console_queue", description=__doc__)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument(
        "--admin-url", default=os.environ.get("TEST_POSTGRES_URL", DEFAULT_ADMIN_URL)
    )
    args = parser.parse_args(argv)
    name = f"aduan_bench_{secrets.token_hex(4)}"
    asyncio.run(admin(args.admin_url, f'CREATE DATABASE "{name}"'))
    url = make_url(args.admin_url).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        began = time.perf_counter()
        asyncio.run(seed(url, args.cases))
        seeded = time.perf_counter() - began
        timings, plans = asyncio.run(time_pages(url))
    finally:
        asyncio.run(admin(args.admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    print("\n".join(plans))
    print(
        f"\n{args.cases} running cases, {CHATS} chats with agents, {BOT_CHATS} with the bot; "
        f"seeded in {seeded:.1f} s"
    )
    print(
        f"  {'tab':<11} {'page':>5} {'lines':>6} {'median ms':>10}   (whole page, {REPEATS} runs)"
    )
    for tab, page, ms, lines in timings:
        flag = "" if ms < TARGET_MS else f"  over {TARGET_MS:.0f} ms"
        print(f"  {tab:<11} {page:>5} {lines:>6} {ms:>10.1f}{flag}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
