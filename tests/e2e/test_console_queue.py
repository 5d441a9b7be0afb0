"""The queue in a real browser: tabs and pages, a bot chat taken over from the queue, unread
counts and the waiting count in the page title, all kept live by the stream."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from backend.stack import Stack
from tests.e2e.conftest import Chat
from tests.e2e.console_support import (
    WAIT_MS,
    agent_made_by_a_supervisor,
    log_in,
)

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

WAITING_TITLE = re.compile(r"^\((\d+)\) Antrean")


@pytest.fixture(scope="module")
def agent_username(stack: Stack, browser: Any) -> str:
    """An agent, made by a supervisor in the console (the supervisor made by the CLI)."""
    return agent_made_by_a_supervisor(stack, browser, "Dewi Lestari")


@pytest.fixture
def console(stack: Stack, agent_username: str, page: Any) -> Iterator[Any]:
    """The agent's browser page, logged in, on the queue."""
    log_in(page, stack.settings.app_url, agent_username)
    yield page


def waiting_in_title(page: Any) -> int:
    found = WAITING_TITLE.match(page.title())
    return int(found.group(1)) if found else 0


def open_cases(api: httpx.Client, count: int) -> list[str]:
    numbers = []
    for index in range(count):
        created = api.post(
            "/api/cases",
            json={
                "complainant_type": "user",
                "user_role": "borrower",
                "complaint_type": "complaint",
                "category": "other",
                "priority": "low",
                "full_name": f"Nasabah Antrean {index}",
                "email": f"antrean{index}.{secrets.token_hex(3)}@example.com",
                "description": "Keluhan untuk mengisi antrean sampai lebih dari satu halaman.",
                "channel": "phone",
            },
        )
        assert created.status_code == 201, created.text
        numbers.append(created.json()["register_number"])
    return numbers


def test_the_tabs_and_pages_move_through_the_queue(
    console: Any, api: httpx.Client, stack: Stack
) -> None:
    base = stack.settings.app_url
    open_cases(api, 55)
    console.goto(f"{base}/console")

    console.click("#page-next")
    console.wait_for_url(re.compile(r"page=2"), timeout=WAIT_MS)
    second = console.locator('#queue tr[data-kind="case"]').count()
    assert console.inner_text("#page-number") == "Halaman 2"
    assert second >= 5
    assert console.is_visible("#page-previous")

    console.click('.tabs a[data-tab="unassigned"]')
    console.wait_for_url(re.compile(r"tab=unassigned"), timeout=WAIT_MS)
    assert console.get_attribute('.tabs a[data-tab="unassigned"]', "aria-current") == "page"
    assert console.locator('#queue tr[data-kind="case"]').count() == 50

    console.click('.tabs a[data-tab="mine"]')
    console.wait_for_url(re.compile(r"tab=mine"), timeout=WAIT_MS)
    # None of the unassigned cases is mine (earlier tests may have left this agent some).
    assert console.locator('#queue tr[data-kind="case"]', has_text="Nasabah Antrean").count() == 0
    mine = console.locator("#queue tr[data-kind]").count()
    assert console.inner_text('[data-count="mine"]') == str(mine)


def test_a_chat_still_with_the_bot_is_taken_over_from_the_queue(
    console: Any, chat: Chat, stack: Stack
) -> None:
    chat.say("halo")
    console.goto(f"{stack.settings.app_url}/console?tab=bot")

    row = console.locator(f'#queue tr[data-conversation="{chat.sender}"]')
    row.wait_for(timeout=WAIT_MS)
    assert "Dijawab bot" in row.inner_text()
    assert "REST · …" in row.inner_text()  # no name yet: the channel and a masked id
    row.get_by_role("button", name="Ambil alih").click()  # the stream may redraw it: a locator

    console.wait_for_selector("text=Anda menangani chat ini.", timeout=WAIT_MS)
    assert chat.sender in console.url


def test_a_waiting_chat_shows_in_the_title_and_counts_its_unread_messages_live(
    console: Any, chat: Chat, stack: Stack
) -> None:
    base = stack.settings.app_url
    console.goto(f"{base}/console")
    console.wait_for_selector("#live[data-state=live]", timeout=WAIT_MS)
    before = waiting_in_title(console)
    console.evaluate("window.__notReloaded = true")

    chat.say("halo")
    chat.say("saya mau bicara dengan CS")
    row = f'#queue tr[data-conversation="{chat.sender}"]'
    console.wait_for_selector(row, timeout=WAIT_MS)
    console.wait_for_function(
        f"document.title.startsWith('({before + 1}) Antrean')", timeout=WAIT_MS
    )
    first = int(console.inner_text(f"{row} .unread"))
    chat.say("tolong segera, dana saya belum cair")
    console.wait_for_function(
        f"""() => {{
            const badge = document.querySelector('{row} .unread');
            return badge && Number(badge.textContent) === {first + 1};
        }}""",
        timeout=WAIT_MS,
    )
    assert console.evaluate("window.__notReloaded") is True  # all of it came by the stream

    console.click(f"{row} a")
    console.wait_for_selector(".msg--user >> text=dana saya belum cair", timeout=WAIT_MS)
    console.goto(f"{base}/console")
    console.wait_for_selector(row, timeout=WAIT_MS)
    console.wait_for_selector(f"{row} .unread", state="detached", timeout=WAIT_MS)


def test_the_sound_is_off_until_the_agent_turns_it_on_and_stays_so(
    console: Any, stack: Stack
) -> None:
    assert console.is_checked("#queue-sound") is False

    console.check("#queue-sound")
    console.reload()

    assert console.is_checked("#queue-sound") is True
    assert console.evaluate("localStorage.getItem('aduan.console.queueSound')") == "on"
