"""Complainants: the cases of one person (same phone number, else same e-mail) share one record."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import repository


async def link_complainant(
    session: AsyncSession, full_name: str, phone: str | None, email: str | None, now: datetime
) -> int:
    """The id of the complainant with this phone (else e-mail), created if new.

    A contact detail the record lacks is added when no one else has it; the name stays
    the first one given (each case keeps the name given with it).
    """
    email = email.lower() if email else None
    found = await repository.complainant_by_contact(session, phone, email)
    if found is None:
        created = await repository.insert_complainant(session, full_name, phone, email, now)
        if created is not None:
            return created
        # A concurrent request registered the same person first.
        found = await repository.complainant_by_contact(session, phone, email)
        if found is None:
            raise RuntimeError("complainant vanished after a conflicting insert")
    complainant_id = found.id
    for field, value, known in (("phone", phone, found.phone), ("email", email, found.email)):
        if value and known is None:
            await repository.fill_complainant_contact(session, complainant_id, field, value, now)
    return complainant_id
