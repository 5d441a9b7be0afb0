"""A customer uses the web widget in a real Chromium: complains, uploads, reloads, goes on."""

from __future__ import annotations

import re
import tempfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from backend.domain.register_number import REGISTER_NUMBER_PATTERN, parse_register_number
from backend.stack import Stack

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

PHONE_SCREENSHOT = Path(tempfile.gettempdir()) / "aduan-widget-phone.png"
DESKTOP_SCREENSHOT = Path(tempfile.gettempdir()) / "aduan-widget-desktop.png"
RATING_THANKS = "Terima kasih, penilaian Anda sangat berharga bagi kami."
ANSWER_TIMEOUT_MS = 60_000


def small_png() -> bytes:
    """A valid 1×1 PNG, built here."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    header = (1).to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0])
    pixels = zlib.compress(b"\x00\x0b\x5c\xab")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


class WidgetPage:
    """The demo page with its widget, used the way a customer does."""

    def __init__(self, page: Any, base_url: str) -> None:
        self.page = page
        self.base_url = base_url

    def bot_messages(self) -> Any:
        return self.page.locator(".message--bot")

    def answered(self, act: Callable[[], None]) -> str:
        """Do `act`, wait for the bot's answer; the text of the bot's new messages."""
        before = self.bot_messages().count()
        act()
        self.page.wait_for_function(
            """(before) => {
                const root = document.querySelector('#aduan-widget').shadowRoot;
                return root.querySelectorAll('.message--bot').length > before
                    && root.querySelector('.typing').hidden;
            }""",
            arg=before,
            timeout=ANSWER_TIMEOUT_MS,
        )
        texts = self.bot_messages().all_inner_texts()
        return "\n".join(texts[before:])

    def click(self, title: str) -> str:
        """Click the live choice button whose title is `title`."""
        button = self.page.locator("button.choice:enabled", has_text=title).first
        return self.answered(button.click)

    def type(self, text: str) -> str:
        """Type a message and press Enter."""

        def send() -> None:
            self.page.get_by_label("Pesan", exact=True).fill(text)
            self.page.get_by_label("Pesan", exact=True).press("Enter")

        return self.answered(send)

    def reply(self, options: list[str]) -> str:
        """Click the first option that is a live button, else type the last one (or click any)."""
        live = self.page.locator("button.choice:enabled")
        for option in options:
            button = live.filter(has_text=re.compile(f"^{re.escape(option)}$"))
            if button.count():
                return self.answered(button.first.click)
        if options:
            return self.type(options[-1])
        return self.answered(live.first.click)

    def conversation_id(self) -> str:
        key = f"aduan-widget:{self.base_url}:session"
        return str(self.page.evaluate(f"JSON.parse(localStorage.getItem('{key}')).conversation_id"))


# What the customer answers to each question of the intake form (INTERFACES.md slot names):
# the first title that is a live button is clicked, else the last entry is typed.
ANSWERS = {
    "complainant_type": ["Peminjam", "Pengguna"],
    "user_role": ["Peminjam"],
    "description": ["Dana pinjaman saya belum cair padahal sudah disetujui tiga hari yang lalu"],
    "incident_date": ["kemarin"],
    "loss_amount": ["Tidak ada kerugian", "tidak ada"],
    "priority": ["Tinggi"],
    "full_name": ["Budi Santoso"],
    "contact": ["0812-3456-7890"],
    "confirmed": ["Ya"],
}


def requested_slot(stack: Stack, conversation_id: str) -> str | None:
    """The slot the intake form asks for now, from Rasa's tracker."""
    response = httpx.get(
        f"{stack.settings.rasa_url}/conversations/{conversation_id}/tracker",
        params={"token": stack.settings.rasa_auth_token},
        timeout=30,
    )
    response.raise_for_status()
    slot = response.json()["slots"].get("requested_slot")
    return str(slot) if slot else None


