"""Through the real servers: another chat hears the details only after confirming the contact."""

from __future__ import annotations

import secrets

import httpx
import pytest

from tests.e2e.conftest import Chat
from tests.e2e.flows import registered_case
from tests.e2e.test_intake_status_and_ojk import complain

pytestmark = pytest.mark.e2e


def stranger(chat: Chat) -> Chat:
    return Chat(chat.base_url, f"e2e-other-{secrets.token_hex(6)}")


def test_another_chat_confirms_the_phone_digits_before_hearing_the_status(
    chat: Chat, api: httpx.Client
) -> None:
    complain(chat)
    number = registered_case(chat, api)["register_number"]
    other = stranger(chat)
    other.say(f"status {number}")
    assert f"Pengaduan {number} terdaftar" in other.texts
    assert "telah kami terima" not in other.texts
    assert "4 digit terakhir" in other.texts
    other.say("1111")
    assert "tidak cocok" in other.texts
    assert "telah kami terima" not in other.texts
    other.say("7890")
    assert f"Pengaduan {number} telah kami terima" in other.texts


def test_two_wrong_answers_end_the_check_with_a_human_offered(
    chat: Chat, api: httpx.Client
) -> None:
    complain(chat)
    number = registered_case(chat, api)["register_number"]
    other = stranger(chat)
    other.say(f"status {number}")
    other.say("tidak tahu")
    other.say("lupa")
    assert "belum dapat memastikan" in other.texts
    assert "/request_human" in [b["payload"] for m in other.last for b in m.get("buttons") or []]
    other.say(f"status {number}")
    assert "4 digit terakhir" in other.texts
    events = api.get(f"/api/cases/{number}/events").json()["items"]
    assert [e["action"] for e in events].count("contact_check_failed") == 2
