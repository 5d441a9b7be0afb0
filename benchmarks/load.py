"""Load benchmark: C concurrent customers through the intake, via the gateway and Rasa direct.

    .venv/bin/python -m benchmarks.load [--stack embedded|cluster] [--concurrency 1,10,50]
        [--duration 60] [--warmup 10] [--think 0] [--rounds 1] [--paired] [--profile]
    .venv/bin/python -m benchmarks.load --gateway URL --rasa URL [--pid rasa=PID --pid app=PID]

Closed loop: each of the C customers sends its next message as soon as it has the answer to
the last one (after `--think` seconds), and starts a new conversation (a new sender id) when
one ends. A conversation is a complaint intake driven by what the bot answers
(benchmarks/intake_flow.py: greeting, a question or a status check mixed in, the complaint
form with its buttons, confirm, "nothing else", rating), with five personas' texts.

Two targets, one after the other at each concurrency level (so the CPU of each is its own):
  gateway  POST {gateway}/webhooks/rest/webhook  the app's REST channel (stored, queued, the
           worker's turn at Rasa, the answer read back), as a customer's client uses it;
  rasa     POST {rasa}/webhooks/rest/webhook     Rasa's own REST channel, no gateway.
`--rounds N` runs the targets in turn N times at each level; the report then says what the
gateway adds to Rasa direct's p50 as the median of the rounds' ratios (and pooled): the
machine's speed drifts within minutes, and a round's two phases share the drift.
`--paired` then runs one more phase, at one user: two customers of the same persona hold
the same conversation, one through each target, one message at a time, the same step to
both in turn (benchmarks/paired_turns.py). Each step's two turn times make a pair, which
shares the machine's drift and the step's own cost; the report gives both p50s, and the
median pair's ratio and difference. (`--concurrency '' --paired`: that phase alone.)
Each phase is `--warmup` seconds then `--duration` seconds measured: the customers run on
from the warm-up into the measured window (so it sees conversations at every step, not C
greetings at once), and what ends after the window is awaited but not counted.
Per target and level: turns, turns/s, latency p50/p95/p99/max, errors (non-200 answers,
empty answers, timeouts, the gateway's "the answer follows" notice), conversations
finished or lost (the customer did not recognise the bot's answer), and CPU seconds per
process (/proc/<pid>/stat utime + stime, children included) and per turn; the load
generator's own CPU too, as it shares the machine.

Stacks:
  --stack embedded  (default) the stack of `make run` (Rasa, actions, app with its worker)
                    on spare ports, a fresh SQLite database under var/benchmarks/, the
                    cached model (`make model` first; RASA_VENV names the Rasa environment).
  --stack cluster   backend/cluster.py: 2 Rasa behind HAProxy, PostgreSQL tracker store,
                    Redis lock store, 2 apps behind HAProxy; its own databases, dropped.
  --gateway/--rasa  servers already running; `--pid name=PID` for the CPU figures.
The started stacks run with the message rate limits lifted (RATE_LIMIT_PER_CONVERSATION,
RATE_LIMIT_PER_IP: every customer of the benchmark is 127.0.0.1) and are stopped at the end.
Running servers keep theirs: a 429 is then counted as an error.

--profile adds a phase after the measured ones: the gateway at the highest concurrency,
with `py-spy record` on each server process (raw collapsed stacks in var/profiles/), and
prints each process's 25 heaviest frames by inclusive and by self share, of the samples of
threads at work (stacks ending in a wait, such as the event loop's selector, left out; the
JSON has both). Its figures are
reported apart (profiled), as the profiler costs CPU on the same cores. py-spy leaves out
threads it sees idle; a thread that waits for a CPU (a loaded machine) counts as active,
so on a busy machine the shares are of wall time rather than of CPU time. --profile-gil
samples only the threads holding the GIL: Python at work, without the event loop's waits
(but also without native code that releases the GIL, such as TensorFlow's ops).

--count-action-calls (started stacks) puts a counting relay between Rasa and the action
server and reports the action server calls per turn (it adds a hop: use it in a run of
its own, not for the latency figures).

The summary is printed, and written as JSON to var/benchmarks/load-<time>.json.
Not part of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import secrets
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from backend.settings import ROOT, Settings
from benchmarks.action_relay import ActionRelay
from benchmarks.customers import Tally, Target, customer_loop
from benchmarks.flame import render
from benchmarks.latency import Added, Latency, Paired
from benchmarks.paired_turns import PairedTally, drive_paired
from benchmarks.process_cpu import cpu_seconds, machine_busy_seconds, self_cpu_seconds
from benchmarks.profiler import Recording, start_recordings

OUT = ROOT / "var" / "benchmarks"
PROFILES = ROOT / "var" / "profiles"
UNLIMITED = "100000 per second"
PROFILED_PROCESSES = ("rasa", "app", "actions", "worker")
# What a stack gives: the gateway's URL, Rasa's, the process ids by name, the action relay.
Served = tuple[str, str, Callable[[], dict[str, int]], ActionRelay | None]


@dataclass
class Phase:
    """The figures of one target at one concurrency level."""

    target: str
    concurrency: int
    seconds: float
    tally: Tally
    cpu: dict[str, float]
    generator_cpu: float
    machine_cpu: float  # every process of the machine, the other users' included
    profiled: bool = False
    action_calls: int | None = None

    @property
    def turns(self) -> int:
        return len(self.tally.latencies)

    def as_dict(self) -> dict[str, Any]:
        turns = self.turns
        total_cpu = sum(self.cpu.values())
        return {
            "target": self.target,
            "concurrency": self.concurrency,
            "profiled": self.profiled,
            "seconds": round(self.seconds, 2),
            "turns": turns,
            "turns_per_second": round(turns / self.seconds, 2) if self.seconds else None,
            "latency_ms": Latency.of(self.tally.latencies).as_milliseconds(),
            "errors": sum(self.tally.errors.values()),
            "errors_by_kind": dict(self.tally.errors),
            "error_samples": self.tally.error_samples,
            "conversations_finished": self.tally.finished,
            "conversations_lost": self.tally.lost,
            "lost_on": self.tally.lost_on,
            "a_finished_conversation": self.tally.transcript,
            "cpu_seconds": {name: round(value, 2) for name, value in self.cpu.items()},
            "cpu_seconds_total": round(total_cpu, 2),
            "cpu_ms_per_turn": round(total_cpu / turns * 1000, 1) if turns else None,
            "cpu_ms_per_turn_by_process": {
                name: round(value / turns * 1000, 1) for name, value in self.cpu.items()
            }
            if turns
            else {},
            "load_generator_cpu_seconds": round(self.generator_cpu, 2),
            "machine_cpu_seconds": round(self.machine_cpu, 2),
            # What else ran on the machine meanwhile (other users, the profiler): noise.
            "other_cpu_seconds": round(self.machine_cpu - total_cpu - self.generator_cpu, 2),
            "machine_cpus": os.cpu_count(),
            "action_server_calls": self.action_calls,
            "action_server_calls_per_turn": round(self.action_calls / turns, 2)
            if self.action_calls is not None and turns
            else None,
        }


# -- the measured window ---------------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    """CPU seconds so far: each server's, the load generator's, the machine's; action calls."""

    servers: dict[str, float]
    generator: float
    machine: float
    action_calls: int | None

    @classmethod
    def take(cls, pids: dict[str, int], relay: ActionRelay | None) -> Snapshot:
        return cls(
            cpu_seconds(pids),
            self_cpu_seconds(),
            machine_busy_seconds(),
            relay.calls if relay is not None else None,
        )


