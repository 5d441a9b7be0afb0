"""The case tools in a real browser: documents, notes, canned responses, the rating, and the
small things (favicon, search by register number, officer select, history, charts, username)."""

from __future__ import annotations

import copy
import json
import struct
import tempfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from backend.stack import Stack
from tests.e2e.conftest import Chat
from tests.e2e.console_support import WAIT_MS, log_in, new_agent, new_supervisor

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

CASE_SCREENSHOT = Path(tempfile.gettempdir()) / "aduan-console-case-tools.png"
CHAT_SCREENSHOT = Path(tempfile.gettempdir()) / "aduan-console-canned.png"
EMPTY_SCREENSHOT = Path(tempfile.gettempdir()) / "aduan-console-empty-charts.png"
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n%%EOF\n"


def tiny_png() -> bytes:
    """A real 2x2 red PNG, so the browser can draw the preview."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest.fixture(scope="module")
def supervisor_username(stack: Stack) -> str:
    return new_supervisor(stack)


@pytest.fixture(scope="module")
def agent_username(stack: Stack, browser: Any, supervisor_username: str) -> str:
    context = browser.new_context()
    try:
        return new_agent(
            context.new_page(), stack.settings.app_url, supervisor_username, "Dewi Lestari"
        )
    finally:
        context.close()


@pytest.fixture
def problems(page: Any) -> list[str]:
    """Script errors and console errors (a CSP violation is one) of the page."""
    found: list[str] = []
    page.on("pageerror", lambda error: found.append(str(error)))
    page.on(
        "console", lambda message: found.append(message.text) if message.type == "error" else None
    )
    return found


@pytest.fixture
def console(stack: Stack, agent_username: str, page: Any) -> Iterator[Any]:
    """The agent's page, logged in."""
    log_in(page, stack.settings.app_url, agent_username)
    yield page


def register(api: httpx.Client, conversation_id: str | None = None) -> str:
    body = {
        "complainant_type": "user",
        "user_role": "borrower",
        "complaint_type": "complaint",
        "category": "transaction",
        "priority": "medium",
        "full_name": "Siti Rahayu",
        "phone": "081234567890",
        "description": "Dana pinjaman belum cair sejak kemarin.",
        "channel": "rest" if conversation_id else "phone",
    }
    if conversation_id:
        body["conversation_id"] = conversation_id
    created = api.post("/api/cases", json=body)
    assert created.status_code == 201, created.text
    return str(created.json()["register_number"])


def upload(api: httpx.Client, number: str, name: str, content: bytes, kind: str) -> None:
    answer = api.post(
        f"/api/cases/{number}/documents",
        data={"actor": "Budi Santoso"},
        files={"file": (name, content, kind)},
    )
    assert answer.status_code == 201, answer.text


def test_an_agent_sees_the_documents_downloads_one_and_previews_the_image_and_the_pdf(
    problems: list[str], console: Any, api: httpx.Client, stack: Stack
) -> None:
    number = register(api)
    upload(api, number, "bukti transfer.pdf", PDF, "application/pdf")
    upload(api, number, "tangkapan layar.png", tiny_png(), "image/png")

    console.goto(f"{stack.settings.app_url}/console/cases/{number}")
    rows = console.locator("#documents li.document")
    assert rows.count() == 2
    assert "bukti transfer.pdf" in rows.nth(0).inner_text()
    assert "PDF" in rows.nth(0).inner_text() and "Budi Santoso" in rows.nth(0).inner_text()
    assert "Gambar PNG" in rows.nth(1).inner_text()

    with console.expect_download() as downloading:
        rows.nth(0).locator("a.document__download").click()
    download = downloading.value
    assert download.suggested_filename == "bukti transfer.pdf"
    assert Path(download.path()).read_bytes() == PDF

    rows.nth(1).locator("summary").click()
    image = rows.nth(1).locator(".preview img")
    console.wait_for_function(
        "(img) => img.complete && img.naturalWidth === 2", arg=image.element_handle()
    )

    with console.expect_response(lambda r: r.url.endswith("/preview")) as previewing:
        rows.nth(0).locator("summary").click()
    preview = previewing.value
    assert preview.status == 200
    assert preview.headers["content-type"] == "application/pdf"
    assert preview.headers["content-disposition"].startswith("inline;")
    assert rows.nth(0).locator(".preview iframe").count() == 1

    console.reload()
    history = console.locator(".events").inner_text()
    assert "Dokumen diunduh" in history and "Dokumen ditambahkan" in history
    assert "Kasus dibuka" in history
    assert "document_downloaded" not in history
    console.screenshot(path=str(CASE_SCREENSHOT), full_page=True)
    assert not problems, problems


def test_a_private_note_is_added_and_listed_with_its_author(
    console: Any, api: httpx.Client, stack: Stack
) -> None:
    number = register(api)

    console.goto(f"{stack.settings.app_url}/console/cases/{number}")
    console.fill("textarea[name=note]", "Nasabah minta ditelepon setelah pukul 16.00.")
    console.click("text=Simpan catatan")
    console.wait_for_selector("text=Catatan internal disimpan.")

    note = console.locator("#notes li.note")
    assert note.count() == 1
    assert "Nasabah minta ditelepon setelah pukul 16.00." in note.inner_text()
    assert "Dewi Lestari" in note.inner_text() and "WIB" in note.inner_text()
    assert "16.00" not in json.dumps(api.get(f"/api/cases/{number}").json())


