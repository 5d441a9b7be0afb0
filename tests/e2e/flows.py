"""Helpers of the intake end-to-end tests: reading the register number, fetching the case."""

from __future__ import annotations

import re
from typing import Any

import httpx

from backend.domain.calendar import WorkingCalendar
from backend.domain.deadlines import is_open
from backend.domain.register_number import REGISTER_NUMBER_PATTERN, parse_register_number
from tests.e2e.conftest import Chat


def registered_case(chat: Chat, api: httpx.Client) -> dict[str, Any]:
    """The case whose register number the bot just gave, as the case API returns it."""
    found = re.search(REGISTER_NUMBER_PATTERN, chat.texts)
    assert found, chat.texts
    response = api.get(f"/api/cases/{parse_register_number(found.group(0))}")
    assert response.status_code == 200, response.text
    return response.json()


def cases_of(chat: Chat, api: httpx.Client) -> list[dict[str, Any]]:
    """Every case of this conversation."""
    return api.get("/api/cases", params={"conversation_id": chat.sender}).json()["items"]


def titles(chat: Chat) -> list[str]:
    """The titles of the buttons of the bot's last answer."""
    return [b["title"] for m in chat.last for b in m.get("buttons") or []]


def payloads(chat: Chat) -> list[str]:
    """The payloads of the buttons of the bot's last answer."""
    return [b["payload"] for m in chat.last for b in m.get("buttons") or []]


def agents_are_working(moment: Any) -> bool:
    """Whether `moment` falls in operating hours (to know which notice the bot gives)."""
    return is_open(moment, WorkingCalendar())