async def drive(
    target: Target,
    concurrency: int,
    warmup: float,
    seconds: float,
    think: float,
    timeout: float,
    snapshot: Callable[[], Snapshot],
) -> tuple[Tally, Snapshot, Snapshot]:
    """C customers: `warmup` seconds, then `seconds` measured; snapshots at both ends.

    The customers run on from the warm-up into the measured window, so the window sees
    conversations at every step rather than C greetings at once. After the window no new
    message is sent; the answers still on their way are awaited but not counted.
    """
    tag = secrets.token_hex(3)
    limits = httpx.Limits(
        max_connections=concurrency + 5, max_keepalive_connections=concurrency + 5
    )
    async with httpx.AsyncClient(
        timeout=httpx.Timeout(timeout, connect=10.0), limits=limits
    ) as client:
        began = time.monotonic()
        tally = Tally(since=began + warmup, until=began + warmup + seconds)
        customers = [
            asyncio.create_task(
                customer_loop(client, target, number, tag, tally.until, think, tally)
            )
            for number in range(concurrency)
        ]
        await asyncio.sleep(max(0.0, tally.since - time.monotonic()))
        first = snapshot()
        await asyncio.sleep(max(0.0, tally.until - time.monotonic()))
        last = snapshot()
        await asyncio.gather(*customers)
        return tally, first, last


