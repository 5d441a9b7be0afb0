"""Parallel requests never lose or duplicate a case, nor share a register number."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from backend.db.engine import Database
from backend.db.tables import CaseEvent, CaseRecord
from backend.domain.register_number import parse_register_number
from tests.integration.backend.conftest import TOKEN, RunningApp
from tests.integration.backend.support import case_body

ONLY_POSTGRES = pytest.mark.parametrize(
    "database_url", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)


def body(**overrides: Any) -> dict[str, Any]:
    return case_body(**{"product": "Pinjaman konsumtif", **overrides})


async def count(db: Database, table: Any) -> int:
    async with db.session() as session:
        return int((await session.execute(select(func.count()).select_from(table))).scalar())


def parallel_client(running_app: RunningApp) -> httpx.AsyncClient:
    """A client that opens as many connections as there are requests in flight."""
    return httpx.AsyncClient(
        base_url=running_app.url,
        headers={"Authorization": f"Bearer {TOKEN}"},
        limits=httpx.Limits(max_connections=None, max_keepalive_connections=None),
        timeout=60,
    )


@ONLY_POSTGRES
async def test_a_hundred_cases_created_in_parallel_get_a_hundred_valid_register_numbers(
    running_app: RunningApp, db: Database
) -> None:
    async with parallel_client(running_app) as client:
        responses = await asyncio.gather(
            *(client.post("/api/cases", json=body(full_name=f"Nasabah {n}")) for n in range(100))
        )

    numbers = [response.json()["register_number"] for response in responses]
    assert [response.status_code for response in responses] == [201] * 100
    assert len(set(numbers)) == 100
    assert all(parse_register_number(number) == number for number in numbers)
    assert sorted(int(number[8:13]) for number in numbers) == list(range(1, 101))
    assert await count(db, CaseRecord) == 100
    assert await count(db, CaseEvent) == 100


async def test_one_idempotency_key_sent_twenty_times_in_parallel_creates_one_case(
    running_app: RunningApp, db: Database
) -> None:
    headers = {"Idempotency-Key": "call-centre-2026-11-23-0007"}

    async with parallel_client(running_app) as client:
        responses = await asyncio.gather(
            *(client.post("/api/cases", json=body(), headers=headers) for _ in range(20))
        )

    assert sorted(response.status_code for response in responses) == [200] * 19 + [201]
    assert len({response.json()["register_number"] for response in responses}) == 1
    assert await count(db, CaseRecord) == 1
    assert await count(db, CaseEvent) == 1
