"""The console in a real browser refuses wrong passwords and forged changes and keeps text inert."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from backend.stack import Stack
from tests.e2e.conftest import Chat
from tests.e2e.console_support import WAIT_MS, log_in, new_supervisor

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

HOSTILE = (
    "<script>window.__xss = 1; alert('xss')</script>"
    '<img src=x onerror="window.__xss = 2; alert(2)"><b id="injected">tebal</b>'
)


def test_a_wrong_password_is_refused_in_the_browser(stack: Stack, page: Any) -> None:
    base = stack.settings.app_url
    username = new_supervisor(stack)
    page.goto(f"{base}/console/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "not the password at all")

    with page.expect_response(f"{base}/console/login") as answer:
        page.click("button[type=submit]")

    assert answer.value.status == 401
    assert page.locator("text=Nama pengguna atau kata sandi salah.").is_visible()
    page.goto(f"{base}/console")
    assert page.url.startswith(f"{base}/console/login")


def test_changes_without_the_csrf_token_are_refused(stack: Stack, page: Any, chat: Chat) -> None:
    base = stack.settings.app_url
    log_in(page, base, new_supervisor(stack))
    chat.say("halo")
    page.goto(f"{base}/console/conversations/{chat.sender}")

    forged = page.evaluate(
        """async (url) => (await fetch(url, {method: "POST",
            headers: {"Content-Type": "application/json"}, body: '{"text": "x"}'})).status""",
        f"{base}/console/conversations/{chat.sender}/reply",
    )
    page.evaluate("document.querySelector('#take-over').form.csrf_token.remove()")
    with page.expect_response(f"{base}/console/conversations/{chat.sender}/take-over") as answer:
        page.click("#take-over")

    assert forged == 403
    assert answer.value.status == 403
    state = httpx.get(
        f"{base}/api/conversations/{chat.sender}",
        headers={"Authorization": f"Bearer {stack.settings.app_api_token}"},
    )
    assert state.json()["handled_by"] == "bot"


def test_html_and_scripts_a_customer_wrote_stay_text(
    stack: Stack, page: Any, chat: Chat, api: httpx.Client
) -> None:
    base = stack.settings.app_url
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in(page, base, new_supervisor(stack))
    chat.say(HOSTILE)
    api.post(f"/api/conversations/{chat.sender}/handoff", json={"reason": "requested"})
    created = api.post(
        "/api/cases",
        json={
            "complainant_type": "reporter",
            "complaint_type": "complaint",
            "category": "other",
            "priority": "emergency",
            "full_name": '<b id="injected">Budi</b>',
            "phone": "081298765432",
            "description": HOSTILE,
            "channel": "rest",
            "conversation_id": chat.sender,
        },
    )
    number = created.json()["register_number"]

    page.goto(f"{base}/console")
    page.wait_for_selector(f'#queue tr[data-register="{number}"]', timeout=WAIT_MS)
    page.wait_for_timeout(1500)  # the stream has redrawn the queue by now
    for path in (f"/console/conversations/{chat.sender}", f"/console/cases/{number}"):
        page.goto(f"{base}{path}")
        page.wait_for_timeout(1500)  # the transcript stream has run
        assert page.locator("#injected").count() == 0, path
        assert page.locator("text=<script>window.__xss").count() >= 1, path
    assert page.evaluate("window.__xss") is None
    assert dialogs == []
