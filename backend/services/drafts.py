"""Half-finished complaints kept when a chat is handed to a person (issue 15).

The bot sends the intake's answers so far with its handoff request; the agent sees them as a
draft and registers it in one step, or hands the chat back and the bot resumes the form.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from babel.dates import format_date, format_time
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import draft_repository, handoff_repository
from backend.db.draft_tables import ComplaintDraft
from backend.domain.calendar import WIB, WorkingCalendar
from backend.domain.drafts import case_fields
from backend.domain.policy import InstitutionProfile
from backend.schemas import CaseCreate
from backend.services.cases import open_case
from backend.services.conversations import ConversationNotFound, get_conversation
from backend.services.records import CaseRecord

NOTICES = Path(__file__).with_name("draft_notices.yml")
LANGUAGES = ("id", "en")
TIME_FORMATS = {"id": "HH.mm", "en": "HH:mm"}


async def keep_draft(
    session: AsyncSession, conversation_id: str, fields: Mapping[str, str], *, now: datetime
) -> ComplaintDraft | None:
    """Keep the answers with the chat's open handoff (replacing an earlier open draft); committed.

    Nothing is kept without answers or without an open handoff (the bot kept the chat).
    """
    if not fields:
        return None
    handoff = await handoff_repository.open_handoff(session, conversation_id)
    if handoff is None:
        await session.rollback()
        return None
    draft = await draft_repository.open_draft(session, conversation_id, for_update=True)
    if draft is None:
        draft = ComplaintDraft(conversation_id=conversation_id, created_at=now)
        draft_repository.add_draft(session, draft)
    draft.handoff_id = handoff.id
    draft.fields = dict(fields)
    await session.commit()
    return draft


async def open_draft(session: AsyncSession, conversation_id: str) -> ComplaintDraft | None:
    """The chat's draft waiting for an agent or for the bot, if any."""
    draft = await draft_repository.open_draft(session, conversation_id)
    await session.commit()
    return draft


async def register_draft(
    session: AsyncSession,
    conversation_id: str,
    completed: Mapping[str, str],
    *,
    officer: str,
    actor: str,
    profile: InstitutionProfile,
    calendar: WorkingCalendar,
    now: datetime | None = None,
) -> tuple[CaseRecord, bool] | None:
    """Open the case of the chat's draft, completed by the agent; (case, created) or None.

    The draft's id is the idempotency key: a second click, or a second agent, gets the same
    case back (created False). None when the chat has no draft waiting (or the bot took it).
    """
    now = now or datetime.now(UTC)
    conversation = await get_conversation(session, conversation_id)
    if conversation is None:
        raise ConversationNotFound(conversation_id)
    draft = await draft_repository.open_draft(session, conversation_id)
    if draft is None:
        return await _registered_before(session, conversation_id)
    draft_id, fields = draft.id, dict(draft.fields or {})
    body = case_fields(
        fields,
        completed,
        channel=conversation.channel,
        conversation_id=conversation_id,
        officer=officer,
    )
    case, created = await open_case(
        session,
        CaseCreate.from_json(body),
        profile=profile,
        calendar=calendar,
        idempotency_key=f"draft-{draft_id}",
        now=now,
        actor=actor,
    )
    await _close(session, draft_id, now, case_id=case.id)
    return case, created


async def _registered_before(
    session: AsyncSession, conversation_id: str
) -> tuple[CaseRecord, bool] | None:
    """The case of the chat's newest draft if an agent registered it already (a second click)."""
    draft = await draft_repository.latest_draft(session, conversation_id)
    case = None
    if draft is not None and draft.case_id is not None:
        case = await session.get(CaseRecord, draft.case_id)
    await session.commit()
    return (case, False) if case is not None else None


async def close_for_the_bot(session: AsyncSession, conversation_id: str, now: datetime) -> bool:
    """The chat goes back to the bot with its draft unregistered: True if there was one (the bot
    then resumes the form from its next missing question)."""
    draft = await draft_repository.open_draft(session, conversation_id, for_update=True)
    if draft is None:
        await session.commit()
        return False
    draft.closed_at = now
    await session.commit()
    return True


async def _close(
    session: AsyncSession, draft_id: int, now: datetime, *, case_id: int | None
) -> None:
    draft = await session.get(ComplaintDraft, draft_id, with_for_update=True)
    if draft is not None and draft.closed_at is None:
        draft.closed_at = now
        draft.case_id = case_id
    await session.commit()


@cache
def _notices() -> dict[str, Any]:
    notices: dict[str, Any] = yaml.safe_load(NOTICES.read_text(encoding="utf-8"))
    return notices


def resumed_notice(language: str | None) -> str:
    """The customer's answers are kept; the bot goes on with the next question."""
    return str(_notices()["resumed"][language if language in LANGUAGES else "id"])


def registered_notice(case: CaseRecord, language: str | None) -> str:
    """The bot's words on a registered case: its register number and first response deadline."""
    language = language if language in LANGUAGES else "id"
    local = case.first_response_due_at.astimezone(WIB)
    template: str = _notices()[str(case.complaint_type)][language]
    return template.format(
        register_number=case.register_number,
        date=format_date(local, "EEEE, d MMMM y", locale=language),
        time=format_time(local, TIME_FORMATS[language], tzinfo=WIB, locale=language),
    )
