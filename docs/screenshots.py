"""Screenshots of the widget and the console for the README, taken from the real stack.

Run from the repository root (after `make setup`, with Debian's Chromium installed):

    .venv/bin/python -m docs.screenshots

It starts Rasa, the action server and the app on spare ports with a fresh SQLite database
(as the end-to-end tests do, reusing their code), talks to the bot in the widget, registers a
case, logs a supervisor into the console and writes `docs/img/*.png`.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import httpx

from backend.settings import ROOT
from backend.stack import rasa_bin
from backend.training import ensure_model
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, Chat, stack_settings, start_stack
from tests.e2e.console_support import WAIT_MS, log_in, new_supervisor
from tests.e2e.test_widget import WidgetPage

IMAGES = ROOT / "docs" / "img"
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 1,
    "is_mobile": True,
    "has_touch": True,
}


def widget(browser: Any, base_url: str, screen: dict[str, Any], name: str) -> None:
    """A customer opens the widget, chooses to complain and answers the first question."""
    context = browser.new_context(**screen)
    page = context.new_page()
    chat = WidgetPage(page, base_url)
    page.goto(base_url + "/")
    chat.answered(page.get_by_role("button", name="Buka chat layanan pengaduan").click)
    chat.click("Sampaikan pengaduan")
    chat.reply(["Peminjam", "Pengguna"])
    page.screenshot(path=IMAGES / name)
    context.close()


def register_case(base_url: str, token: str, conversation_id: str) -> str:
    """A complaint registered for that chat through the case API; its register number."""
    response = httpx.post(
        f"{base_url}/api/cases",
        headers={"Authorization": f"Bearer {token}"},
        json={
            "complainant_type": "user",
            "user_role": "borrower",
            "complaint_type": "complaint",
            "category": "fees_interest",
            "priority": "high",
            "full_name": "Dewi Lestari",
            "phone": "0812-5550-0101",
            "description": "Bunga yang ditagihkan lebih tinggi daripada di perjanjian.",
            "channel": "web",
            "conversation_id": conversation_id,
        },
        timeout=30,
    )
    response.raise_for_status()
    return str(response.json()["register_number"])


def console(browser: Any, base_url: str, supervisor: str, sender: str, number: str) -> None:
    """The supervisor's queue, the chat taken over and answered, the case and the dashboard."""
    context = browser.new_context(**DESKTOP)
    page = context.new_page()
    log_in(page, base_url, supervisor)
    page.wait_for_selector(f'#queue tr[data-conversation="{sender}"]', timeout=WAIT_MS)
    page.screenshot(path=IMAGES / "console-queue.png")

    page.goto(f"{base_url}/console/conversations/{sender}")
    page.wait_for_selector("#take-over", timeout=WAIT_MS).click()
    page.wait_for_selector("text=Anda menangani chat ini.", timeout=WAIT_MS)
    page.fill("#reply-text", "Halo Bu Dewi, saya Sari dari CS. Kami periksa tagihan bunganya.")
    page.click("#reply button[type=submit]")
    page.wait_for_selector(".msg--agent >> text=saya Sari dari CS", timeout=WAIT_MS)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=IMAGES / "console-chat.png")

    page.goto(f"{base_url}/console/cases/{number}")
    page.screenshot(path=IMAGES / "console-case.png")

    page.goto(f"{base_url}/console/dashboard")
    page.wait_for_selector("#dashboard[data-drawn=yes]", timeout=WAIT_MS)
    page.screenshot(path=IMAGES / "console-dashboard.png")
    context.close()


def main() -> None:
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        raise SystemExit("Chromium is missing: apt-get install chromium")
    IMAGES.mkdir(parents=True, exist_ok=True)
    model = ensure_model(ROOT, rasa_bin())
    with tempfile.TemporaryDirectory() as var_dir:
        stack = start_stack(stack_settings(Path(var_dir)), model)
        try:
            base_url = stack.settings.app_url
            customer = Chat(base_url, "dokumentasi-readme")
            customer.say("halo")
            customer.say("bunga pinjaman saya lebih tinggi dari perjanjian")
            customer.say("saya mau bicara dengan CS")
            number = register_case(base_url, stack.settings.app_api_token, customer.sender)
            supervisor = new_supervisor(stack)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
                )
                widget(browser, base_url, DESKTOP, "widget-desktop.png")
                widget(browser, base_url, PHONE, "widget-phone.png")
                console(browser, base_url, supervisor, customer.sender, number)
                browser.close()
        finally:
            stack.stop()
    for image in sorted(IMAGES.glob("*.png")):
        print(f"{image.relative_to(ROOT)}: {image.stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main()
