"""An agent in a real browser: a chat appears live, is taken over, answered and handed back."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
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

QUEUE_SCREENSHOT = Path(tempfile.gettempdir()) / "aduan-console-queue.png"
CHAT_SCREENSHOT = Path(tempfile.gettempdir()) / "aduan-console-chat.png"
CASE_SCREENSHOT = Path(tempfile.gettempdir()) / "aduan-console-case.png"
RATING_REQUEST = (
    "Terima kasih telah menghubungi kami. Jika berkenan, mohon luangkan waktu sebentar "
    "untuk menilai percakapan ini:"
)
RATING_THANKS = "Terima kasih, penilaian Anda sangat berharga bagi kami."


@pytest.fixture(scope="module")
def agent_username(stack: Stack, browser: Any) -> str:
    """An agent, made by a supervisor in the console (the supervisor made by the CLI)."""
    return agent_made_by_a_supervisor(stack, browser, "Rina Wulandari")


@pytest.fixture
def console(stack: Stack, agent_username: str, page: Any) -> Iterator[Any]:
    """The agent's browser page, logged in, on the queue."""
    log_in(page, stack.settings.app_url, agent_username)
    yield page


def test_a_rest_chat_is_taken_over_answered_and_handed_back_for_a_rating(
    console: Any, chat: Chat, stack: Stack
) -> None:
    base = stack.settings.app_url
    console.evaluate("window.__notReloaded = true")
    chat.say("halo")

    answer = chat.say("saya mau bicara dengan CS")

    assert "Customer Service" in chat.texts and (
        "Mohon tunggu" in chat.texts or "antrean" in chat.texts
    )
    assert answer[-1].get("buttons") is None
    row = console.wait_for_selector(
        f'#queue tr[data-conversation="{chat.sender}"]', timeout=WAIT_MS
    )
    assert "Menunggu agen" in row.inner_text()
    assert console.evaluate("window.__notReloaded") is True  # it came by the stream
    console.screenshot(path=str(QUEUE_SCREENSHOT), full_page=True)

    row.query_selector("a").click()
    console.wait_for_selector("#take-over").click()
    console.wait_for_selector("text=Anda menangani chat ini.")
    console.fill("#reply-text", "Halo, saya Rina dari CS. Ada yang bisa saya bantu?")
    console.click("#reply button[type=submit]")
    console.wait_for_selector(".msg--agent >> text=saya Rina dari CS", timeout=WAIT_MS)

    reply = eventually(
        lambda: [m for m in pulled(base, chat.sender, chat.token) if m["from"] == "agent"]
    )
    assert reply[0]["text"] == "Halo, saya Rina dari CS. Ada yang bisa saya bantu?"

    assert chat.say("Dana saya belum cair sejak kemarin") == []
    console.wait_for_selector(".msg--user >> text=Dana saya belum cair", timeout=WAIT_MS)
    console.screenshot(path=str(CHAT_SCREENSHOT), full_page=True)

    console.click("#hand-back")
    console.wait_for_selector("text=Chat dikembalikan ke bot")
    after = reply[0]["id"]
    rating = eventually(
        lambda: (
            [m for m in pulled(base, chat.sender, chat.token, after) if m["from"] == "bot"]
            if len(pulled(base, chat.sender, chat.token, after)) >= 2
            else None
        )
    )
    assert (
        rating[0]["text"]
        == "Rina Wulandari telah meninggalkan percakapan. Asisten kami melanjutkan dari sini."
    )
    assert rating[-1]["text"] == RATING_REQUEST
    assert [b["title"] for b in rating[-1]["buttons"]] == ["1", "2", "3", "4", "5"]

    chat.last = rating
    chat.click("5")
    assert RATING_THANKS in chat.texts


def test_rejecting_a_case_sends_the_written_reason_to_the_customer(
    console: Any, chat: Chat, api: httpx.Client, stack: Stack
) -> None:
    chat.say("halo")
    created = api.post(
        "/api/cases",
        json={
            "complainant_type": "user",
            "user_role": "borrower",
            "complaint_type": "complaint",
            "category": "other",
            "priority": "medium",
            "full_name": "Budi Santoso",
            "phone": "081234567890",
            "description": "Saya ditagih pinjaman dari aplikasi lain yang bukan milik KreditPro.",
            "channel": "rest",
            "conversation_id": chat.sender,
        },
    )
    number = created.json()["register_number"]

    console.goto(f"{stack.settings.app_url}/console/cases/{number}")
    console.click("summary:has-text('Tolak')")
    console.select_option("select[name=ground]", "unrelated_to_service")
    console.fill(
        "textarea[name=reason]", "Pinjaman itu berasal dari aplikasi lain, bukan KreditPro."
    )
    console.screenshot(path=str(CASE_SCREENSHOT), full_page=True)
    console.click("text=Tolak dan kirim alasan")
    console.wait_for_selector("text=Pengaduan ditolak.")

    notice = eventually(lambda: pulled(stack.settings.app_url, chat.sender, chat.token))
    assert "Pinjaman itu berasal dari aplikasi lain, bukan KreditPro." in notice[0]["text"]
    assert number in notice[0]["text"]
    assert api.get(f"/api/cases/{number}").json()["status"] == "rejected"
