"""Servers restarting mid-conversation lose nothing and create nothing twice."""

from __future__ import annotations

import os
import re
import signal
import time

import httpx
import pytest

from backend.domain.register_number import REGISTER_NUMBER_PATTERN
from backend.stack import Stack
from tests.e2e.conftest import Chat

pytestmark = pytest.mark.e2e

ANSWERS = {
    "complainant_type": "Bukan pengguna",
    "description": "Penagih utang menelepon saya terus padahal saya bukan peminjam di aplikasi ini",
    "incident_date": "kemarin",
    "loss_amount": "tidak ada",
    "priority": "Tinggi",
    "full_name": "Siti Rahayu",
    "contact": "siti.rahayu@example.com",
    "confirmed": "Ya",
}
RESTART_WHEN_ASKED = {"description": "rasa", "priority": "actions", "contact": "app"}


def requested_slot(stack: Stack, conversation_id: str) -> str | None:
    """The slot the intake form asks for now, read from Rasa's tracker."""
    response = httpx.get(
        f"{stack.settings.rasa_url}/conversations/{conversation_id}/tracker",
        params={"token": stack.settings.rasa_auth_token},
        timeout=30,
    )
    response.raise_for_status()
    slot = response.json()["slots"].get("requested_slot")
    return str(slot) if slot else None


def answer(chat: Chat, text: str) -> None:
    """Click the button titled like `text` when there is one, else type it."""
    titles = [b["title"].lower() for m in chat.last for b in m.get("buttons") or []]
    if any(text.lower() in title for title in titles):
        chat.click(text)
    else:
        chat.say(text)


def test_a_complaint_survives_restarts_of_every_server_and_is_created_once(
    stack: Stack, chat: Chat, api: httpx.Client
) -> None:
    chat.say("halo")
    chat.say("saya mau mengadu")
    restarted: list[str] = []
    for _ in range(15):
        if re.search(REGISTER_NUMBER_PATTERN, chat.texts):
            break
        slot = requested_slot(stack, chat.sender)
        assert slot in ANSWERS, f"unexpected question {slot!r}: {chat.texts}"
        server = RESTART_WHEN_ASKED.get(slot)
        if server and server not in restarted:
            stack.restart(server)
            restarted.append(server)
            assert requested_slot(stack, chat.sender) == slot, "the form waits where it was"
        if slot == "confirmed":
            assert "Siti Rahayu" in chat.texts, "the summary holds what came before restarts"
        answer(chat, ANSWERS[slot])
    assert restarted == ["rasa", "actions", "app"]
    assert re.search(REGISTER_NUMBER_PATTERN, chat.texts), chat.texts

    cases = api.get("/api/cases", params={"conversation_id": chat.sender}).json()["items"]
    assert len(cases) == 1
    case = cases[0]
    assert case["complainant_type"] == "reporter"
    assert case["user_role"] is None
    assert case["email"] == "siti.rahayu@example.com"
    assert case["full_name"] == "Siti Rahayu"
    assert case["priority"] == "high"

    conversation = api.get(f"/api/conversations/{chat.sender}").json()
    assert conversation["cases"] == [case["register_number"]]


def test_a_server_killed_outright_is_started_again_by_the_supervisor_and_the_chat_goes_on(
    stack: Stack, chat: Chat
) -> None:
    stack.supervise()
    actions = next(p for p in stack.processes if p.name == "actions")
    old_pid = actions.pid
    assert old_pid is not None
    chat.say("halo")

    os.kill(old_pid, signal.SIGKILL)
    deadline = time.monotonic() + 60
    while actions.pid in (None, old_pid):
        assert time.monotonic() < deadline, "the action server was not started again"
        time.sleep(0.1)
    stack.wait_healthy(120)

    assert actions.restarts >= 1
    assert chat.say("saya mau mengadu"), "the conversation goes on with the new action server"
