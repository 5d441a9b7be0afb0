"""Both Rasa processes down for a minute while customers write: every message is answered,
in order, once Rasa is back, and each conversation is told once that the answer follows."""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import websockets

from backend.cluster import Cluster
from backend.queues.rabbitmq import shard_of
from tests.cluster.support import (
    NOTICES,
    REST_TIMEOUT,
    OutageGraph,
    OutageTelegram,
    eventually,
    messages,
    new_id,
    report,
    say,
    tally,
    telegram_sent,
    telegram_update,
    waiting,
    whatsapp_delivery_post,
    whatsapp_sent,
    ws_url,
)
from tests.fakes.payloads import telegram_text, wa_text, whatsapp_delivery

OUTAGE_SECONDS = 60.0
SHARDS = 16  # TURN_QUEUE_SHARDS
DURING = (3.0, 20.0, 40.0)  # when, into the outage, each customer writes again
RASAS = ("rasa-1", "rasa-2")


def rest_call(base_url: str, sender: str, text: str) -> tuple[int, list[dict[str, Any]]]:
    """One REST message: the status and the answers (nothing when it was refused)."""
    response = httpx.post(
        f"{base_url}/webhooks/rest/webhook",
        json={"sender": sender, "message": text},
        timeout=REST_TIMEOUT,
    )
    answers = response.json() if response.status_code == 200 else []
    return response.status_code, answers if isinstance(answers, list) else []


def rest_customer(
    cluster: Cluster, sender: str, started: float
) -> list[tuple[int, list[dict[str, Any]]]]:
    """Three REST messages during the outage, alternating replicas; what each call answered."""
    with ThreadPoolExecutor(max_workers=len(DURING)) as pool:
        calls = []
        for number, at in enumerate(DURING, start=1):
            time.sleep(max(0.0, started + at - time.monotonic()))
            replica = cluster.app_url(1 + number % 2)
            calls.append(pool.submit(rest_call, replica, sender, f"halo lagi {number}"))
        return [call.result() for call in calls]


def platform_customers(cluster: Cluster, chats: list[int], wa_id: str, started: float) -> None:
    """Telegram and WhatsApp customers write three times during the outage (just after the
    REST customer, whose turn is then the first of its shard)."""
    for number, at in enumerate(DURING, start=1):
        time.sleep(max(0.0, started + at + 1.0 - time.monotonic()))
        replica = cluster.app_url(1 + number % 2)
        for chat in chats:
            telegram_update(replica, telegram_text(chat, f"halo lagi {number}", language="id"))
        whatsapp_delivery_post(replica, whatsapp_delivery(wa_text(wa_id, f"halo lagi {number}")))


def shard(conversation_id: str) -> int:
    return shard_of(conversation_id, SHARDS)


def telegram_chat(shard_wanted: Callable[[int], bool]) -> int:
    """A Telegram chat id whose conversation falls in a shard of the turn queue as wanted."""
    while True:
        chat = random.randrange(10**9, 2 * 10**9)
        if shard_wanted(shard(f"telegram-{chat}")):
            return chat


def whatsapp_number(shard_wanted: Callable[[int], bool]) -> str:
    while True:
        wa_id = f"62813{random.randrange(10**7, 10**8)}"
        if shard_wanted(shard(f"whatsapp-{wa_id}")):
            return wa_id


async def widget_customer(socket: Any, started: float) -> None:
    """Three widget messages during the outage; every frame until all three are answered."""
    for number, at in enumerate(DURING, start=1):
        await asyncio.sleep(max(0.0, started + at - time.monotonic()))
        await socket.send(
            json.dumps({"type": "message", "text": f"halo lagi {number}", "id": f"out-{number}"})
        )


async def read_frames(socket: Any, frames: list[dict[str, Any]], until: asyncio.Event) -> None:
    while not until.is_set():
        try:
            frames.append(json.loads(await asyncio.wait_for(socket.recv(), 1.0)))
        except TimeoutError:
            continue


def notices_in(frames: list[dict[str, Any]]) -> int:
    return sum(
        1
        for frame in frames
        if frame.get("type") == "answers"
        for message in frame.get("messages") or []
        if message.get("text") in NOTICES
    )


async def web_session(cluster: Cluster, avoid: set[int]) -> tuple[Any, str]:
    """A widget connected to replica 1 whose new conversation is in none of `avoid`'s shards."""
    for _ in range(100):
        socket = await websockets.connect(ws_url(cluster.app_url(1)))
        await socket.send(json.dumps({"type": "hello", "language": "id"}))
        session = json.loads(await socket.recv())
        assert session["type"] == "session", session
        if shard(session["conversation_id"]) not in avoid:
            return socket, str(session["conversation_id"])
        await socket.close()
    raise AssertionError("no conversation outside the other customers' shards")


