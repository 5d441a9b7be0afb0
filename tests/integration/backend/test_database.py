"""The SQLite adapter: write transactions take the lock up front, and a connection handed
back in the middle of one is rolled back before anyone else gets it."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import text

from backend.db.engine import Database


async def scratch(tmp_path: Path) -> Database:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'scratch.db'}")
    async with database.session() as session:
        await session.execute(text("CREATE TABLE notes (body TEXT NOT NULL)"))
        await session.commit()
    return database


async def bodies(database: Database) -> list[str]:
    async with database.session() as session:
        return list((await session.execute(text("SELECT body FROM notes"))).scalars())


async def test_a_unit_of_work_reads_and_writes_under_the_write_lock_it_took_first(
    tmp_path: Path,
) -> None:
    database = await scratch(tmp_path)
    order: list[str] = []
    first_began = asyncio.Event()

    async def first() -> None:
        async with database.session() as session:
            await session.execute(text("SELECT count(*) FROM notes"))  # BEGIN IMMEDIATE ran
            first_began.set()
            await asyncio.sleep(0.3)
            await session.execute(text("INSERT INTO notes VALUES ('first')"))
            order.append("first commits")
            await session.commit()

    async def second() -> None:
        await first_began.wait()
        async with database.session() as session:
            seen = (await session.execute(text("SELECT count(*) FROM notes"))).scalar_one()
            order.append(f"second reads {seen}")
            await session.execute(text("INSERT INTO notes VALUES ('second')"))
            await session.commit()

    try:
        await asyncio.gather(first(), second())

        assert order == ["first commits", "second reads 1"]
        assert await bodies(database) == ["first", "second"]
    finally:
        await database.dispose()


async def test_a_connection_handed_back_in_the_middle_of_a_transaction_is_rolled_back(
    tmp_path: Path,
) -> None:
    database = await scratch(tmp_path)
    try:
        async with database.engine.connect() as connection:
            raw = await connection.get_raw_connection()
            driver = raw.driver_connection
            assert driver is not None
            await driver.execute("BEGIN IMMEDIATE")
            await driver.execute("INSERT INTO notes VALUES ('never committed')")
            assert driver.in_transaction

        async with database.session() as session:  # the pool's only connection, begun again
            await session.execute(text("INSERT INTO notes VALUES ('kept')"))
            await session.commit()

        assert await bodies(database) == ["kept"]
    finally:
        await database.dispose()