# -- the phases ------------------------------------------------------------------------------


@dataclass
class Bench:
    """The run's settings and the servers' process ids (read at each phase: they may restart)."""

    concurrency: list[int]
    duration: float
    warmup: float
    think: float
    timeout: float
    pids: Callable[[], dict[str, int]]  # read at each phase: a server may have restarted
    relay: ActionRelay | None = None

    def phase(
        self,
        target: Target,
        concurrency: int,
        *,
        profiled: bool = False,
        at_start: Callable[[], object] | None = None,
    ) -> Phase:
        """Warm up, then measure; `at_start` runs as the measured window opens."""
        pids = self.pids()
        taken: list[Snapshot] = []

        def measure() -> Snapshot:
            taken.append(Snapshot.take(pids, self.relay))
            if len(taken) == 1 and at_start is not None:
                at_start()
            return taken[-1]

        tally, first, last = asyncio.run(
            drive(
                target, concurrency, self.warmup, self.duration, self.think, self.timeout,
                measure,
            )
        )  # fmt: skip
        calls = (
            last.action_calls - first.action_calls
            if last.action_calls is not None and first.action_calls is not None
            else None
        )
        return Phase(
            target.name, concurrency, tally.until - tally.since, tally,
            {name: last.servers[name] - first.servers[name] for name in pids},
            last.generator - first.generator, last.machine - first.machine,
            profiled=profiled, action_calls=calls,
        )  # fmt: skip

    def paired(self, gateway: Target, rasa: Target) -> PairedPhase:
        """One user, the same steps through both targets (benchmarks/paired_turns.py)."""
        pids = self.pids()
        tally, first, last = asyncio.run(
            drive_paired(
                gateway, rasa, self.warmup, self.duration, self.timeout,
                lambda: Snapshot.take(pids, None),
            )
        )  # fmt: skip
        return PairedPhase(
            tally, self.duration,
            {name: last.servers[name] - first.servers[name] for name in pids},
        )  # fmt: skip


@dataclass(frozen=True)
class PairedPhase:
    """The figures of the paired phase: both targets' turns, their pairs, the CPU of both."""

    tally: PairedTally
    seconds: float
    cpu: dict[str, float]

    @property
    def added(self) -> Paired:
        return Paired.of(self.tally.pairs)

    def as_dict(self) -> dict[str, Any]:
        tallies = {"gateway": self.tally.gateway, "rasa": self.tally.rasa}
        return {
            **self.added.as_dict(),
            "seconds": round(self.seconds, 2),
            "diverged": self.tally.diverged,
            "latency_ms": {
                name: Latency.of(tally.latencies).as_milliseconds()
                for name, tally in tallies.items()
            },
            "errors": {name: dict(tally.errors) for name, tally in tallies.items()},
            "conversations_finished": {name: tally.finished for name, tally in tallies.items()},
            "conversations_lost": {name: tally.lost for name, tally in tallies.items()},
            "cpu_seconds": {name: round(value, 2) for name, value in self.cpu.items()},
        }

    def lines(self) -> list[str]:
        added = self.added
        figures = self.as_dict()
        errors = {name: sum(kinds.values()) for name, kinds in figures["errors"].items()}
        return [
            "One user, the same steps through both targets in turn (--paired)",
            f"  {added.count} pairs: p50 {added.gateway_p50 * 1000:.1f} ms through the gateway "
            f"against {added.rasa_p50 * 1000:.1f} ms direct: {added.p50_share:+.1%}; "
            f"the median pair: {added.median_share:+.1%}, "
            f"{added.median_difference * 1000:+.2f} ms",
            f"  errors {errors['gateway']} / {errors['rasa']}, conversations finished "
            f"{self.tally.gateway.finished} / {self.tally.rasa.finished}, lost "
            f"{self.tally.gateway.lost} / {self.tally.rasa.lost} (gateway / direct); "
            f"pairs ended as the bot answered them differently: {self.tally.diverged}",
        ]


