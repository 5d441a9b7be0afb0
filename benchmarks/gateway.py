"""Benchmark of the gateway's cost per REST turn: SQL statements, transactions, CPU, latency.

    .venv/bin/python -m benchmarks.gateway [--turns 200] [--concurrency 50]
        [--database-url postgresql+asyncpg://postgres@127.0.0.1:5432/test]

The real app (`backend.app.create_app`, the embedded default: in-process turn queue and
bus) runs in a child process on a scratch SQLite file, or on a scratch PostgreSQL database
created from `--database-url` (dropped at the end). A fake Rasa in another child process
answers at once in Rasa's REST shape (an echo) on loopback, with keep-alive. This process
drives the REST turns: first straight to the fake Rasa (the floor), then through a bare
proxy (the same Sanic and Rasa client, storing nothing: the floor of any gateway on this
stack), then through the gateway one user at a time, then `--concurrency` users at once.
The app process counts
every SQL statement it sends (`before_cursor_execute`) and every transaction it begins,
and reports its CPU seconds (`time.process_time`, its background sweeps included) for
each phase. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import secrets
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import httpx

TURNS_PER_CONVERSATION = 20
WARM_UP_TURNS = 20
UNREACHED_LIMITS = "100000 per second"


# --- the fake Rasa: a bare asyncio HTTP/1.1 server with keep-alive ---------------------


class _RasaProtocol(asyncio.Protocol):
    """Answers Rasa's REST channel with an echo, the tracker with no events, /status."""

    def __init__(self) -> None:
        self._buffer = b""
        self._transport: asyncio.WriteTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        if isinstance(transport, asyncio.WriteTransport):
            self._transport = transport

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        while True:
            head_end = self._buffer.find(b"\r\n\r\n")
            if head_end < 0:
                return
            head = self._buffer[:head_end].decode("latin-1").split("\r\n")
            length = 0
            for line in head[1:]:
                name, _, value = line.partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value.strip())
            if len(self._buffer) < head_end + 4 + length:
                return
            body = self._buffer[head_end + 4 : head_end + 4 + length]
            self._buffer = self._buffer[head_end + 4 + length :]
            self._respond(head[0].split(" ")[1], body)

    def _respond(self, target: str, body: bytes) -> None:
        path = target.split("?", 1)[0]
        if path == "/webhooks/rest/webhook":
            sent = json.loads(body)
            answer: Any = [{"recipient_id": sent["sender"], "text": f"echo: {sent['message']}"}]
        elif path.endswith("/tracker"):
            answer = {"events": []}
        elif path == "/status":
            answer = {"model_id": "fake"}
        else:
            answer = {}
        content = json.dumps(answer).encode()
        if self._transport is None:
            return
        self._transport.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            + f"Content-Length: {len(content)}\r\n\r\n".encode()
            + content
        )


def _run_fake_rasa(sock: socket.socket) -> None:
    async def main() -> None:
        server = await asyncio.get_running_loop().create_server(_RasaProtocol, sock=sock)
        await server.serve_forever()

    asyncio.run(main())


# --- the app, in its own process, counting what it sends to the database ---------------


@dataclass
class Counters:
    statements: int = 0
    transactions: int = 0
    show: bool = False


def _run_app(settings: Any, sock: socket.socket, control: Connection) -> None:
    """Serve the app on `sock`; answer each message on `control` with the counters so far."""
    from sqlalchemy import event

    from backend.app import create_app

    counters = Counters()
    app = create_app(settings, name="gateway_benchmark")
    app.config.MOTD = False

    @app.before_server_start
    async def count_statements(app: Any) -> None:
        engines = [app.ctx.db.engine.sync_engine]
        if app.ctx.db.unit_engine is not None:  # the units' statements, as SQLite runs them
            engines.append(app.ctx.db.unit_engine)
            await app.ctx.db.trace_units(traced)
        event.listen(app.ctx.db.engine.sync_engine, "before_cursor_execute", sent)
        for engine in engines:
            event.listen(engine, "begin", begin)

    def sent(_conn: Any, _cursor: Any, sql: str, *_: Any) -> None:
        traced(sql)

    def traced(sql: str) -> None:
        if sql.startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            return  # a transaction's own statements: counted as transactions
        counters.statements += 1
        if counters.show:
            print("SQL", " ".join(sql.split())[:160], file=sys.stderr)

    def begin(*_: Any) -> None:
        counters.transactions += 1

    def answer_control() -> None:
        while True:
            counters.show = control.recv() == "show"
            control.send((counters.statements, counters.transactions, time.process_time()))

    threading.Thread(target=answer_control, daemon=True).start()
    app.run(sock=sock, single_process=True, access_log=False, motd=False)


