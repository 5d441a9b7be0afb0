"""Thin queries of the complaint drafts; no business rules, no commits."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.draft_tables import ComplaintDraft


def add_draft(session: AsyncSession, draft: ComplaintDraft) -> None:
    session.add(draft)


async def open_draft(
    session: AsyncSession, conversation_id: str, *, for_update: bool = False
) -> ComplaintDraft | None:
    """The chat's newest draft neither registered nor resumed by the bot, if any."""
    query = (
        select(ComplaintDraft)
        .where(ComplaintDraft.conversation_id == conversation_id)
        .where(ComplaintDraft.closed_at.is_(None))
        .order_by(ComplaintDraft.id.desc())
        .limit(1)
    )
    if for_update:
        query = query.with_for_update()
    return (await session.execute(query)).scalars().first()


async def latest_draft(session: AsyncSession, conversation_id: str) -> ComplaintDraft | None:
    """The chat's newest draft, open or closed."""
    query = (
        select(ComplaintDraft)
        .where(ComplaintDraft.conversation_id == conversation_id)
        .order_by(ComplaintDraft.id.desc())
        .limit(1)
    )
    return (await session.execute(query)).scalars().first()