def run_levels(bench: Bench, targets: list[Target], rounds: int = 1) -> list[Phase]:
    """Each level: the targets in turn, `rounds` times over."""
    phases = []
    for concurrency in bench.concurrency:
        for target in targets * rounds:
            print(f"… {target.name}, {concurrency} concurrent, {bench.duration:g}s", flush=True)
            phase = bench.phase(target, concurrency)
            print("  " + row(phase), flush=True)
            phases.append(phase)
    return phases


def run_profiled(
    bench: Bench, target: Target, stamp: str, rate: int, top: int, *, gil: bool = False
) -> tuple[Phase, list[Recording]]:
    """The gateway at the highest level with py-spy on every server, and its recordings."""
    concurrency = max(bench.concurrency)
    print(f"… profiling: {target.name}, {concurrency} concurrent, py-spy at {rate} Hz", flush=True)
    pids = {name: pid for name, pid in bench.pids().items() if name.startswith(PROFILED_PROCESSES)}
    recordings: list[Recording] = []

    def record() -> None:
        recordings.extend(start_recordings(pids, PROFILES, stamp, bench.duration, rate, gil=gil))

    phase = bench.phase(target, concurrency, profiled=True, at_start=record)
    for recording in recordings:
        recording.finish(timeout=bench.duration + 30, top=top)
    return phase, recordings


def profile_report(recordings: list[Recording]) -> tuple[str, dict[str, Any]]:
    """The flame summaries as text, and as JSON (or why a process has none)."""
    lines: list[str] = []
    found: dict[str, Any] = {}
    for recording in recordings:
        if recording.summary is None:
            lines.append(f"\nProfile of {recording.name}: none ({recording.problem})")
            found[recording.name] = {"problem": recording.problem}
            continue
        busy = recording.busy or recording.summary
        title = (
            f"Profile of {recording.name} (pid {recording.pid}, {recording.path}); "
            f"threads at work: {busy.samples} of {recording.summary.samples} samples "
            "(waits in the event loop's selector, aiosqlite's queue, idle pools left out)"
        )
        lines.append("\n" + render(title, busy))
        found[recording.name] = {
            "file": str(recording.path),
            **recording.summary.as_dict(),
            "working": busy.as_dict(),
        }
    return "\n".join(lines), found


# -- the stacks ------------------------------------------------------------------------------


def no_limits() -> dict[str, str]:
    """The message rate limits lifted: every customer of the benchmark is 127.0.0.1."""
    return {"RATE_LIMIT_PER_CONVERSATION": UNLIMITED, "RATE_LIMIT_PER_IP": UNLIMITED}


def model_path(given: str | None) -> Path:
    """The model given, or the trained one of the current data (never trained here)."""
    from backend.stack import rasa_bin
    from backend.training import default_cache_dir, ensure_model, fingerprint

    if given:
        return Path(given).resolve()
    name = f"model-{fingerprint(ROOT)}.tar.gz"
    if not (ROOT / "models" / name).exists() and not (default_cache_dir() / name).exists():
        raise SystemExit(f"No trained model {name}: run `make model` first, or pass --model.")
    return ensure_model(ROOT, rasa_bin())