def complete_intake(widget: WidgetPage, stack: Stack, answer: str) -> tuple[str, str]:
    """Answer each question the way a customer does until the bot gives a register number.

    `answer` is the bot's latest answer; returns (the summary, the answer naming the case).
    """
    summary = ""
    for _ in range(20):
        if re.search(REGISTER_NUMBER_PATTERN, answer):
            return summary, answer
        slot = requested_slot(stack, widget.conversation_id())
        assert slot, f"the bot asks nothing and gave no register number: {answer}"
        if slot == "confirmed":
            summary = answer
        answer = widget.reply(ANSWERS.get(slot, []))
    raise AssertionError(f"no register number after 20 answers: {answer}")


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    """A page on a phone-sized touch screen."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    yield context.new_page()
    context.close()


def test_a_customer_complains_uploads_a_document_and_goes_on_after_a_reload(
    stack: Stack, page: Any, api: httpx.Client, tmp_path: Path
) -> None:
    base_url = stack.settings.app_url
    widget = WidgetPage(page, base_url)
    page.goto(base_url + "/")
    greeting = widget.answered(page.get_by_role("button", name="Buka chat layanan pengaduan").click)
    assert "Customer Service KreditPro" in greeting

    summary, created = complete_intake(widget, stack, widget.click("Sampaikan pengaduan"))
    assert "Budi Santoso" in summary
    found = re.search(REGISTER_NUMBER_PATTERN, created)
    assert found, created
    register_number = parse_register_number(found.group(0))

    proof = tmp_path / "bukti-transfer.png"
    proof.write_bytes(small_png())
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name=re.compile("Lampirkan dokumen")).click()
    chooser.value.set_files(proof)
    note = page.locator(".note", has_text=register_number)
    note.wait_for(timeout=ANSWER_TIMEOUT_MS)
    page.screenshot(path=DESKTOP_SCREENSHOT)

    page.reload()
    restored = page.locator(".message--user", has_text="Budi Santoso")
    restored.wait_for(timeout=ANSWER_TIMEOUT_MS)
    assert page.locator(".message--bot", has_text=register_number).count() == 1
    assert page.locator(".message--file", has_text="bukti-transfer.png").count() == 1
    widget.click("Tidak")
    thanks = widget.click("5")
    assert RATING_THANKS in thanks

    conversation_id = widget.conversation_id()
    case = api.get(f"/api/cases/{register_number}").json()
    assert case["conversation_id"] == conversation_id
    assert case["channel"] == "web"
    assert case["full_name"] == "Budi Santoso"
    documents = api.get(f"/api/cases/{register_number}/documents").json()["items"]
    assert [(d["original_filename"], d["content_type"]) for d in documents] == [
        ("bukti-transfer.png", "image/png")
    ]
    conversation = api.get(f"/api/conversations/{conversation_id}").json()
    assert conversation["rating"] == 5
    assert conversation["channel"] == "web"


def test_messages_typed_while_the_connection_is_down_are_sent_after_it_comes_back(
    stack: Stack, page: Any
) -> None:
    network = {"down": False}
    sockets: list[Any] = []

    def route(socket: Any) -> None:
        sockets.append(socket)
        if network["down"]:
            socket.close()
        else:
            socket.connect_to_server()

    page.route_web_socket(re.compile(r".*/webhooks/web/socket$"), route)
    widget = WidgetPage(page, stack.settings.app_url)
    page.goto(stack.settings.app_url + "/")
    widget.answered(page.get_by_role("button", name="Buka chat layanan pengaduan").click)

    network["down"] = True
    sockets[-1].close()
    page.locator(".connection", has_text="Koneksi terputus").wait_for()
    page.get_by_label("Pesan", exact=True).fill("halo lagi")
    page.get_by_label("Pesan", exact=True).press("Enter")
    page.locator(".message--user.is-queued", has_text="halo lagi").wait_for()
    for _ in range(100):  # the widget retries after about a second; wait for one refused try
        if len(sockets) >= 2:
            break
        page.wait_for_timeout(100)
    assert len(sockets) >= 2

    network["down"] = False
    answer = widget.answered(lambda: page.evaluate("window.dispatchEvent(new Event('online'))"))
    assert answer
    assert page.locator(".message--user", has_text="halo lagi").count() == 1
    assert page.locator(".message--user.is-queued").count() == 0


def test_the_widget_fills_a_phone_screen_and_works_from_the_keyboard(
    stack: Stack, phone: Any
) -> None:
    widget = WidgetPage(phone, stack.settings.app_url)
    phone.goto(stack.settings.app_url + "/")
    launcher = phone.get_by_role("button", name="Buka chat layanan pengaduan")
    launcher.focus()
    widget.answered(lambda: phone.keyboard.press("Enter"))

    box = phone.locator(".panel").bounding_box()
    assert box == {"x": 0, "y": 0, "width": 390, "height": 844}
    assert (
        phone.evaluate("document.querySelector('#aduan-widget').shadowRoot.activeElement.id")
        == "aduan-text"
    )
    widget.click("Sampaikan pengaduan")
    phone.screenshot(path=PHONE_SCREENSHOT)

    phone.keyboard.press("Escape")
    assert phone.locator(".panel").is_hidden()
    assert launcher.evaluate("(el) => el.getRootNode().activeElement === el")


def test_an_english_widget_is_answered_in_english(stack: Stack, page: Any) -> None:
    widget = WidgetPage(page, stack.settings.app_url)
    page.goto(stack.settings.app_url + "/?lang=en")

    greeting = widget.answered(
        page.get_by_role("button", name="Open the complaint service chat").click
    )

    assert "You are connected with KreditPro Customer Service" in greeting
    assert page.get_by_role("button", name="Make a complaint").is_enabled()


def test_the_browser_refuses_a_large_or_unsupported_file_before_sending_it(
    stack: Stack, page: Any
) -> None:
    uploads: list[str] = []
    page.on(
        "request",
        lambda request: uploads.append(request.url) if "/documents" in request.url else None,
    )
    widget = WidgetPage(page, stack.settings.app_url)
    page.goto(stack.settings.app_url + "/")
    widget.answered(page.get_by_role("button", name="Buka chat layanan pengaduan").click)
    picker = page.locator("input[type=file]")

    big = {
        "name": "besar.pdf",
        "mimeType": "application/pdf",
        "buffer": b"%PDF-" + b"0" * (10 * 1024 * 1024),
    }
    picker.set_input_files(big)
    too_big = page.get_by_role("alert").inner_text()
    picker.set_input_files(
        {"name": "virus.exe", "mimeType": "application/x-msdownload", "buffer": b"MZ"}
    )
    wrong_type = page.get_by_role("alert").inner_text()

    assert too_big == "Ukuran file paling besar 10 MB."
    assert wrong_type == "Hanya file PDF, JPG atau PNG yang dapat dikirim."
    assert uploads == []


def test_an_upload_sent_before_the_case_says_attached_once_registered_and_after_a_reload(
    stack: Stack, page: Any, tmp_path: Path
) -> None:
    base_url = stack.settings.app_url
    widget = WidgetPage(page, base_url)
    page.goto(base_url + "/")
    widget.answered(page.get_by_role("button", name="Buka chat layanan pengaduan").click)
    first_question = widget.click("Sampaikan pengaduan")

    proof = tmp_path / "bukti-awal.png"
    proof.write_bytes(small_png())
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name=re.compile("Lampirkan dokumen")).click()
    chooser.value.set_files(proof)
    pending = page.locator(".note", has_text="begitu pengaduan terdaftar")
    pending.wait_for(timeout=ANSWER_TIMEOUT_MS)

    _, created = complete_intake(widget, stack, first_question)
    found = re.search(REGISTER_NUMBER_PATTERN, created)
    assert found, created
    attached = page.locator(".note", has_text=f"dilampirkan pada pengaduan {found.group(0)}")
    attached.first.wait_for(timeout=ANSWER_TIMEOUT_MS)
    assert page.locator(".note", has_text="begitu pengaduan terdaftar").count() == 0
    live = page.locator(".log > *").all_inner_texts()

    page.reload()
    page.locator(".message--file", has_text="bukti-awal.png").wait_for(timeout=ANSWER_TIMEOUT_MS)
    page.locator(".message--bot", has_text=found.group(0)).wait_for(timeout=ANSWER_TIMEOUT_MS)
    assert page.locator(".log > *").all_inner_texts() == live, "the reload shows what was live"
