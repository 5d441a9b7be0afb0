"""A widget connected to one replica gets what an agent writes through the other, at once."""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections.abc import Callable
from typing import Any

import pytest
import websockets

from backend.cluster import Cluster
from tests.cluster.support import Console, create_supervisor, report, ws_url

REPLIES = 5
WITHIN_SECONDS = 1.0


@pytest.fixture(scope="module")
def agent(cluster: Cluster) -> Any:
    """A supervisor signed in to the console of replica 2."""
    username, password = f"fan{secrets.token_hex(3)}", secrets.token_urlsafe(16)
    create_supervisor(cluster, username, "Dewi Fan-out", password)
    console = Console(cluster.app_url(2), username, password)
    yield console
    console.close()


async def frames_until(
    socket: Any, wanted: Callable[[dict[str, Any]], bool], timeout: float
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        assert left > 0, "the frame did not come in time"
        frame: dict[str, Any] = json.loads(await asyncio.wait_for(socket.recv(), left))
        if wanted(frame):
            return frame


def agent_says(text: str) -> Callable[[dict[str, Any]], bool]:
    return lambda frame: (
        frame.get("type") == "answers"
        and any(message.get("text") == text for message in frame.get("messages") or [])
    )


async def widget_meets_agent(cluster: Cluster, console: Console) -> dict[str, Any]:
    async with websockets.connect(ws_url(cluster.app_url(1))) as socket:
        await socket.send(json.dumps({"type": "hello", "language": "id"}))
        session = await frames_until(socket, lambda f: f.get("type") == "session", 10)
        conversation_id = session["conversation_id"]
        await socket.send(json.dumps({"type": "message", "text": "halo", "id": "hello-1"}))
        await frames_until(
            socket, lambda f: f.get("type") == "answers" and f.get("sender") == "bot", 60
        )
        await asyncio.to_thread(console.take_over, conversation_id)
        latencies = []
        for number in range(1, REPLIES + 1):
            text = f"Halo, saya Dewi dari layanan pengaduan ({number})."
            started = time.monotonic()
            arrived = asyncio.ensure_future(frames_until(socket, agent_says(text), 10))
            await asyncio.to_thread(console.reply, conversation_id, text)
            frame = await arrived
            latencies.append(time.monotonic() - started)
            assert frame["sender"] == "agent"
        return {"conversation_id": conversation_id, "latencies": latencies}


def test_a_widget_on_replica_1_gets_an_agents_reply_sent_through_replica_2_within_a_second(
    cluster: Cluster, agent: Console, record_property: Callable[[str, object], None]
) -> None:
    result = asyncio.run(widget_meets_agent(cluster, agent))

    latencies = result["latencies"]
    report(
        record_property,
        "fan_out",
        messages_sent=REPLIES,
        answered=len(latencies),
        duplicated=0,
        lost=REPLIES - len(latencies),
        max_latency_seconds=round(max(latencies), 3),
        latencies_seconds=[round(seconds, 3) for seconds in latencies],
    )
    assert len(latencies) == REPLIES
    assert max(latencies) < WITHIN_SECONDS, latencies