def spare_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def embedded_stack(model: Path, run_dir: Path, count_action_calls: bool) -> Iterator[Served]:
    """The stack of `make run` on spare ports with a fresh SQLite database; stopped after."""
    from backend.cli import migrate
    from backend.stack import Stack

    var_dir = run_dir / "stack"
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{var_dir / 'app.db'}",
        app_api_token=secrets.token_urlsafe(24),
        rasa_auth_token=secrets.token_urlsafe(24),
        widget_secret=secrets.token_urlsafe(32),
        rasa_url=f"http://127.0.0.1:{spare_port()}",
        actions_url=f"http://127.0.0.1:{spare_port()}",
        app_port=spare_port(),
        var_dir=var_dir,
    )
    settings = replace(settings, rate_limit_per_conversation=UNLIMITED, rate_limit_per_ip=UNLIMITED)
    var_dir.mkdir(parents=True, exist_ok=True)
    migrate(settings)
    extra = no_limits()
    relay = None
    if count_action_calls:
        relay = ActionRelay("127.0.0.1", int(settings.actions_url.rsplit(":", 1)[1]))
        relay.start()
        extra["ACTIONS_URL"] = f"http://127.0.0.1:{relay.port}"  # Rasa calls through it
    stack = Stack(settings, model, extra_env=extra)
    print(f"Starting the stack (logs in {var_dir / 'logs'}) …", flush=True)
    stack.start()
    try:
        pids = lambda: {p.name: p.pid for p in stack.processes if p.pid is not None}  # noqa: E731
        yield settings.app_url, settings.rasa_url, pids, relay
    finally:
        stack.stop()
        if relay is not None:
            relay.stop()


@contextlib.contextmanager
def cluster_stack(model: Path, run_dir: Path) -> Iterator[Served]:
    """backend/cluster.py's cluster with databases and Redis keys of its own, dropped after."""
    from backend.cluster import Cluster, ClusterPorts, Services, drop_databases

    tag = secrets.token_hex(4)
    services = replace(
        Services.from_env(),
        database=f"aduan_bench_{tag}",
        tracker_database=f"aduan_bench_{tag}_rasa",
        redis_prefix=f"bench{tag}",
    )
    settings = Settings(
        database_url=services.database_url,
        app_api_token=secrets.token_urlsafe(24),
        rasa_auth_token=secrets.token_urlsafe(24),
        widget_secret=secrets.token_urlsafe(32),
        rasa_url="http://127.0.0.1:9",  # the cluster sets its own addresses
        actions_url="http://127.0.0.1:9",
    )
    cluster = Cluster(
        settings, model, ports=ClusterPorts.spare(), services=services,
        var_dir=run_dir / "cluster", extra_env=no_limits(),
    )  # fmt: skip
    print(f"Starting the cluster (logs in {cluster.log_dir}) …", flush=True)
    try:
        cluster.start(timeout=300)
        pids = lambda: {p.name: p.pid for p in cluster.processes if p.pid is not None}  # noqa: E731
        yield cluster.url, cluster.rasa_url, pids, None
    finally:
        cluster.stop()
        asyncio.run(drop_databases(services))


@contextlib.contextmanager
def attached(gateway: str, rasa: str, pids: dict[str, int]) -> Iterator[Served]:
    yield gateway, rasa, lambda: dict(pids), None


# -- the report ------------------------------------------------------------------------------


def row(phase: Phase) -> str:
    figures = phase.as_dict()
    latency = figures["latency_ms"]

    def ms(name: str) -> str:
        value = latency[name]
        return f"{value:8.1f}" if value is not None else "       -"

    per_turn = figures["cpu_ms_per_turn"]
    return (
        f"{phase.target:<8} {phase.concurrency:>4} {figures['turns']:>6} "
        f"{figures['turns_per_second']:>7.1f} {ms('p50')} {ms('p95')} {ms('p99')} {ms('max')} "
        f"{figures['errors']:>6} {phase.tally.finished:>5} {phase.tally.lost:>5} "
        f"{per_turn if per_turn is not None else '-':>8}"
        + ("  (profiled)" if phase.profiled else "")
    )


HEADER = (
    f"{'target':<8} {'C':>4} {'turns':>6} {'turns/s':>7} {'p50 ms':>8} {'p95 ms':>8} "
    f"{'p99 ms':>8} {'max ms':>8} {'errors':>6} {'done':>5} {'lost':>5} {'CPUms/t':>8}"
)


