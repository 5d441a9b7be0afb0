"""Use cases of the handoff: a chat goes to the agents' queue, an agent takes it, hands it back."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import agent_repository, handoff_repository, repository
from backend.db.console_tables import Handoff
from backend.db.tables import Agent, CaseRecord, Conversation, Message
from backend.domain.access import may_move_chat
from backend.domain.calendar import WorkingCalendar
from backend.domain.deadlines import is_open, next_opening
from backend.domain.handoff import (
    HandoffReason,
    QueueEntry,
    case_next_due,
    chat_priority,
    in_queue_order,
    parse_reason,
    should_hand_off,
)
from backend.domain.lifecycle import Priority
from backend.domain.refusal import Refused
from backend.schemas import InvalidField
from backend.services.cases import RUNNING_STATUSES
from backend.services.conversations import ConversationNotFound
from backend.services.handling import assign

PUSHED = "pushed"  # marks a bot message sent outside an answer (kept for the REST pull)
PAGE_SIZE = 200
HELD_BY_OTHER = "another agent holds this chat; ask a supervisor to reassign it"


class HandoffRefused(Refused):
    """The chat cannot change hands this way (409); `detail` says why."""

    status = 409
    error = "conflict"


@dataclass(frozen=True)
class HandoffOutcome:
    """What became of a handoff request, and when agents work next."""

    handed_off: bool
    open_now: bool
    next_opening: datetime
    conversation: Conversation


async def request_handoff(
    session: AsyncSession,
    conversation_id: str,
    reason: object,
    *,
    channel: str,
    calendar: WorkingCalendar,
    now: datetime | None = None,
) -> HandoffOutcome:
    """Queue the chat for an agent (an emergency only while open); the bot stops answering."""
    try:
        parsed = parse_reason(reason)
    except ValueError:
        allowed = ", ".join(member.value for member in HandoffReason)
        raise InvalidField("reason", f"must be one of: {allowed}") from None
    now = now or datetime.now(UTC)
    open_now = is_open(now, calendar)
    await repository.ensure_conversation(session, conversation_id, channel, now)
    # Just ensured: only a concurrent delete could remove it.
    conversation = await _locked_conversation(session, conversation_id)
    handed_off = should_hand_off(parsed, open_now)
    if handed_off:
        if await handoff_repository.open_handoff(session, conversation_id) is None:
            session.add(Handoff(conversation_id=conversation_id, reason=parsed, requested_at=now))
        conversation.handled_by = "agent"
        conversation.updated_at = now
    await session.commit()
    return HandoffOutcome(handed_off, open_now, next_opening(now, calendar), conversation)


async def _locked_conversation(session: AsyncSession, conversation_id: str) -> Conversation:
    """The conversation, locked; ConversationNotFound (its transaction ended) if there is none."""
    conversation = await handoff_repository.conversation_for_update(session, conversation_id)
    if conversation is None:
        await session.rollback()
        raise ConversationNotFound(conversation_id)
    return conversation


async def take_over(
    session: AsyncSession, conversation_id: str, agent: Agent, *, now: datetime | None = None
) -> bool:
    """The agent holds the chat (from the queue, or from the bot); True if the bot had it."""
    return await _hold(session, conversation_id, agent, actor=agent, now=now)


async def assign_chat(
    session: AsyncSession,
    conversation_id: str,
    agent_id: int,
    *,
    actor: Agent,
    now: datetime | None = None,
) -> bool:
    """Give the chat to another active agent (holder or supervisor only); True if the bot had it."""
    target = await agent_repository.agent_by_id(session, agent_id)
    if target is None or not target.active:
        raise InvalidField("agent", "no such active agent")
    return await _hold(session, conversation_id, target, actor=actor, now=now)


async def _hold(
    session: AsyncSession,
    conversation_id: str,
    agent: Agent,
    *,
    actor: Agent,
    now: datetime | None,
) -> bool:
    """Give the chat to `agent` if `actor` may move it; the agent becomes its cases' officer."""
    now = now or datetime.now(UTC)
    conversation = await _locked_conversation(session, conversation_id)
    from_bot = conversation.handled_by == "bot"
    handoff = await handoff_repository.open_handoff(session, conversation_id)
    if handoff is None:
        handoff = Handoff(conversation_id=conversation_id, reason=HandoffReason.AGENT)
        handoff.requested_at = now
        session.add(handoff)
    if not may_move_chat(actor.role, actor.id, handoff.agent_id):
        await session.rollback()
        raise HandoffRefused(HELD_BY_OTHER)
    handoff.agent_id = agent.id
    handoff.taken_at = now
    conversation.handled_by = "agent"
    conversation.updated_at = now
    await session.commit()
    await _name_officer(session, conversation_id, agent.name, actor=actor.username, now=now)
    return from_bot


async def _name_officer(
    session: AsyncSession, conversation_id: str, name: str, *, actor: str, now: datetime
) -> None:
    """The agent holding a chat becomes the officer of its open cases (told to the customer)."""
    for case in await repository.cases_of_conversation(session, conversation_id):
        if case.status in RUNNING_STATUSES and case.officer != name:
            await assign(session, case.register_number, name, actor=actor, now=now)


