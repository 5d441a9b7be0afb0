"""Twenty messages of one conversation sent at once to both replicas: Rasa gets them all, in
the transcript's order, and each is answered exactly once."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx

from backend.cluster import Cluster
from tests.cluster.support import REST_TIMEOUT, messages, new_id, report, say, tally

MESSAGES = 20


async def send_all(cluster: Cluster, sender: str) -> list[list[dict[str, Any]]]:
    async with httpx.AsyncClient(timeout=REST_TIMEOUT) as client:

        async def one(number: int) -> list[dict[str, Any]]:
            replica = cluster.app_url(1 + number % 2)
            response = await client.post(
                f"{replica}/webhooks/rest/webhook",
                json={"sender": sender, "message": f"halo nomor {number}"},
            )
            assert response.status_code == 200, response.text
            answers = response.json()
            assert isinstance(answers, list)
            return answers

        return await asyncio.gather(*(one(number) for number in range(1, MESSAGES + 1)))


def test_twenty_concurrent_messages_reach_rasa_in_the_transcripts_order_answered_once_each(
    cluster: Cluster, record_property: Callable[[str, object], None]
) -> None:
    sender = new_id("order")
    say(cluster.url, sender, "halo")  # the conversation exists; its first turn is done

    answers = asyncio.run(send_all(cluster, sender))

    result = tally(cluster, [sender])
    lines = [row for row in messages(cluster, [sender]) if row["sender"] == "user"]
    answered_inline = sum(1 for given in answers if given)
    report(
        record_property,
        "turn_order",
        **result.figures(),
        rest_answers_with_messages=answered_inline,
        problems=result.problems[:10],
    )
    assert len(lines) == MESSAGES + 1
    assert sorted(row["text"] for row in lines[1:]) == sorted(
        f"halo nomor {number}" for number in range(1, MESSAGES + 1)
    )
    assert result.problems == []
    assert result.answered == MESSAGES + 1
    assert answered_inline == MESSAGES, "every REST caller got its own answers"
