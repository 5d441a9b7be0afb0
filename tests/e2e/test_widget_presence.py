"""Who is there, in real browsers: a widget customer waits, an agent joins, types, answers,
leaves; the console shows what the customer clicked and sent; a reload restores it all."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from backend.stack import Stack
from tests.e2e.console_support import WAIT_MS, log_in, new_agent, new_supervisor
from tests.e2e.test_widget import ANSWER_TIMEOUT_MS, WidgetPage, small_png

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

AGENT = "Rina Wulandari"
JOINED = f"{AGENT} dari tim layanan pengaduan telah bergabung dalam percakapan."
LEFT = f"{AGENT} telah meninggalkan percakapan."
RATING_REQUEST = "mohon luangkan waktu sebentar untuk menilai percakapan ini"
TIME = re.compile(r"^\d\d:\d\d$")


@pytest.fixture(scope="module")
def agent_username(stack: Stack, browser: Any) -> str:
    """An agent, made by a supervisor in the console (the supervisor made by the CLI)."""
    context = browser.new_context()
    try:
        return new_agent(context.new_page(), stack.settings.app_url, new_supervisor(stack), AGENT)
    finally:
        context.close()


@pytest.fixture
def console(stack: Stack, agent_username: str, browser: Any) -> Iterator[Any]:
    """The agent's page, in a browser context of its own, logged in."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, stack.settings.app_url, agent_username)
    yield page
    context.close()


def log_texts(page: Any) -> list[str]:
    """The widget's transcript as the customer sees it: each item's text, in order."""
    return list(page.locator(".log > li").all_inner_texts())


def keep_typing(page: Any, shown: Any) -> bool:
    """Type in the widget, a few characters at a time, until `shown` is visible (the
    console's stream may connect after the first signal, which is not kept)."""
    field = page.get_by_label("Pesan", exact=True)
    for count in range(1, 15):
        field.fill("halo, masih di sana?"[:count])
        if shown.is_visible():
            break
        page.wait_for_timeout(2100)
    visible = bool(shown.is_visible())
    field.fill("")
    return visible


def wait_in_widget(page: Any, selector: str, text: str) -> None:
    page.locator(selector, has_text=text).first.wait_for(timeout=ANSWER_TIMEOUT_MS)


def test_a_waiting_customer_sees_the_queue_the_agent_joining_typing_and_leaving(
    stack: Stack, page: Any, console: Any, tmp_path: Path
) -> None:
    base = stack.settings.app_url
    widget = WidgetPage(page, base)
    page.goto(base + "/")
    widget.answered(page.get_by_role("button", name="Buka chat layanan pengaduan").click)
    widget.click("Sampaikan pengaduan")
    proof = tmp_path / "bukti-transfer.png"
    proof.write_bytes(small_png())
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name=re.compile("Lampirkan dokumen")).click()
    chooser.value.set_files(proof)
    wait_in_widget(page, ".note", "Dokumen diterima")
    widget.type("saya mau bicara dengan CS")

    wait_in_widget(page, ".queue-place", "Anda di urutan ke-")
    conversation_id = widget.conversation_id()
    console.goto(f"{base}/console/conversations/{conversation_id}")
    transcript = console.locator("#transcript")
    assert transcript.locator(".msg--user .msg__text", has_text="Sampaikan pengaduan").count() == 1
    assert "/complain" not in transcript.locator(".msg--user .msg__text").all_inner_texts()
    assert transcript.locator(".msg__file", has_text="bukti-transfer.png").count() == 1

    typing_shown = keep_typing(page, console.locator("#customer-typing"))
    assert typing_shown

    console.click("#take-over")
    console.wait_for_selector("text=Anda menangani chat ini.")
    wait_in_widget(page, ".note--agent_joined", JOINED)
    assert transcript.locator(".msg--notice", has_text=JOINED).count() == 1
    assert page.locator(".queue-place").is_hidden()

    console.fill("#reply-text", "Halo, saya Rina")
    page.locator(".agent-typing", has_text="Petugas sedang mengetik").wait_for(
        state="visible", timeout=WAIT_MS
    )
    console.fill("#reply-text", "Halo, saya Rina dari CS. Ada yang bisa saya bantu?")
    console.click("#reply button[type=submit]")
    agent_message = page.locator(".message--agent", has_text="saya Rina dari CS")
    agent_message.wait_for(timeout=ANSWER_TIMEOUT_MS)
    sender = agent_message.locator(".message__sender").inner_text()
    assert sender.split("\n")[0] == f"Petugas · {AGENT}", "the name shown; the colon is for readers"

    console.click("#hand-back")  # the page may reload by its stream before the redirect
    wait_in_widget(page, ".note--agent_left", LEFT)
    rating = page.locator(".message", has_text=RATING_REQUEST)
    rating.wait_for(timeout=ANSWER_TIMEOUT_MS)
    assert "message--bot" in (rating.get_attribute("class") or "")
    assert rating.locator(".message__sender").count() == 0
    console.wait_for_selector("#chat-state[data-handled-by=bot]", timeout=WAIT_MS)
    assert transcript.locator(".msg--notice", has_text=LEFT).count() == 1

    times = page.locator(".message .message__time").all_inner_texts()
    assert times and all(TIME.match(shown) for shown in times)
    live = log_texts(page)

    page.reload()
    wait_in_widget(page, ".message", RATING_REQUEST)
    assert log_texts(page) == live

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Percakapan baru").click()
    page.locator(".message--bot").first.wait_for(timeout=ANSWER_TIMEOUT_MS)
    page.wait_for_function(
        """(old) => {
            const key = Object.keys(localStorage).find((k) => k.endsWith(':session'));
            const session = key && JSON.parse(localStorage.getItem(key));
            return session && session.conversation_id !== old;
        }""",
        arg=conversation_id,
        timeout=ANSWER_TIMEOUT_MS,
    )
    assert widget.conversation_id() != conversation_id
    assert page.locator(".message--agent").count() == 0
    assert page.locator(".message--user").count() == 0