async def outage(
    cluster: Cluster, rest_sender: str, chats: list[int], wa_id: str
) -> tuple[str, list[dict[str, Any]], Any]:
    chat, mate = chats
    avoid = {shard(rest_sender), shard(f"telegram-{chat}"), shard(f"whatsapp-{wa_id}")}
    socket, web_sender = await web_session(cluster, avoid)
    async with socket:
        await socket.send(json.dumps({"type": "message", "text": "halo", "id": "out-0"}))
        frames: list[dict[str, Any]] = []
        stop = asyncio.Event()
        reader = asyncio.ensure_future(read_frames(socket, frames, stop))
        await asyncio.to_thread(
            eventually, lambda: waiting(cluster, [web_sender]) == 0, 60, 0.5, "first answer"
        )
        say(cluster.url, rest_sender, "halo")
        for each in chats:
            telegram_update(cluster.url, telegram_text(each, "halo", language="id"))
        whatsapp_delivery_post(cluster.url, whatsapp_delivery(wa_text(wa_id, "halo")))
        platforms = [f"telegram-{chat}", f"whatsapp-{wa_id}", f"telegram-{mate}"]
        await asyncio.to_thread(
            eventually, lambda: waiting(cluster, platforms) == 0, 60, 0.5, "first answers"
        )

        for name in RASAS:
            await asyncio.to_thread(cluster.hold, name)
        started = time.monotonic()
        rest = asyncio.ensure_future(
            asyncio.to_thread(rest_customer, cluster, rest_sender, started)
        )
        platform_writes = asyncio.ensure_future(
            asyncio.to_thread(platform_customers, cluster, chats, wa_id, started)
        )
        await widget_customer(socket, started)
        await platform_writes
        await asyncio.sleep(max(0.0, started + OUTAGE_SECONDS - time.monotonic()))
        for name in RASAS:
            cluster.supervisor.release(name)
        for name in RASAS:
            await asyncio.to_thread(cluster.release, name)
        back = time.monotonic()
        everyone = [web_sender, rest_sender, *platforms]
        await asyncio.to_thread(
            eventually, lambda: waiting(cluster, everyone) == 0, 180, 1.0, "every turn done"
        )
        drained = time.monotonic()
        await asyncio.sleep(2.0)  # the last pushes reach the widget
        stop.set()
        await reader
        rest_given = await rest
        return web_sender, frames, (rest_given, round(drained - back, 1))


def bot_texts(cluster: Cluster, conversation_id: str) -> list[str]:
    return [
        str(row["text"])
        for row in messages(cluster, [conversation_id])
        if row["sender"] in ("bot", "agent")
    ]


def test_with_rasa_down_for_a_minute_every_message_is_answered_in_order_after_one_notice(
    cluster: Cluster,
    telegram: OutageTelegram,
    graph: OutageGraph,
    record_property: Callable[[str, object], None],
) -> None:
    rest_sender = new_id("outage")
    # The customers' conversations in different shards of the turn queue; one more Telegram
    # customer shares the REST customer's shard (its turns wait behind that one's retries).
    rest_shard = shard(rest_sender)
    chat = telegram_chat(lambda found: found != rest_shard)
    wa_id = whatsapp_number(lambda found: found not in (rest_shard, shard(f"telegram-{chat}")))
    mate = telegram_chat(lambda found: found == rest_shard)
    telegram_id, whatsapp_id, mate_id = f"telegram-{chat}", f"whatsapp-{wa_id}", f"telegram-{mate}"
    try:
        web_sender, frames, (rest_given, drain_seconds) = asyncio.run(
            outage(cluster, rest_sender, [chat, mate], wa_id)
        )
    finally:
        for name in RASAS:
            cluster.supervisor.release(name)

    everyone = [web_sender, rest_sender, telegram_id, whatsapp_id, mate_id]
    eventually(
        lambda: (
            len(telegram_sent(telegram, chat)) >= len(bot_texts(cluster, telegram_id))
            and len(telegram_sent(telegram, mate)) >= len(bot_texts(cluster, mate_id))
            and len(whatsapp_sent(graph, wa_id)) >= len(bot_texts(cluster, whatsapp_id))
        ),
        timeout=60,
        what="Telegram and WhatsApp got every answer",
    )
    result = tally(cluster, everyone)
    delivered = {
        telegram_id: telegram_sent(telegram, chat),
        whatsapp_id: whatsapp_sent(graph, wa_id),
        mate_id: telegram_sent(telegram, mate),
    }
    expected = {conversation: bot_texts(cluster, conversation) for conversation in delivered}
    web_answers = [
        message.get("text")
        for frame in frames
        if frame.get("type") == "answers" and frame.get("sender") == "bot"
        for message in frame.get("messages") or []
        if message.get("text") not in NOTICES
    ]
    in_transcript = [
        row["text"]
        for row in messages(cluster, [web_sender])
        if row["sender"] == "bot" and row["text"] not in NOTICES
    ]
    report(
        record_property,
        "rasa_outage",
        **result.figures(),
        outage_seconds=OUTAGE_SECONDS,
        seconds_to_drain_after_rasa_answered=drain_seconds,
        notices_per_conversation=result.notices,
        web_notice_frames=notices_in(frames),
        web_bot_messages_received=len(web_answers),
        web_bot_messages_in_transcript=len(in_transcript),
        rest_statuses=[status for status, _ in rest_given],
        rest_calls_answered_with_the_notice=sum(
            1 for _, given in rest_given if any(a.get("text") in NOTICES for a in given)
        ),
        platform_messages_delivered={c: len(texts) for c, texts in delivered.items()},
        platform_notices_delivered={
            c: sum(1 for text in texts if text in NOTICES) for c, texts in delivered.items()
        },
        problems=result.problems[:10],
    )
    assert result.problems == []
    assert result.sent == len(everyone) * (1 + len(DURING))
    assert result.lost == 0 and result.duplicated == 0 and result.out_of_order == 0
    mates_notices = result.notices.pop(mate_id)
    assert result.notices == dict.fromkeys(everyone[:-1], 1), "each conversation told once"
    assert notices_in(frames) == 1, "the widget was told once"
    assert web_answers == in_transcript, "the widget got every answer once, in order"
    assert delivered == expected, "Telegram and WhatsApp got every answer once, in order"
    _, first_answers = rest_given[0]
    assert any(a.get("text") in NOTICES for a in first_answers), rest_given
    assert [status for status, _ in rest_given] == [200] * len(DURING), (
        "every REST caller is answered (its answers, or that they follow), never refused"
    )
    assert mates_notices == 1, "a conversation whose turns wait behind another's is told too"
