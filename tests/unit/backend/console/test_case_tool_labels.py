"""The console's words for a case's history, and the agents page's username pattern."""

from __future__ import annotations

import re

import pytest

from backend.console.labels import LABELS, label
from backend.console.render import TEMPLATES
from backend.domain.agents import check_username
from backend.services.contact_checks import FAILED, PASSED
from backend.services.document_downloads import DOWNLOADED

# Every action the services write into a case's history (backend/services).
RECORDED = (
    "opened",
    "status_changed",
    "documents_requested",
    "document_added",
    DOWNLOADED,
    "rejected",
    "extended",
    "resolved",
    "assigned",
    PASSED,
    FAILED,
)


@pytest.mark.parametrize("action", RECORDED)
def test_every_recorded_event_has_an_indonesian_name(action: str) -> None:
    name = label(action, "event")

    assert name != action
    assert "_" not in name and name[0].isupper()


def test_an_unknown_event_still_shows_its_stored_name() -> None:
    assert label("something_new", "event") == "something_new"


def test_the_services_record_no_event_the_console_cannot_name() -> None:
    services = TEMPLATES.parent.parent / "services"
    written = set()
    for path in services.glob("*.py"):
        written |= set(re.findall(r'action="([a-z_]+)"', path.read_text()))

    assert written <= set(LABELS["event"])


def username_pattern() -> re.Pattern[str]:
    """The agents page's `pattern`, read as the browser does (the whole value must match)."""
    page = (TEMPLATES / "agents.html").read_text()
    found = re.search(r'name="username"[^>]*pattern="([^"]+)"', page)
    assert found
    return re.compile(found.group(1))


@pytest.mark.parametrize(
    "typed", ["rina", "Rina", "r2", "rina.w", "rina_w", "rina-w", "a" + "b" * 63]
)
def test_what_the_form_lets_through_the_server_accepts(typed: str) -> None:
    assert username_pattern().fullmatch(typed)
    assert check_username(typed.strip().lower()) == typed.lower()


@pytest.mark.parametrize("typed", ["r", "1rina", "rina w", "rina!", "-rina", "a" + "b" * 64])
def test_what_the_server_refuses_the_form_refuses_too(typed: str) -> None:
    assert not username_pattern().fullmatch(typed)
    with pytest.raises(ValueError):
        check_username(typed.strip().lower())


def test_the_pattern_escapes_the_hyphen_for_the_browser_s_v_flag() -> None:
    assert r"\-" in username_pattern().pattern
