"""Servers restarting mid-conversation lose nothing and create nothing twice."""

from __future__ import annotations

import re

import httpx
import pytest

from backend.domain.register_number import REGISTER_NUMBER_PATTERN
from backend.stack import Stack
from tests.e2e.conftest import Chat

pytestmark = pytest.mark.e2e


def test_a_complaint_survives_restarts_of_every_server_and_is_created_once(
    stack: Stack, chat: Chat, api: httpx.Client
) -> None:
    chat.say("halo")
    chat.say("saya mau mengadu")
    chat.click("Pelapor")
    chat.say("Siti Rahayu")

    stack.restart("rasa")
    chat.say("siti.rahayu@example.com")
    stack.restart("actions")
    chat.say("Penagih utang menelepon saya terus padahal saya bukan peminjam di aplikasi ini")
    stack.restart("app")
    chat.click("Tinggi")
    assert "Siti Rahayu" in chat.texts, "the summary still holds the name given before restarts"
    chat.click("Ya")
    found = re.search(REGISTER_NUMBER_PATTERN, chat.texts)
    assert found, chat.texts

    cases = api.get("/api/cases", params={"conversation_id": chat.sender}).json()["items"]
    assert len(cases) == 1
    case = cases[0]
    assert case["complainant_type"] == "reporter"
    assert case["user_role"] is None
    assert case["email"] == "siti.rahayu@example.com"
    assert case["priority"] == "high"

    conversation = api.get(f"/api/conversations/{chat.sender}").json()
    assert conversation["cases"] == [case["register_number"]]