def added_by_level(phases: list[Phase]) -> dict[int, Added]:
    """What the gateway adds to Rasa direct at each level where both ran (unprofiled)."""
    found = {}
    for concurrency in dict.fromkeys(phase.concurrency for phase in phases):
        rounds = {
            target: [
                phase.tally.latencies
                for phase in phases
                if phase.concurrency == concurrency and phase.target == target
                and not phase.profiled
            ]
            for target in ("gateway", "rasa")
        }  # fmt: skip
        if rounds["gateway"] and rounds["rasa"]:
            found[concurrency] = Added.of(rounds["gateway"], rounds["rasa"])
    return found


def added_lines(phases: list[Phase]) -> list[str]:
    lines = []
    for concurrency, added in added_by_level(phases).items():
        ratios = ", ".join(f"{ratio:.3f}" for ratio in added.ratios)
        lines.append(
            f"  C={concurrency:<3} p50 {added.gateway_p50 * 1000:.1f} ms against "
            f"{added.rasa_p50 * 1000:.1f} ms: {added.median_share:+.1%} (median of the rounds' "
            f"ratios: {ratios}; pooled {added.pooled_share:+.1%})"
        )
    if lines:
        lines.insert(0, "What the gateway adds to Rasa direct (p50; --rounds N runs N pairs)")
    return lines


def report(phases: list[Phase]) -> str:
    lines = ["", "Summary (latency per turn; done/lost: conversations; CPU ms per turn, servers)"]
    lines += [HEADER, *(row(p) for p in phases), "", *added_lines(phases)]
    lines += ["", "CPU seconds per process (and ms per turn)"]
    for phase in phases:
        figures = phase.as_dict()
        per_turn = figures["cpu_ms_per_turn_by_process"]
        cpu = ", ".join(
            f"{name} {seconds:.1f}s ({per_turn.get(name, 0):.1f})"
            for name, seconds in figures["cpu_seconds"].items()
        )
        lines.append(
            f"  {phase.target:<8} C={phase.concurrency:<3} {cpu}; load generator "
            f"{phase.generator_cpu:.1f}s; all else on the machine "
            f"{figures['other_cpu_seconds']:.1f}s (of {phase.seconds * (os.cpu_count() or 1):.0f})"
            + ("  (profiled)" if phase.profiled else "")
        )
        if figures["action_server_calls_per_turn"] is not None:
            lines.append(
                f"    action server calls: {figures['action_server_calls']} "
                f"({figures['action_server_calls_per_turn']} per turn)"
            )
        if phase.turns and not phase.tally.finished:
            lines.append(
                "    no conversation finished in the window: its turns lean to the first steps "
                "of the intake; a longer --warmup (about turns per conversation × p50) spreads them"
            )
        for sample in figures["error_samples"][:2]:
            lines.append(f"    error: {sample}")
        for sample in figures["lost_on"][:2]:
            lines.append(f"    lost on: {sample}")
    return "\n".join(lines)


def commit() -> str:
    try:
        found = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
            cwd=ROOT, capture_output=True, text=True, check=True,
        )  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return found.stdout.strip()


