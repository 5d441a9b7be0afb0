"""The chat page's "Draf pengaduan": the answers the customer gave the bot before the handoff."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.drafts import missing_fields
from backend.services import drafts


async def draft_panel(session: AsyncSession, conversation_id: str) -> dict[str, Any] | None:
    """The open draft's answers (unmasked: for the agent) and what it still lacks, or None."""
    draft = await drafts.open_draft(session, conversation_id)
    if draft is None:
        return None
    fields = dict(draft.fields or {})
    return {"answers": fields, "missing": missing_fields(fields)}
