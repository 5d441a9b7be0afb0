"""Rasa itself builds its Redis lock store from the launcher's endpoints, shared by processes.

Real Redis, Rasa's own code (`AvailableEndpoints.read_endpoints`, `LockStore.create`) on the
Rasa environment's Python; no Rasa server (it takes a minute to start): two small processes
stand in for two Rasa servers and take the lock of one conversation in turn.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
from urllib.parse import urlsplit

import pytest

from backend.settings import ROOT
from backend.stack import rasa_python
from backend.timeouts import ACTION_TIMEOUT_SECONDS
from tests.conftest import unavailable

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
RASA_PYTHON = rasa_python()
# What the launcher does before Rasa starts, then what `rasa run` does with the endpoints.
TAKE_THE_LOCK = """
import asyncio, json, os, sys, time
sys.path.insert(0, os.environ["PROJECT_ROOT"])
from engine.rasa_server import action_timeout_seconds, set_action_timeout, with_lock_store

set_action_timeout(action_timeout_seconds(os.environ))
argv = with_lock_store(["run", "--endpoints", "endpoints.yml"], os.environ)
from rasa.core.lock_store import LockStore
from rasa.core.utils import AvailableEndpoints
import rasa.core.actions.action, rasa.utils.endpoints

endpoints = AvailableEndpoints.read_endpoints(argv[-1].split("=", 1)[1])
store = LockStore.create(endpoints.lock_store)
conversation, hold = sys.argv[1], float(sys.argv[2])
print(json.dumps({"ready": True}), flush=True)
sys.stdin.readline()  # go

async def take() -> float:
    asked = time.monotonic()
    async with store.lock(conversation, wait_time_in_seconds=0.1):
        waited = time.monotonic() - asked
        print(json.dumps({
            "store": type(store).__name__,
            "key": store.key_prefix + conversation,
            "in_redis": bool(store.red.exists(store.key_prefix + conversation)),
            "waited": waited,
            "action_timeout": rasa.core.actions.action.DEFAULT_REQUEST_TIMEOUT,
            "http_session_timeout": rasa.utils.endpoints.DEFAULT_REQUEST_TIMEOUT,
            "tracker_store": endpoints.tracker_store.url,
        }), flush=True)
        await asyncio.sleep(hold)
    return waited

asyncio.run(take())
print(json.dumps({"released": not store.red.exists(store.key_prefix + conversation)}))
"""


@pytest.fixture(scope="module")
def redis_url() -> str:
    address = urlsplit(REDIS_URL)
    try:
        socket.create_connection((address.hostname, address.port or 6379), timeout=1).close()
    except OSError as exc:
        unavailable(f"Redis is not available at {REDIS_URL}: {exc}")
    if not RASA_PYTHON.exists():
        unavailable("the Rasa environment is missing: run `make setup`")
    return REDIS_URL


def take_the_lock(
    redis_url: str, conversation: str, hold: float, prefix: str
) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "PROJECT_ROOT": str(ROOT),
        "REDIS_URL": redis_url,
        "RATE_LIMIT_PREFIX": prefix,
        "ACTIONS_URL": "http://127.0.0.1:5055",
        "TRACKER_STORE_URL": "postgresql://rasa@db.example:5432/rasa",
    }
    env.pop("RASA_ACTION_TIMEOUT_SECONDS", None)
    return subprocess.Popen(
        [str(RASA_PYTHON), "-c", TAKE_THE_LOCK, conversation, str(hold)],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def next_line(process: subprocess.Popen[str]) -> dict[str, object]:
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line:
        assert process.stderr is not None
        pytest.fail(f"the Rasa-side process said nothing:\n{process.stderr.read()[-3000:]}")
    return dict(json.loads(line))


def go(process: subprocess.Popen[str]) -> dict[str, object]:
    """Let a process that is ready take the lock; what it says once it holds it."""
    assert process.stdin is not None
    process.stdin.write("go\n")
    process.stdin.flush()
    return next_line(process)


def the_rest(process: subprocess.Popen[str]) -> tuple[str, str]:
    """What the process says until it ends: read through the same buffered pipe as
    `next_line` (communicate() reads the raw pipe and misses what readline() buffered)."""
    assert process.stdin is not None and process.stdout is not None
    assert process.stderr is not None
    process.stdin.close()
    with process.stdout, process.stderr:
        out = process.stdout.read()
        process.wait(timeout=60)
        return out, process.stderr.read()


def test_two_rasa_processes_take_one_conversations_lock_in_turn_through_redis(
    redis_url: str,
) -> None:
    prefix = f"test{secrets.token_hex(4)}"
    conversation = f"lock-{secrets.token_hex(4)}"
    first = take_the_lock(redis_url, conversation, hold=2.0, prefix=prefix)
    second = take_the_lock(redis_url, conversation, hold=0.0, prefix=prefix)
    assert next_line(first) == next_line(second) == {"ready": True}

    holding = go(first)
    after = go(second)

    assert holding["store"] == "RedisLockStore"
    assert holding["key"] == f"{prefix}:lock:{conversation}"
    assert holding["in_redis"] is True
    assert holding["tracker_store"] == "postgresql://rasa@db.example:5432/rasa"
    assert float(str(after["waited"])) > 1.5, "the second waited for the first to finish"
    outputs = [the_rest(process) for process in (first, second)]
    assert [process.returncode for process in (first, second)] == [0, 0], outputs
    last_out, _ = outputs[-1]
    assert json.loads(last_out.splitlines()[-1]) == {"released": True}, "the last one cleans up"


def test_rasa_waits_for_an_action_as_long_as_the_timeout_chain_says(redis_url: str) -> None:
    process = take_the_lock(redis_url, f"t-{secrets.token_hex(4)}", 0.0, "test")
    next_line(process)
    seen = go(process)
    process.communicate(timeout=60)

    assert seen["action_timeout"] == ACTION_TIMEOUT_SECONDS
    assert seen["http_session_timeout"] == ACTION_TIMEOUT_SECONDS
