"""Benchmark of the OJK report: 100,000 cases in one quarter on PostgreSQL.

    .venv/bin/python -m benchmarks.reports [--cases 100000] [--admin-url URL]

Creates a scratch database (dropped at the end), migrates it, seeds the cases in bulk,
then times the quarterly report (the first build also stores the resolution time of the
quarter of cases the generator left without one: a one-off back-fill), the JSON, the CSV,
the XLSX and the supervisors' dashboard (its weekly aggregates and cases to chase, as of
the same day), and prints the time of each and the peak memory. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import secrets
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from backend.db.engine import Database
from backend.db.migrate import upgrade
from backend.institutions import load_profile
from backend.reports.build import Report, build_report
from backend.reports.dashboard import Dashboard, build_dashboard
from backend.reports.export import to_csv, to_xlsx
from backend.reports.periods import parse_period
from tests.fakes.case_dataset import AS_OF, generate

T = TypeVar("T")
QUARTER = "2026-Q3"
DEFAULT_ADMIN_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
PROFILE = load_profile("kreditpro")


async def admin(url: str, statement: str) -> None:
    """Run one statement outside a transaction (CREATE/DROP DATABASE)."""
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


async def seed(url: str, cases: int) -> None:
    """Generate the cases of one quarter, insert them in bulk, let PostgreSQL ANALYZE them."""
    period = parse_period(QUARTER)
    dataset = generate(cases, profile=PROFILE, start=period.start, end=period.end)
    database = Database(url)
    try:
        await dataset.seed(database)
        async with database.engine.begin() as connection:
            await connection.execute(text("ANALYZE"))
    finally:
        await database.dispose()


async def quarterly_report(url: str) -> Report:
    """The quarterly report as of the dataset's reporting day."""
    database = Database(url)
    try:
        async with database.session() as session:
            return await build_report(
                session,
                parse_period(QUARTER),
                profile=PROFILE,
                calendar=PROFILE.working_calendar(),
                as_of=AS_OF,
            )
    finally:
        await database.dispose()


async def dashboard(url: str) -> Dashboard:
    """The supervisors' dashboard as of the dataset's reporting day."""
    database = Database(url)
    try:
        async with database.session() as session:
            return await build_dashboard(session, calendar=PROFILE.working_calendar(), as_of=AS_OF)
    finally:
        await database.dispose()


class Stopwatch:
    """Wall-clock seconds of named steps, and this process's CPU seconds in them.

    Other work on the machine stretches the wall clock; the CPU seconds show how much of
    a step is this process's own work (PostgreSQL's work is not in them).
    """

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.cpu_seconds: dict[str, float] = {}

    def time(self, label: str, work: Callable[[], T]) -> T:
        began, cpu_began = time.perf_counter(), time.process_time()
        value = work()
        self.seconds[label] = time.perf_counter() - began
        self.cpu_seconds[label] = time.process_time() - cpu_began
        return value


def run(url: str, cases: int) -> tuple[Stopwatch, dict[str, float]]:
    """Seed, then time every step: (the times of the steps, other figures)."""
    watch = Stopwatch()
    watch.time("seed: generate + bulk insert", lambda: asyncio.run(seed(url, cases)))
    watch.time("report, first (stores missing times)", lambda: asyncio.run(quarterly_report(url)))
    report = watch.time("report", lambda: asyncio.run(quarterly_report(url)))
    watch.time("json", lambda: json.dumps(report.as_dict()))
    csv_bytes = watch.time("csv", lambda: to_csv(report))
    xlsx_bytes = watch.time("xlsx", lambda: to_xlsx(report))
    watch.time("dashboard", lambda: asyncio.run(dashboard(url)))
    tracemalloc.start()
    to_xlsx(asyncio.run(quarterly_report(url)))
    python_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    figures = {
        "cases in the quarter": report.totals.received,
        "csv MiB": len(csv_bytes) / 2**20,
        "xlsx MiB": len(xlsx_bytes) / 2**20,
        "python peak MiB, report + xlsx (tracemalloc)": python_peak / 2**20,
        "process peak RSS MiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    return watch, figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.reports", description=__doc__)
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
        watch, figures = run(url, args.cases)
    finally:
        asyncio.run(admin(args.admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    print(f"{args.cases} cases generated; report {QUARTER} on PostgreSQL")
    print(f"  {'step':<46} {'wall':>8}   {'cpu':>8}")
    for label, value in watch.seconds.items():
        print(f"  {label:<46} {value:8.2f} s {watch.cpu_seconds[label]:8.2f} s")
    for label, value in figures.items():
        print(f"  {label:<46} {value:8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