def _run_bare_proxy(rasa_url: str, sock: socket.socket) -> None:
    """The floor of any gateway on this stack: the same Sanic and the same Rasa client,
    each message forwarded and its answer returned, nothing stored, queued or counted."""
    from sanic import Request, Sanic
    from sanic.response import HTTPResponse
    from sanic.response import json as json_response

    from bot.rasa_client import RasaClient

    app = Sanic("bare_proxy_benchmark")
    client = RasaClient(rasa_url, "unused")

    @app.post("/webhooks/rest/webhook")
    async def forward(request: Request) -> HTTPResponse:
        body = json.loads(request.body)
        return json_response(await client.answer(body["sender"], body["message"], {}))

    @app.get("/livez")
    async def alive(_request: Request) -> HTTPResponse:
        return json_response({"status": "ok"})

    app.run(sock=sock, single_process=True, access_log=False, motd=False)


# --- the load ----------------------------------------------------------------------------


@dataclass
class Phase:
    label: str
    turns: int
    seconds: float
    latencies: list[float]
    statements: int | None = None
    transactions: int | None = None
    cpu: float | None = None

    def lines(self) -> list[str]:
        ordered = sorted(self.latencies)
        p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
        found = [
            f"{self.label}: {self.turns} turns in {self.seconds:.2f} s "
            f"({self.turns / self.seconds:.1f} turns/s)",
            f"  latency p50 {statistics.median(ordered) * 1000:7.2f} ms   p95 {p95 * 1000:7.2f} ms",
        ]
        if self.cpu is not None:
            found.append(
                f"  app per turn: {self.statements / self.turns:5.1f} statements, "  # type: ignore[operator]
                f"{self.transactions / self.turns:4.1f} transactions, "  # type: ignore[operator]
                f"{self.cpu / self.turns * 1000:6.2f} ms CPU"
            )
        return found


async def _turns(
    client: httpx.AsyncClient, path: str, sender: str, count: int, latencies: list[float]
) -> None:
    for index in range(count):
        began = time.perf_counter()
        response = await client.post(path, json={"sender": sender, "message": f"halo {index}"})
        latencies.append(time.perf_counter() - began)
        response.raise_for_status()
        if not response.json():
            raise RuntimeError(f"no answer: {response.text}")


