"""The same confirmation sent to both replicas at once creates one case."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx

from backend.cluster import Cluster
from tests.cluster.support import (
    REST_TIMEOUT,
    cases_of,
    form_reply,
    has_register_number,
    new_id,
    report,
    tally,
    to_confirmation,
)


async def confirm_twice(cluster: Cluster, sender: str, payload: str) -> list[list[dict[str, Any]]]:
    async with httpx.AsyncClient(timeout=REST_TIMEOUT) as client:

        async def confirm(replica: int) -> list[dict[str, Any]]:
            response = await client.post(
                f"{cluster.app_url(replica)}/webhooks/rest/webhook",
                json={"sender": sender, "message": payload},
            )
            assert response.status_code == 200, response.text
            answers = response.json()
            assert isinstance(answers, list)
            return answers

        return list(await asyncio.gather(confirm(1), confirm(2)))


def test_the_same_confirmation_sent_to_both_replicas_at_once_creates_one_case(
    cluster: Cluster, record_property: Callable[[str, object], None]
) -> None:
    sender = new_id("onecase")
    summary = to_confirmation(cluster, cluster.url, sender)
    payload = form_reply(summary, "Ya")

    answers = asyncio.run(confirm_twice(cluster, sender, payload))

    cases = cases_of(cluster, sender)
    result = tally(cluster, [sender])
    report(
        record_property,
        "one_case",
        **result.figures(),
        confirmations_sent=2,
        confirmation_payload=payload,
        cases=len(cases),
        register_numbers_told=sum(1 for given in answers if has_register_number(given)),
        problems=result.problems[:10],
    )
    assert len(cases) == 1, cases
    assert sum(1 for given in answers if has_register_number(given)) == 1, answers
    assert result.problems == []
