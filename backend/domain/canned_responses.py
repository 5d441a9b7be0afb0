"""Canned responses: an institution's ready answers, with placeholders the console fills.

A text may name `{nama}` (the customer's name) and `{nomor_register}` (the case's register
number); a placeholder with no value is left for the agent to fill in by hand.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

PLACEHOLDERS = ("nama", "nomor_register")
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_KEY = re.compile(r"[a-z][a-z0-9_]{0,63}")
MAX_TEXT_CHARS = 4000  # what a reply may hold


class CannedResponseError(ValueError):
    """The data file of canned responses is not as described."""


@dataclass(frozen=True)
class CannedResponse:
    """One ready answer: a stable key, a short title for the picker, and its text."""

    key: str
    title: str
    text: str

    def filled(self, values: Mapping[str, str | None]) -> str:
        """The text with each known placeholder that has a value replaced by it."""

        def value(found: re.Match[str]) -> str:
            given = values.get(found.group(1))
            return given if given else found.group(0)

        return _PLACEHOLDER.sub(value, self.text)


def parse_canned_responses(data: object) -> tuple[CannedResponse, ...]:
    """The responses of a file's content (`responses: [{key, title, text}]`), checked."""
    if data is None:
        return ()
    if not isinstance(data, dict) or not isinstance(data.get("responses"), list):
        raise CannedResponseError("expected a mapping with a list `responses`")
    found: list[CannedResponse] = []
    for index, item in enumerate(data["responses"]):
        if not isinstance(item, dict):
            raise CannedResponseError(f"responses[{index}] must be a mapping")
        key, title, text = item.get("key"), item.get("title"), item.get("text")
        if not isinstance(key, str) or not _KEY.fullmatch(key):
            raise CannedResponseError(f"responses[{index}].key must be like `salam_pembuka`")
        if not isinstance(title, str) or not title.strip():
            raise CannedResponseError(f"responses[{index}].title is required")
        if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT_CHARS:
            raise CannedResponseError(f"responses[{index}].text: 1 to {MAX_TEXT_CHARS} characters")
        unknown = set(_PLACEHOLDER.findall(text)) - set(PLACEHOLDERS)
        if unknown:
            raise CannedResponseError(
                f"responses[{index}].text names unknown placeholders {sorted(unknown)}"
            )
        found.append(CannedResponse(key, title.strip(), text.strip()))
    if len({response.key for response in found}) != len(found):
        raise CannedResponseError("keys must be unique")
    return tuple(found)
