"""WCAG 2.1 AA in a real Chromium: axe-core finds nothing serious on the widget or the console,
the chat logs name their speakers, chosen answers are pressed and announced, targets are 44 px
and every dashboard chart has its numbers in a table."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from backend.stack import Stack
from tests.e2e.accessibility import contrast, describe, style, violations
from tests.e2e.conftest import Chat
from tests.e2e.console_support import WAIT_MS, log_in, new_supervisor
from tests.e2e.test_widget import WidgetPage

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

DESKTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
MIN_TARGET = 44
OPEN = "Buka chat layanan pengaduan"


def assert_accessible(page: Any) -> None:
    found = violations(page)
    assert not found, describe(found)


def small_targets(page: Any, selector: str) -> list[str]:
    """The visible elements matching `selector` (widget included) smaller than 44×44 px."""
    small = []
    for item in page.locator(selector).all():
        if not item.is_visible():
            continue
        box = item.bounding_box()
        if box and (box["width"] < MIN_TARGET - 0.5 or box["height"] < MIN_TARGET - 0.5):
            label = item.get_attribute("aria-label") or item.inner_text()
            small.append(f"{label!r} {box['width']:.0f}×{box['height']:.0f}")
    return small


@pytest.fixture(params=["desktop", "phone"])
def screen(request: pytest.FixtureRequest, browser: Any) -> Iterator[Any]:
    """A page on a desktop (1280×800) or on a phone-sized touch screen (390×844)."""
    context = browser.new_context(**(DESKTOP if request.param == "desktop" else PHONE))
    yield context.new_page()
    context.close()


# ---- the widget ----------------------------------------------------------------------------


def test_the_widget_has_no_serious_violation_closed_open_after_a_choice_and_handed_off(
    stack: Stack, screen: Any
) -> None:
    widget = WidgetPage(screen, stack.settings.app_url)
    screen.goto(stack.settings.app_url + "/")
    assert_accessible(screen)  # the launcher only

    widget.answered(screen.get_by_role("button", name=OPEN).click)
    assert screen.locator("button.choice:enabled").count() > 0
    assert_accessible(screen)  # buttons offered

    widget.click("Sampaikan pengaduan")
    assert_accessible(screen)  # an answer chosen, the next question asked

    widget.type("saya mau bicara dengan CS")
    assert_accessible(screen)  # handed to an agent (or told when agents work)


def test_the_widget_log_names_each_speaker_for_screen_readers(stack: Stack, page: Any) -> None:
    widget = WidgetPage(page, stack.settings.app_url)
    page.goto(stack.settings.app_url + "/")
    widget.answered(page.get_by_role("button", name=OPEN).click)
    widget.type("halo")

    log = page.get_by_role("log", name="Percakapan")
    assert log.count() == 1
    said = [text.strip() for text in page.locator(".message").all_text_contents()]
    assert said[0].startswith("Bot:"), said
    assert any(text.startswith("Anda:") and "halo" in text for text in said), said
    assert page.locator(".message--user .visually-hidden", has_text="Anda:").count() >= 1


def test_a_chosen_answer_stays_pressed_and_is_announced(stack: Stack, page: Any) -> None:
    widget = WidgetPage(page, stack.settings.app_url)
    page.goto(stack.settings.app_url + "/")
    widget.answered(page.get_by_role("button", name=OPEN).click)
    offered = page.locator("button.choice:enabled")
    assert offered.count() >= 2
    assert all(b.get_attribute("aria-pressed") == "false" for b in offered.all())

    widget.click("Sampaikan pengaduan")

    chosen = page.locator("button.choice[aria-pressed=true]")
    assert chosen.count() == 1
    assert chosen.inner_text() == "Sampaikan pengaduan"
    first_row = page.locator(".choices").first.locator("button")
    others = [b for b in first_row.all() if b.inner_text() != "Sampaikan pengaduan"]
    assert others and all(b.get_attribute("aria-pressed") == "false" for b in others)
    assert all(b.is_disabled() for b in first_row.all())
    announcer = page.locator(".announcer")
    assert announcer.get_attribute("aria-live") == "polite"
    assert "Sampaikan pengaduan" in announcer.text_content()


def test_the_widget_targets_are_at_least_44_px(stack: Stack, screen: Any) -> None:
    widget = WidgetPage(screen, stack.settings.app_url)
    screen.goto(stack.settings.app_url + "/")
    assert small_targets(screen, "button.launcher") == []
    widget.answered(screen.get_by_role("button", name=OPEN).click)

    assert small_targets(screen, "button, textarea") == []


def test_the_widget_focus_ring_and_input_border_stand_out_3_to_1(stack: Stack, page: Any) -> None:
    widget = WidgetPage(page, stack.settings.app_url)
    page.goto(stack.settings.app_url + "/")
    widget.answered(page.get_by_role("button", name=OPEN).click)
    text = page.get_by_label("Pesan", exact=True)
    panel = style(page.locator(".panel"), "background-color")
    log = style(page.locator(".log"), "background-color")

    page.keyboard.press("Shift+Tab")  # from the message box to the attach button, by keyboard
    ring = style(page.locator("button.attach"), "outline-color")
    assert style(page.locator("button.attach"), "outline-style") == "solid"
    page.locator("button.attach").blur()
    border = style(text, "border-top-color")

    assert contrast(ring, panel) >= 3 and contrast(ring, log) >= 3, (ring, panel, log)
    assert contrast(border, panel) >= 3, (border, panel)


# ---- the console ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def supervisor(stack: Stack) -> str:
    return new_supervisor(stack)


@pytest.fixture(scope="module")
def conversation(stack: Stack) -> str:
    """A web-less REST chat the bot has answered and handed to the queue."""
    chat = Chat(stack.settings.app_url, "a11y-chat")
    chat.say("halo")
    chat.say("saya mau bicara dengan CS")
    return chat.sender


@pytest.fixture(scope="module")
def case_number(stack: Stack, conversation: str) -> str:
    """A case registered by phone for that conversation."""
    headers = {"Authorization": f"Bearer {stack.settings.app_api_token}"}
    response = httpx.post(
        f"{stack.settings.app_url}/api/cases",
        headers=headers,
        json={
            "complainant_type": "user",
            "user_role": "borrower",
            "complaint_type": "complaint",
            "category": "fees_interest",
            "priority": "high",
            "full_name": "Dewi Lestari",
            "phone": "0812-5550-0199",
            "description": "Uji aksesibilitas: biaya tidak sesuai perjanjian.",
            "channel": "phone",
            "conversation_id": conversation,
        },
        timeout=30,
    )
    assert response.status_code == 201, response.text
    return str(response.json()["register_number"])


@pytest.fixture
def console(stack: Stack, supervisor: str, page: Any) -> Any:
    log_in(page, stack.settings.app_url, supervisor)
    return page


CONSOLE_PAGES = {
    "queue": "/console",
    "chat": "/console/conversations/{conversation}",
    "case": "/console/cases/{case}",
    "dashboard": "/console/dashboard",
    "agents": "/console/agents",
    "deliveries": "/console/deliveries",
    "search": "/console/search?q=Dewi",
    "register": "/console/register",
}


def test_the_login_page_has_no_serious_violation(stack: Stack, page: Any) -> None:
    page.goto(f"{stack.settings.app_url}/console/login")
    assert_accessible(page)
    assert small_targets(page, "button, input:not([type=hidden])") == []


def test_the_console_focus_ring_and_field_borders_stand_out_3_to_1(stack: Stack, page: Any) -> None:
    page.goto(f"{stack.settings.app_url}/console/login")
    username = page.locator("input[name=username]")
    card = style(page.locator(".card, main").first, "background-color")
    body = style(page.locator("body"), "background-color")
    border = style(username, "border-top-color")

    username.focus()
    page.keyboard.press("Tab")  # to the password field, by keyboard
    ring = style(page.locator("input[name=password]"), "outline-color")

    assert contrast(border, card) >= 3, (border, card)
    assert contrast(ring, card) >= 3 and contrast(ring, body) >= 3, (ring, card, body)


@pytest.mark.parametrize("name", list(CONSOLE_PAGES))
def test_each_console_page_has_no_serious_violation_and_44_px_targets(
    name: str, console: Any, stack: Stack, conversation: str, case_number: str
) -> None:
    path = CONSOLE_PAGES[name].format(conversation=conversation, case=case_number)
    console.goto(stack.settings.app_url + path)
    if name == "dashboard":
        console.wait_for_selector("#dashboard[data-drawn=yes]", timeout=WAIT_MS)

    assert_accessible(console)
    targets = "main button, main select, main summary, .topbar button, .topbar input, .topbar nav a"
    assert small_targets(console, targets) == []


def test_the_console_transcript_is_a_named_log_with_speakers(
    console: Any, stack: Stack, conversation: str
) -> None:
    console.goto(f"{stack.settings.app_url}/console/conversations/{conversation}")

    log = console.get_by_role("log", name="Transkrip percakapan")
    assert log.count() == 1
    speakers = log.locator(".msg__who").all_inner_texts()
    assert speakers and all(s.split(" · ")[0].strip() for s in speakers)
    assert log.locator(".msg--user .msg__who", has_text="Pelanggan").count() >= 1


def test_each_dashboard_chart_has_a_labelled_table_of_its_numbers(
    console: Any, stack: Stack, case_number: str
) -> None:
    console.goto(f"{stack.settings.app_url}/console/dashboard")
    console.wait_for_selector("#dashboard[data-drawn=yes]", timeout=WAIT_MS)

    for chart in ("volume", "compliance", "ratings"):
        svg = console.locator(f"#chart-{chart}")
        assert svg.get_attribute("role") == "img" and svg.get_attribute("aria-label")
        table = console.locator(f"#table-{chart}")
        assert table.locator("caption").text_content()
        assert svg.get_attribute("aria-describedby") == f"table-{chart}"
        assert table.locator("tbody tr").count() == 12  # one row per week
    volume = console.locator("#table-volume")
    assert volume.locator("th", has_text="Bunga/biaya").count() >= 1
    assert "1" in (volume.locator("tbody tr").last.text_content() or "")
