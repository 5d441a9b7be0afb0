"""Finding cases the way an agent asks: by register number, by name, or by phone number."""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import repository
from backend.db.tables import CaseRecord
from backend.domain.register_number import RegisterNumberError, parse_register_number

QUERY_MAX_CHARS = 100
PHONE_MIN_DIGITS = 5
NAME_MIN_CHARS = 2
LIKE_SPECIALS = re.compile(r"([\\%_])")


def phone_digits(query: str) -> str | None:
    """The digits of a typed phone number as stored (+62…): "0812-3456" → "628123456"."""
    if re.search(r"[^\d\s()+.-]", query):
        return None
    digits = re.sub(r"\D", "", query)
    if len(digits) < PHONE_MIN_DIGITS:
        return None
    return "62" + digits[1:] if digits.startswith("0") else digits


def contains_pattern(text: str) -> str:
    """A LIKE pattern (escape character `\\`) matching texts that contain `text`."""
    return "%" + LIKE_SPECIALS.sub(r"\\\1", text) + "%"


async def search_cases(
    session: AsyncSession, query: str, *, limit: int = 50
) -> Sequence[CaseRecord]:
    """Cases matching `query`: an exact register number, a part of a name, or of a phone number."""
    query = " ".join(query.split())[:QUERY_MAX_CHARS]
    try:
        register_number: str | None = parse_register_number(query)
    except RegisterNumberError:
        register_number = None
    digits = phone_digits(query)
    name = query if len(query) >= NAME_MIN_CHARS and digits is None else None
    found = await repository.find_cases_by_text(
        session,
        register_number=register_number,
        name_pattern=contains_pattern(name) if name else None,
        phone_digits=digits,
        limit=limit,
    )
    await session.commit()
    return found
