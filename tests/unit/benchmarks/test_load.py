"""The load benchmark's phases: the measured window, the figures of a phase, the report."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from benchmarks.customers import Tally, Target
from benchmarks.load import Phase, Snapshot, added_by_level, drive, report

TARGET = Target("gateway", "http://gateway.test")


def test_a_phase_reports_rates_per_second_and_cpu_per_turn() -> None:
    tally = Tally(latencies=[0.1] * 40, finished=3, lost=1)
    tally.error("timeout", "…")
    phase = Phase(
        "gateway", 10, 20.0, tally, {"rasa": 4.0, "app": 1.0}, generator_cpu=0.5, machine_cpu=9.0
    )
    figures = phase.as_dict()
    assert figures["turns"] == 40 and figures["turns_per_second"] == 2.0
    assert figures["latency_ms"]["p50"] == 100.0
    assert figures["errors"] == 1 and figures["errors_by_kind"] == {"timeout": 1}
    assert figures["cpu_seconds_total"] == 5.0 and figures["cpu_ms_per_turn"] == 125.0
    assert figures["cpu_ms_per_turn_by_process"] == {"rasa": 100.0, "app": 25.0}
    assert figures["other_cpu_seconds"] == 3.5
    assert figures["action_server_calls_per_turn"] is None


def timed(target: str, concurrency: int, p50: float, *, profiled: bool = False) -> Phase:
    tally = Tally(latencies=[p50] * 10)
    return Phase(target, concurrency, 10.0, tally, {}, 0.0, 0.0, profiled=profiled)


def test_the_report_says_what_the_gateway_adds_from_the_rounds_at_each_level() -> None:
    phases = [
        timed("gateway", 1, 0.0220), timed("rasa", 1, 0.0200),
        timed("gateway", 1, 0.0165), timed("rasa", 1, 0.0150),
        timed("gateway", 10, 0.2), timed("rasa", 10, 0.25),
        timed("gateway", 10, 0.9, profiled=True),
    ]  # fmt: skip

    added = added_by_level(phases)

    assert added[1].ratios == pytest.approx((1.1, 1.1))
    assert added[10].ratios == pytest.approx((0.8,))  # the profiled phase left out
    assert "C=1   p50 19.2 ms against 17.5 ms: +10.0%" in report(phases)


def test_a_level_with_one_target_only_has_nothing_to_compare() -> None:
    assert added_by_level([timed("gateway", 1, 0.02), timed("gateway", 1, 0.03)]) == {}


async def test_the_customers_run_on_from_the_warmup_into_the_window_measured_at_both_ends() -> None:
    sent: list[float] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        sent.append(time.monotonic())
        await asyncio.sleep(0.01)  # a server takes its time (and the loop goes round)
        return httpx.Response(200, json=[{"text": "Siapa nama lengkap Anda?"}])

    snapshots: list[float] = []

    def snapshot() -> Snapshot:
        snapshots.append(time.monotonic())
        return Snapshot({"rasa": float(len(snapshots))}, 0.0, 0.0, None)

    transport = httpx.MockTransport(handler)
    original = httpx.AsyncClient.__init__

    def with_transport(self: httpx.AsyncClient, **kwargs: object) -> None:
        original(self, transport=transport, **kwargs)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(httpx.AsyncClient, "__init__", with_transport)
        tally, first, last = await drive(TARGET, 2, 0.1, 0.2, 0.0, 5.0, snapshot)
    assert (first.servers, last.servers) == ({"rasa": 1.0}, {"rasa": 2.0})
    assert snapshots[0] == pytest.approx(tally.since, abs=0.05)
    assert snapshots[1] == pytest.approx(tally.until, abs=0.05)
    assert tally.until - tally.since == pytest.approx(0.2)
    assert any(moment < tally.since for moment in sent), "the warm-up sent messages"
    assert 0 < len(tally.latencies) < len(sent), "only the window's turns are counted"