def test_a_canned_response_is_inserted_into_the_reply_by_keyboard_filled_in(
    console: Any, chat: Chat, api: httpx.Client, stack: Stack
) -> None:
    chat.say("halo")
    number = register(api, conversation_id=chat.sender)

    console.goto(f"{stack.settings.app_url}/console/conversations/{chat.sender}")
    console.wait_for_selector("#take-over").click()
    console.wait_for_selector("text=Anda menangani chat ini.")
    console.wait_for_function(
        "() => document.getElementById('canned').dataset.loaded", timeout=WAIT_MS
    )
    assert console.get_attribute("#canned", "data-loaded") == "5"
    console.fill("#reply-text", "Baik. ")
    console.focus("#canned-select")
    console.select_option("#canned-select", label="Pengaduan sedang diproses")
    console.keyboard.press("Tab")
    assert console.evaluate("document.activeElement.id") == "canned-insert"
    console.keyboard.press("Enter")

    text = console.input_value("#reply-text")
    assert text.startswith("Baik. Pengaduan Bapak/Ibu Siti Rahayu dengan nomor register")
    assert number in text
    assert console.evaluate("document.activeElement.id") == "reply-text"
    console.screenshot(path=str(CHAT_SCREENSHOT), full_page=True)


def test_the_customer_s_rating_is_shown_on_the_chat_and_on_the_case(
    console: Any, chat: Chat, api: httpx.Client, stack: Stack
) -> None:
    chat.say("halo")
    number = register(api, conversation_id=chat.sender)
    base = stack.settings.app_url

    console.goto(f"{base}/console/cases/{number}")
    assert "belum dinilai" in console.inner_text("#rating")
    assert api.put(f"/api/conversations/{chat.sender}/rating", json={"rating": 4}).is_success

    console.goto(f"{base}/console/cases/{number}")
    on_case = console.inner_text("#rating")
    console.goto(f"{base}/console/conversations/{chat.sender}")
    on_chat = console.inner_text("#rating")

    for shown in (on_case, on_chat):
        assert "4/5" in shown and "★★★★☆" in shown


def test_the_favicon_is_linked_and_served(console: Any, stack: Stack) -> None:
    href = console.get_attribute("link[rel=icon]", "href")
    linked = console.request.get(f"{stack.settings.app_url}{href}")
    root = console.request.get(f"{stack.settings.app_url}/favicon.ico")

    assert linked.status == 200 and root.status == 200
    assert root.headers["content-type"].startswith("image/svg+xml")
    assert root.body() == linked.body()


def test_an_exact_register_number_typed_in_the_search_opens_the_case(
    console: Any, api: httpx.Client, stack: Stack
) -> None:
    number = register(api)

    console.fill("#search-q", number.lower())
    console.press("#search-q", "Enter")
    console.wait_for_url(f"{stack.settings.app_url}/console/cases/{number}", timeout=WAIT_MS)

    assert number in console.inner_text("h2")


def test_no_officer_is_preselected_on_a_new_case_nor_on_its_chat(
    console: Any, chat: Chat, api: httpx.Client, stack: Stack
) -> None:
    chat.say("halo")
    number = register(api, conversation_id=chat.sender)
    base = stack.settings.app_url

    console.goto(f"{base}/console/cases/{number}")
    assert console.input_value("select[name=officer]") == ""
    assert "— pilih petugas —" in console.inner_text("select[name=officer]")
    console.goto(f"{base}/console/conversations/{chat.sender}")
    assert console.input_value("select[name=officer]") == ""
    if console.locator("#assign-agent").count():
        assert console.input_value("#assign-agent") == ""


def empty_dashboard(data: dict[str, Any]) -> dict[str, Any]:
    """The dashboard's data with nothing in any chart."""
    empty = copy.deepcopy(data)
    weeks = len(empty["weeks"])
    for row in empty["volume"]:
        row["counts"] = [0] * weeks
    empty["compliance"]["on_time"] = [0] * weeks
    empty["compliance"]["late"] = [0] * weeks
    empty["ratings"]["mean"] = [None] * weeks
    empty["ratings"]["count"] = [0] * weeks
    return empty


def test_empty_charts_say_there_is_no_data_yet(
    stack: Stack, page: Any, supervisor_username: str
) -> None:
    base = stack.settings.app_url
    log_in(page, base, supervisor_username)

    def answer_empty(route: Any) -> None:
        real = route.fetch()
        route.fulfill(response=real, json=empty_dashboard(real.json()))

    page.route("**/console/dashboard.json", answer_empty)
    page.goto(f"{base}/console/dashboard")
    page.wait_for_selector("#dashboard[data-drawn=yes]", timeout=WAIT_MS)
    page.screenshot(path=str(EMPTY_SCREENSHOT), full_page=True)

    for chart in ("#chart-volume", "#chart-compliance", "#chart-ratings"):
        assert page.locator(f"{chart} text.chart__empty").text_content() == "Belum ada data"
    assert page.locator("#chart-volume rect.bar").count() == 0


def test_the_username_field_accepts_what_the_server_accepts(
    stack: Stack, page: Any, supervisor_username: str
) -> None:
    warnings: list[str] = []
    page.on("console", lambda message: warnings.append(message.text))
    log_in(page, stack.settings.app_url, supervisor_username)
    page.goto(f"{stack.settings.app_url}/console/agents")
    field = page.locator("input[name=username]")

    def valid(typed: str) -> bool:
        field.fill(typed)
        return bool(field.evaluate("input => input.checkValidity()"))

    assert [valid(t) for t in ("rina", "Rina.W-1", "r_2")] == [True, True, True]
    assert [valid(t) for t in ("r", "1rina", "rina w", "rina!")] == [False] * 4
    assert not [w for w in warnings if "pattern" in w], warnings