async def hand_back(
    session: AsyncSession, conversation_id: str, *, actor: Agent, now: datetime | None = None
) -> Conversation:
    """End the handoff (holder or supervisor only): the bot answers the chat again."""
    now = now or datetime.now(UTC)
    conversation = await _locked_conversation(session, conversation_id)
    handoff = await handoff_repository.open_handoff(session, conversation_id)
    if handoff is None and conversation.handled_by == "bot":
        await session.rollback()
        raise HandoffRefused("the bot already answers this chat")
    if handoff is not None and not may_move_chat(actor.role, actor.id, handoff.agent_id):
        await session.rollback()
        raise HandoffRefused(HELD_BY_OTHER)
    if handoff is not None:
        handoff.ended_at = now
        handoff.ended_by = actor.username
    conversation.handled_by = "bot"
    conversation.updated_at = now
    await session.commit()
    return conversation


async def check_may_hand_back(session: AsyncSession, conversation_id: str, actor: Agent) -> None:
    """Refuse before anything moves if another agent holds the chat and `actor` is no supervisor."""
    handoff = await current_handoff(session, conversation_id)
    if handoff is not None and not may_move_chat(actor.role, actor.id, handoff.agent_id):
        raise HandoffRefused(HELD_BY_OTHER)


async def current_handoff(session: AsyncSession, conversation_id: str) -> Handoff | None:
    """The chat's handoff that has not ended, if any."""
    handoff = await handoff_repository.open_handoff(session, conversation_id)
    await session.commit()
    return handoff


async def current_agent(session: AsyncSession, conversation_id: str) -> Agent | None:
    """The agent holding the chat now, or None (the bot answers, or it waits for an agent)."""
    handoff = await handoff_repository.open_handoff(session, conversation_id)
    agent = None
    if handoff is not None and handoff.agent_id is not None:
        agent = await agent_repository.agent_by_id(session, handoff.agent_id)
    await session.commit()
    return agent


async def queue(session: AsyncSession, *, now: datetime | None = None) -> list[QueueEntry]:
    """Waiting and held chats and open cases, most urgent first, then by due time."""
    handoffs = await handoff_repository.open_handoffs(session)
    chat_cases = await handoff_repository.cases_of_conversations(
        session, [conversation.id for _, conversation, _ in handoffs]
    )
    entries = [_chat_entry(h, c, name, chat_cases) for h, c, name in handoffs]
    for case in await handoff_repository.cases_in_statuses(session, RUNNING_STATUSES):
        entries.append(_case_entry(case))
    return in_queue_order(entries)


def _chat_entry(
    handoff: Handoff, conversation: Conversation, agent: str | None, cases: Sequence[CaseRecord]
) -> QueueEntry:
    own = [case for case in cases if case.conversation_id == conversation.id]
    running = [str(case.priority) for case in own if case.status in RUNNING_STATUSES]
    return QueueEntry(
        kind="chat",
        priority=chat_priority(HandoffReason(handoff.reason), running),
        due_at=handoff.requested_at,
        title=own[-1].full_name if own else conversation.id,
        channel=conversation.channel,
        state="held" if handoff.agent_id else "waiting",
        agent=agent,
        conversation_id=conversation.id,
        register_number=own[-1].register_number if own else None,
    )


def _case_entry(case: CaseRecord) -> QueueEntry:
    return QueueEntry(
        kind="case",
        priority=Priority(case.priority),
        due_at=case_next_due(
            case.status,
            case.first_response_due_at,
            case.resolution_due_at,
            case.extended_resolution_due_at,
        ),
        title=case.full_name,
        channel=str(case.channel),
        state=str(case.status),
        agent=case.officer,
        conversation_id=case.conversation_id,
        register_number=case.register_number,
    )


async def pushed_messages(
    session: AsyncSession, conversation_id: str, after: int, *, limit: int = 100
) -> list[Message]:
    """Agent messages and pushed bot messages after `after`: what a REST client has not seen."""
    found: list[Message] = []
    while len(found) < limit:
        page = await handoff_repository.messages_after(
            session, conversation_id, after, ("agent", "bot"), PAGE_SIZE
        )
        found.extend(message for message in page if _pushed(message))
        if len(page) < PAGE_SIZE:
            break
        after = page[-1].id
    return found[:limit]


def _pushed(message: Message) -> bool:
    """An agent's message, or a bot message sent without the customer asking (not an answer)."""
    if message.sender == "agent":
        return True
    return isinstance(message.payload, dict) and bool(message.payload.get(PUSHED))


async def transcript(
    session: AsyncSession, conversation_id: str, after: int = 0, *, limit: int = 1000
) -> list[Message]:
    """The chat's messages after `after`, oldest first."""
    found = await handoff_repository.messages_after(
        session, conversation_id, after, ("user", "bot", "agent"), limit
    )
    return list(found)
