"""Masking of personal numbers (phone numbers, NIK, chat ids) before anything is logged."""

from __future__ import annotations

import re

LONG_NUMBER = re.compile(r"\d{6,}")


def mask_digits(text: str) -> str:
    """Hide the middle of every run of 6+ digits: `6281234567890` becomes `62*********90`."""
    return LONG_NUMBER.sub(_mask, text)


def _mask(match: re.Match[str]) -> str:
    digits = match.group()
    return digits[:2] + "*" * (len(digits) - 4) + digits[-2:]
