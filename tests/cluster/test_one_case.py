"""The same confirmation sent to both replicas at once creates one case (REST, widget)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import httpx
import websockets

from backend.cluster import Cluster
from tests.cluster.support import (
    FORM_ANSWERS,
    REST_TIMEOUT,
    answers_to,
    cases_of,
    eventually,
    form_reply,
    has_register_number,
    messages,
    new_id,
    report,
    requested_slot,
    tally,
    to_confirmation,
    waiting,
    ws_url,
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


async def widget_to_confirmation(
    cluster: Cluster, socket: Any, conversation_id: str
) -> list[dict[str, Any]]:
    """Drive the widget's complaint through the form up to its summary; the summary."""
    sent = 0

    async def turn(text: str) -> list[dict[str, Any]]:
        nonlocal sent
        sent += 1
        client_id = f"c{sent}"
        await socket.send(json.dumps({"type": "message", "text": text, "id": client_id}))
        while True:
            frame = json.loads(await asyncio.wait_for(socket.recv(), 60))
            if frame.get("type") == "received" and frame.get("reply_to") == client_id:
                break
        message_id = int(frame["message_id"])
        await asyncio.to_thread(
            eventually, lambda: waiting(cluster, [conversation_id]) == 0, 60, 0.3, "the turn"
        )
        return await asyncio.to_thread(answers_to, cluster, message_id)

    answers = await turn("halo")
    answers = await turn("saya mau mengadu")
    for _ in range(15):
        slot = await asyncio.to_thread(requested_slot, cluster, conversation_id)
        assert slot in FORM_ANSWERS, f"unexpected question {slot!r}: {answers}"
        if slot == "confirmed":
            return answers
        answers = await turn(form_reply(answers, FORM_ANSWERS[slot]))
    raise AssertionError(f"the form never reached its summary: {answers}")


async def first_frame(socket: Any, kind: str) -> dict[str, Any]:
    while True:
        frame: dict[str, Any] = json.loads(await asyncio.wait_for(socket.recv(), 60))
        if frame.get("type") == kind:
            return frame


async def click_on_both_replicas(cluster: Cluster) -> tuple[str, str, list[dict[str, Any]]]:
    """A widget clicks "Ya" on the summary; the click reaches replica 1 and, re-sent with
    the same client id over a second socket, replica 2 at the same moment."""
    async with websockets.connect(ws_url(cluster.app_url(1))) as one:
        await one.send(json.dumps({"type": "hello", "language": "id"}))
        session = await first_frame(one, "session")
        conversation_id = session["conversation_id"]
        summary = await widget_to_confirmation(cluster, one, conversation_id)
        payload = form_reply(summary, "Ya")
        async with websockets.connect(ws_url(cluster.app_url(2))) as two:
            resume = {"type": "hello", "conversation_id": conversation_id}
            await two.send(json.dumps({**resume, "token": session["token"]}))
            await first_frame(two, "session")
            click = json.dumps({"type": "message", "text": payload, "id": "confirm-1"})
            await asyncio.gather(one.send(click), two.send(click))
            frames = []
            for socket in (one, two):
                while True:
                    frame = json.loads(await asyncio.wait_for(socket.recv(), 60))
                    if frame.get("reply_to") == "confirm-1" and (
                        frame.get("type") == "received" or frame.get("duplicate")
                    ):
                        frames.append(frame)
                        break
        await asyncio.to_thread(
            eventually, lambda: waiting(cluster, [conversation_id]) == 0, 60, 0.3, "the turn"
        )
        return conversation_id, payload, frames


def test_the_same_button_click_reaching_both_replicas_at_once_creates_one_case(
    cluster: Cluster, record_property: Callable[[str, object], None]
) -> None:
    conversation_id, payload, frames = asyncio.run(click_on_both_replicas(cluster))

    cases = cases_of(cluster, conversation_id)
    result = tally(cluster, [conversation_id])
    stored = [
        row
        for row in messages(cluster, [conversation_id])
        if row["sender"] == "user" and row["text"] == payload
    ]
    report(
        record_property,
        "one_case_widget",
        **result.figures(),
        confirmations_sent=2,
        confirmations_stored=len(stored),
        duplicates_refused=sum(1 for frame in frames if frame.get("duplicate")),
        cases=len(cases),
        problems=result.problems[:10],
    )
    assert len(cases) == 1, cases
    assert len(stored) == 1, "the click is stored once"
    assert sorted(frame["type"] for frame in frames) == ["answers", "received"], frames
    assert result.problems == []