async def _drive(base_url: str, path: str, prefix: str, turns: int, users: int) -> Phase:
    """`users` conversations at once, each sending turns one after another."""
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=users, max_keepalive_connections=users)
    async with httpx.AsyncClient(base_url=base_url, timeout=120, limits=limits) as client:
        jobs: list[Awaitable[None]] = []
        left = turns
        number = 0
        size = max(1, min(TURNS_PER_CONVERSATION, turns // users))
        while left > 0:
            count = min(size, left)
            jobs.append(_turns(client, path, f"{prefix}_{number}", count, latencies))
            left -= count
            number += 1
        began = time.perf_counter()
        await _limited(jobs, users)
        seconds = time.perf_counter() - began
    return Phase(prefix, turns, seconds, latencies)


async def _limited(jobs: list[Awaitable[None]], users: int) -> None:
    semaphore = asyncio.Semaphore(users)

    async def one(job: Awaitable[None]) -> None:
        async with semaphore:
            await job

    await asyncio.gather(*(one(job) for job in jobs))


def _measured(control: Connection, work: Callable[[], Phase]) -> Phase:
    control.send("snap")
    statements, transactions, cpu = control.recv()
    phase = work()
    control.send("snap")
    statements2, transactions2, cpu2 = control.recv()
    phase.statements = statements2 - statements
    phase.transactions = transactions2 - transactions
    phase.cpu = cpu2 - cpu
    return phase


def _listening() -> tuple[socket.socket, str]:
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(1024)
    sock.set_inheritable(True)
    return sock, f"http://127.0.0.1:{sock.getsockname()[1]}"


def _wait_ready(url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/livez", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the app did not start")


def run(database_url: str, turns: int, users: int, *, show: bool = False) -> list[Phase]:
    from backend.db.migrate import upgrade
    from backend.settings import Settings

    upgrade(database_url)
    context = multiprocessing.get_context("fork")
    rasa_sock, rasa_url = _listening()
    app_sock, app_url = _listening()
    proxy_sock, proxy_url = _listening()
    with tempfile.TemporaryDirectory() as var_dir:
        settings = Settings(
            database_url=database_url,
            app_api_token=secrets.token_urlsafe(24),
            rasa_auth_token=secrets.token_urlsafe(24),
            rasa_url=rasa_url,
            actions_url="http://127.0.0.1:9",
            var_dir=Path(var_dir),
            rate_limit_per_conversation=UNREACHED_LIMITS,
            rate_limit_per_ip=UNREACHED_LIMITS,
        )
        settings = replace(settings, app_port=app_sock.getsockname()[1])
        rasa = context.Process(target=_run_fake_rasa, args=(rasa_sock,), daemon=True)
        rasa.start()
        ours, theirs = context.Pipe()
        app = context.Process(target=_run_app, args=(settings, app_sock, theirs), daemon=True)
        app.start()
        proxy = context.Process(target=_run_bare_proxy, args=(rasa_url, proxy_sock), daemon=True)
        proxy.start()
        try:
            _wait_ready(app_url)
            _wait_ready(proxy_url)
            path = "/webhooks/rest/webhook"
            for warmed in (proxy_url, app_url):
                asyncio.run(_drive(warmed, path, "warm", WARM_UP_TURNS, 1))
            if show:
                ours.send("show")
                ours.recv()
                asyncio.run(_drive(app_url, path, "warm", 1, 1))
                time.sleep(1.5)
                ours.send("snap")
                ours.recv()
            phases = [
                asyncio.run(_drive(rasa_url, path, "rasa_direct_1_user", turns, 1)),
                asyncio.run(_drive(proxy_url, path, "bare_proxy_1_user", turns, 1)),
                _measured(
                    ours, lambda: asyncio.run(_drive(app_url, path, "gateway_1_user", turns, 1))
                ),
                asyncio.run(_drive(rasa_url, path, f"rasa_direct_{users}_users", turns, users)),
                _measured(
                    ours,
                    lambda: asyncio.run(
                        _drive(app_url, path, f"gateway_{users}_users", turns, users)
                    ),
                ),
            ]
        finally:
            for process in (app, proxy, rasa):
                process.terminate()
            for process in (app, proxy, rasa):
                process.join(10)
    return phases


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.gateway", description=__doc__)
    parser.add_argument("--turns", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument(
        "--database-url",
        default="",
        help="a PostgreSQL admin URL: a scratch database is created there (default: SQLite)",
    )
    parser.add_argument(
        "--show-statements",
        action="store_true",
        help="print the SQL of one turn (and 1.5 s of sweeps after it) on stderr",
    )
    args = parser.parse_args(argv)
    if args.database_url:
        from sqlalchemy.engine import make_url

        from benchmarks.reports import admin

        name = f"aduan_bench_{secrets.token_hex(4)}"
        asyncio.run(admin(args.database_url, f'CREATE DATABASE "{name}"'))
        url = make_url(args.database_url).set(database=name).render_as_string(hide_password=False)
        try:
            phases = run(url, args.turns, args.concurrency, show=args.show_statements)
        finally:
            asyncio.run(admin(args.database_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        where = "PostgreSQL"
    else:
        with tempfile.TemporaryDirectory() as folder:
            phases = run(
                f"sqlite+aiosqlite:///{folder}/app.db",
                args.turns,
                args.concurrency,
                show=args.show_statements,
            )
        where = "SQLite"
    print(f"gateway benchmark on {where}, fake Rasa answering at once (pid {os.getpid()})")
    for phase in phases:
        for line in phase.lines():
            print(line)
    one_direct, one_proxy, one_gateway = (statistics.median(p.latencies) for p in phases[:3])
    print(
        "added latency per turn, one user (p50 - p50 direct): "
        f"bare proxy {(one_proxy - one_direct) * 1000:.2f} ms, "
        f"gateway {(one_gateway - one_direct) * 1000:.2f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
