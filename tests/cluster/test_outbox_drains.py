"""Telegram and WhatsApp refuse every message for two minutes: once they take messages
again the outbox drains, every answer delivered once, in order per chat."""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from backend.cluster import Cluster
from tests.cluster.support import (
    NOTICES,
    OutageGraph,
    OutageTelegram,
    eventually,
    messages,
    report,
    tally,
    telegram_sent,
    telegram_update,
    waiting,
    whatsapp_delivery_post,
    whatsapp_sent,
)
from tests.fakes.payloads import telegram_text, wa_text, whatsapp_delivery

OUTAGE_SECONDS = 120.0
MESSAGES = 3  # per chat


def bot_texts(cluster: Cluster, conversation_id: str) -> list[str]:
    """What the transcript says the bot sent, in order (the answers to push)."""
    return [
        str(row["text"])
        for row in messages(cluster, [conversation_id])
        if row["sender"] in ("bot", "agent")
    ]


def test_after_two_minutes_of_platform_errors_the_outbox_delivers_everything_once_in_order(
    cluster: Cluster,
    telegram: OutageTelegram,
    graph: OutageGraph,
    record_property: Callable[[str, object], None],
) -> None:
    chat = random.randrange(10**9, 2 * 10**9)
    wa_id = f"62812{random.randrange(10**7, 10**8)}"
    telegram_id, whatsapp_id = f"telegram-{chat}", f"whatsapp-{wa_id}"
    everyone = [telegram_id, whatsapp_id]
    telegram.down_for(OUTAGE_SECONDS)
    graph.down_for(OUTAGE_SECONDS)
    started = time.monotonic()

    for number in range(1, MESSAGES + 1):
        replica = cluster.app_url(1 + number % 2)
        telegram_update(replica, telegram_text(chat, f"halo {number}", language="id"))
        whatsapp_delivery_post(replica, whatsapp_delivery(wa_text(wa_id, f"halo {number}")))
        eventually(lambda: waiting(cluster, everyone) == 0, 120, 0.5, "the turns are done")
    assert telegram_sent(telegram, chat) == [] and whatsapp_sent(graph, wa_id) == []
    refused_during = telegram.refused + graph.refused

    eventually(
        lambda: (
            len(telegram_sent(telegram, chat)) >= len(bot_texts(cluster, telegram_id))
            and len(whatsapp_sent(graph, wa_id)) >= len(bot_texts(cluster, whatsapp_id))
        ),
        timeout=OUTAGE_SECONDS + 90,
        every=1.0,
        what="the outbox drained",
    )
    drained_after = time.monotonic() - started - OUTAGE_SECONDS
    time.sleep(3.0)  # nothing more comes

    result = tally(cluster, everyone)
    expected = {
        telegram_id: bot_texts(cluster, telegram_id),
        whatsapp_id: bot_texts(cluster, whatsapp_id),
    }
    delivered = {
        telegram_id: telegram_sent(telegram, chat),
        whatsapp_id: whatsapp_sent(graph, wa_id),
    }
    duplicated = sum(len(delivered[c]) - len(expected[c]) for c in everyone)
    report(
        record_property,
        "outbox_drains",
        **result.figures(),
        outage_seconds=OUTAGE_SECONDS,
        answers_to_deliver=sum(len(texts) for texts in expected.values()),
        delivered=sum(len(texts) for texts in delivered.values()),
        deliveries_duplicated=duplicated,
        refused_calls=telegram.refused + graph.refused,
        refused_during_sending=refused_during,
        drained_seconds_after_recovery=round(drained_after, 1),
        notices=sum(1 for c in everyone for text in expected[c] if text in NOTICES),
        problems=result.problems[:10],
    )
    assert refused_during > 0, "the platforms were tried during the outage"
    assert result.problems == []
    assert delivered == expected, "every answer once, in the transcript's order"
