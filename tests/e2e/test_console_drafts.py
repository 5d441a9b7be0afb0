"""A customer asks for a person mid-form: the agent registers the draft, or the bot resumes it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from backend.stack import Stack
from tests.e2e.conftest import Chat
from tests.e2e.console_support import (
    WAIT_MS,
    agent_made_by_a_supervisor,
    eventually,
    log_in,
    pulled,
)

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

KEPT = "Jawaban Anda sejauh ini kami simpan; petugas akan melanjutkan pendaftarannya."
RESUMED = "Jawaban Anda sejauh ini tetap kami simpan; kita lanjutkan dari pertanyaan berikutnya."


@pytest.fixture(scope="module")
def agent_username(stack: Stack, browser: Any) -> str:
    return agent_made_by_a_supervisor(stack, browser, "Rina Wulandari")


@pytest.fixture
def console(stack: Stack, agent_username: str, page: Any) -> Iterator[Any]:
    log_in(page, stack.settings.app_url, agent_username)
    yield page


def ask_for_a_person_mid_form(chat: Chat) -> None:
    chat.say("saya mau mengadu")
    chat.click("Peminjam")
    chat.say("Bunga dan dendanya jauh lebih besar dari perjanjian")
    chat.say("2 minggu lalu")
    chat.say("Rp 1.500.000")
    chat.say("saya mau bicara dengan petugas")
    assert KEPT in chat.texts, chat.texts


def take_over(console: Any, base: str, sender: str) -> None:
    console.goto(f"{base}/console/conversations/{sender}")
    console.wait_for_selector("#take-over").click()
    console.wait_for_selector("text=Anda menangani chat ini.")


def is_presence_note(message: dict[str, Any]) -> bool:
    """The note that an agent joined or left (backend/services/presence_notices.yml)."""
    text = str(message.get("text") or "")
    return (
        bool(message.get("notice"))
        or "bergabung dalam percakapan" in text
        or ("meninggalkan percakapan" in text)
    )


def bot_messages(base: str, chat: Chat, after: int = 0) -> list[dict[str, Any]]:
    """The bot's messages to the customer (not the agent's presence notes)."""
    return [
        m
        for m in pulled(base, chat.sender, chat.token, after)
        if m["from"] == "bot" and not is_presence_note(m)
    ]


def test_the_agent_sees_the_draft_registers_it_in_one_step_and_the_customer_gets_the_number(
    console: Any, chat: Chat, stack: Stack, api: httpx.Client
) -> None:
    base = stack.settings.app_url
    ask_for_a_person_mid_form(chat)

    take_over(console, base, chat.sender)
    draft = console.wait_for_selector("#draft")
    assert "Draf pengaduan" in draft.inner_text()
    assert "Bunga dan dendanya" in console.input_value("#draft-form textarea[name=description]")
    assert "nama lengkap" in console.inner_text("#draft-missing")
    console.fill("#draft-form input[name=full_name]", "Budi Santoso")
    console.fill("#draft-form input[name=phone]", "0812-3456-7890")
    console.click("#register-draft")
    console.wait_for_selector("text=Draf telah didaftarkan", timeout=WAIT_MS)

    [case] = api.get("/api/cases", params={"conversation_id": chat.sender}).json()["items"]
    assert (case["full_name"], case["phone"], case["user_role"]) == (
        "Budi Santoso",
        "+6281234567890",
        "borrower",
    )
    assert case["description"].startswith("Bunga dan dendanya jauh lebih besar")
    notice = eventually(lambda: bot_messages(base, chat))
    assert notice[-1]["text"].startswith(
        f"Pengaduan Anda telah kami terima dengan nomor register {case['register_number']}."
    )
    assert "paling lambat" in notice[-1]["text"]

    console.click("#hand-back")  # registered: the bot asks for the rating, no form resumes
    console.wait_for_selector("text=Chat dikembalikan ke bot", timeout=WAIT_MS)
    after = notice[-1]["id"]
    rating = eventually(lambda: bot_messages(base, chat, after))
    assert rating[0]["text"].startswith("Terima kasih telah menghubungi kami")


def test_handed_back_without_registering_the_bot_resumes_the_form_and_the_case_is_made(
    console: Any, chat: Chat, stack: Stack, api: httpx.Client
) -> None:
    base = stack.settings.app_url
    ask_for_a_person_mid_form(chat)

    take_over(console, base, chat.sender)
    console.wait_for_selector("#draft")
    console.click("#hand-back")
    console.wait_for_selector("text=Chat dikembalikan ke bot", timeout=WAIT_MS)

    resumed = eventually(lambda: bot_messages(base, chat))
    assert resumed[0]["text"] == RESUMED
    chat.last = resumed
    chat.click("Sedang")
    chat.say("Budi Santoso")
    chat.say("0812-3456-7890")
    assert "Apakah data sudah benar" in chat.texts, chat.texts
    chat.click("Ya")

    assert "nomor register" in chat.texts, chat.texts
    [case] = api.get("/api/cases", params={"conversation_id": chat.sender}).json()["items"]
    assert (case["full_name"], case["priority"], case["user_role"]) == (
        "Budi Santoso",
        "medium",
        "borrower",
    )
    assert case["description"].startswith("Bunga dan dendanya jauh lebih besar")
