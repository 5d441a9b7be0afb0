"""A supervisor's dashboard in a real browser: the charts are drawn, nothing breaks the CSP."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from backend.domain.calendar import WIB
from backend.stack import Stack
from tests.e2e.console_support import WAIT_MS, log_in, new_supervisor

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

SCREENSHOT = Path(tempfile.gettempdir()) / "aduan-console-dashboard.png"


def register(api: httpx.Client, received: datetime, category: str, phone: str) -> str:
    """A complaint taken by phone, received at `received`; its register number."""
    response = api.post(
        "/api/cases",
        json={
            "complainant_type": "user",
            "user_role": "borrower",
            "complaint_type": "complaint",
            "category": category,
            "priority": "high",
            "full_name": "Dewi Lestari",
            "phone": phone,
            "description": "Uji dasbor: biaya tidak sesuai perjanjian.",
            "channel": "phone",
            "received_at": received.astimezone(WIB).isoformat(),
        },
    )
    assert response.status_code == 201, response.text
    return str(response.json()["register_number"])


def test_a_supervisor_sees_the_dashboard_charts_drawn_and_the_overdue_case_highlighted(
    stack: Stack, api: httpx.Client, page: Any
) -> None:
    now = datetime.now(UTC)
    register(api, now - timedelta(days=1), "fees_interest", "0812-5550-0101")
    register(api, now - timedelta(days=9), "fraud", "0812-5550-0102")
    overdue = register(api, now - timedelta(days=45), "transaction", "0812-5550-0103")
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "response",
        lambda r: (
            problems.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico")
            else None
        ),
    )
    base = stack.settings.app_url

    log_in(page, base, new_supervisor(stack))
    page.click("nav >> text=Dasbor")
    page.wait_for_url(f"{base}/console/dashboard", timeout=WAIT_MS)
    page.wait_for_selector("#dashboard[data-drawn=yes]", timeout=WAIT_MS)
    page.wait_for_selector("#live[data-state=live]", timeout=WAIT_MS)
    page.screenshot(path=str(SCREENSHOT), full_page=True)

    assert page.locator("#chart-volume rect.bar").count() >= 2
    assert page.locator("#chart-volume text").count() > 12  # axis and week labels
    assert page.locator("#legend-volume li").count() >= 2
    assert page.locator("#chart-compliance text").count() > 0
    assert page.locator("#chart-ratings text").count() > 0
    assert int(page.text_content("#count-overdue") or "0") >= 1
    row = page.locator("table.attention tr.due--overdue", has_text=overdue)
    assert row.count() == 1
    assert page.locator("#queue tr", has_text=overdue).count() == 1
    assert page.locator("a[href$='format=xlsx']").count() == 2
    assert not problems, problems