def parse_pids(values: list[str]) -> dict[str, int]:
    pids = {}
    for value in values:
        name, _, pid = value.partition("=")
        if not name or not pid.isdigit():
            raise SystemExit(f"--pid takes name=PID, not {value!r}")
        pids[name] = int(pid)
    return pids


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.load",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--stack", choices=("embedded", "cluster"), default="embedded")
    parser.add_argument("--gateway", help="a running gateway's URL (instead of --stack)")
    parser.add_argument("--rasa", help="a running Rasa server's URL (instead of --stack)")
    parser.add_argument("--pid", action="append", default=[], help="name=PID, for the CPU")
    parser.add_argument("--targets", default="gateway,rasa", help="gateway, rasa or both")
    parser.add_argument(
        "--rounds", type=int, default=1, help="run the targets in turn N times at each level"
    )
    parser.add_argument(
        "--concurrency", default="1,10,50", help="levels, e.g. 1,10,50 ('' with --paired: none)"
    )
    parser.add_argument(
        "--paired", action="store_true", help="then one user, both targets step by step"
    )
    parser.add_argument("--duration", type=float, default=60.0, help="seconds measured per phase")
    parser.add_argument("--warmup", type=float, default=10.0, help="seconds before each phase")
    parser.add_argument("--think", type=float, default=0.0, help="seconds between turns")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per request")
    parser.add_argument("--profile", action="store_true", help="py-spy at the highest level")
    parser.add_argument("--profile-rate", type=int, default=100, help="samples per second")
    parser.add_argument(
        "--profile-gil", action="store_true", help="sample only threads holding the GIL"
    )
    parser.add_argument("--top", type=int, default=25, help="frames in each flame summary")
    parser.add_argument("--count-action-calls", action="store_true")
    parser.add_argument("--model", help="the model file (default: the cached one of the data)")
    args = parser.parse_args(argv)

    levels = [int(level) for level in args.concurrency.split(",") if level.strip()]
    wanted = [name.strip() for name in args.targets.split(",") if name.strip()]
    if args.rounds < 1:
        parser.error("--rounds takes a whole number ≥ 1")
    if (
        (not levels and not args.paired)
        or min(levels, default=1) < 1
        or not set(wanted) <= {"gateway", "rasa"}
        or not wanted
    ):
        parser.error("--concurrency takes whole numbers ≥ 1; --targets gateway and/or rasa")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    run_dir = OUT / f"load-{stamp}"
    stack: contextlib.AbstractContextManager[Served]
    if args.gateway or args.rasa:
        if not (args.gateway and args.rasa):
            parser.error("--gateway and --rasa go together")
        if args.count_action_calls:
            parser.error("--count-action-calls needs a stack started by the benchmark")
        stack = attached(args.gateway, args.rasa, parse_pids(args.pid))
        kind = "attached"
    else:
        model = model_path(args.model)
        if args.stack == "cluster":
            if args.count_action_calls:
                parser.error("--count-action-calls works with --stack embedded only")
            stack = cluster_stack(model, run_dir)
        else:
            stack = embedded_stack(model, run_dir, args.count_action_calls)
        kind = args.stack

    recordings: list[Recording] = []
    with stack as (gateway_url, rasa_url, pids, relay):
        targets = {
            "gateway": Target("gateway", gateway_url),
            "rasa": Target("rasa", rasa_url, metadata={"channel": "rest"}),
        }
        bench = Bench(
            levels, args.duration, args.warmup, args.think, args.timeout, pids, relay=relay
        )
        print(f"Processes: {pids()}", flush=True)
        phases = run_levels(bench, [targets[name] for name in wanted], args.rounds)
        paired = None
        if args.paired:
            print(f"… paired: one user, both targets in turn, {bench.duration:g}s", flush=True)
            paired = bench.paired(targets["gateway"], targets["rasa"])
        if args.profile:
            phase, recordings = run_profiled(
                bench, targets["gateway"], stamp, args.profile_rate, args.top, gil=args.profile_gil
            )
            phases.append(phase)
            print("  " + row(phase), flush=True)

    print(report(phases))
    if paired is not None:
        print("\n".join(["", *paired.lines()]))
    profile_text, profiles = profile_report(recordings)
    print(profile_text)
    result = {
        "started": stamp,
        "commit": commit(),
        "stack": kind,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "settings": {
            "concurrency": levels,
            "duration": args.duration,
            "warmup": args.warmup,
            "think": args.think,
            "targets": wanted,
            "rounds": args.rounds,
            "rate_limits": "lifted" if kind != "attached" else "the servers' own",
        },
        "phases": [phase.as_dict() for phase in phases],
        "gateway_adds": {
            str(concurrency): {
                "median_share": added.median_share,
                "pooled_share": added.pooled_share,
                "round_ratios": list(added.ratios),
            }
            for concurrency, added in added_by_level(phases).items()
        },
        "paired": paired.as_dict() if paired is not None else None,
        "profiles": profiles,
    }
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"load-{stamp}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"\nWritten: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
