"""Use cases of the handoff: a chat goes to the agents' queue, an agent takes it, hands it back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import agent_repository, handoff_repository, queue_repository, repository
from backend.db.console_tables import Handoff
from backend.db.tables import Agent, CaseRecord, Conversation, Message
from backend.domain.access import may_move_chat
from backend.domain.calendar import WorkingCalendar
from backend.domain.deadlines import is_open, next_opening
from backend.domain.handoff import (
    HandoffReason,
    QueueEntry,
    case_next_due,
    masked_id,
    parse_reason,
    priority_of_rank,
    should_hand_off,
)
from backend.domain.lifecycle import Priority
from backend.domain.presence import online_since
from backend.domain.refusal import Refused
from backend.domain.round_robin import AgentLoad, next_agent
from backend.schemas import InvalidField
from backend.services.cases import RUNNING_STATUSES
from backend.services.conversations import ConversationNotFound
from backend.services.handling import assign

PUSHED = "pushed"  # marks a bot message sent outside an answer (kept for the REST pull)
PAGE_SIZE = 200
ROUND_ROBIN_ACTOR = "round-robin"
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
    round_robin: bool = False,
) -> HandoffOutcome:
    """Queue the chat for an agent (an emergency only while open); the bot stops answering.

    With `round_robin`, a chat that starts waiting goes at once to the online agent whose
    turn it is (fewest chats held, then the longest since the last one); none online: it waits.
    """
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
    given_to: Agent | None = None
    if handed_off:
        if await handoff_repository.open_handoff(session, conversation_id) is None:
            handoff = Handoff(conversation_id=conversation_id, reason=parsed, requested_at=now)
            session.add(handoff)
            if round_robin:
                given_to = await _round_robin(session, handoff, now)
        conversation.handled_by = "agent"
        conversation.updated_at = now
    await session.commit()
    if given_to is not None:
        await _name_officer(
            session, conversation_id, given_to.name, actor=ROUND_ROBIN_ACTOR, now=now
        )
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


QUEUE_TABS = ("mine", "unassigned", "all", "bot")
QUEUE_PAGE_SIZE = 50
QUEUE_CHAT_LIMIT = 100  # waiting and held chats shown above the cases, most urgent first
BOT_CHAT_HOURS = 24  # the "with the bot" tab lists chats active within this many hours


@dataclass(frozen=True)
class QueueView:
    """What an agent asks of the queue: a tab and a page (1-based)."""

    tab: str = "all"
    page: int = 1

    @classmethod
    def of(cls, tab: object, page: object) -> QueueView:
        """The view named by request arguments; unknown or bad values fall back to the defaults."""
        chosen = tab if isinstance(tab, str) and tab in QUEUE_TABS else "all"
        try:
            number = max(1, min(int(str(page)), 100_000))
        except ValueError:
            number = 1
        return cls(chosen, number)


@dataclass(frozen=True)
class QueuePage:
    """One page of the queue as an agent sees it, with the counts the tabs and title show."""

    view: QueueView
    chats: list[QueueEntry]
    cases: list[QueueEntry]
    bot_chats: list[QueueEntry]
    has_next: bool
    counts: dict[str, int]
    waiting: int  # chats waiting for an agent, nobody holding them yet
    online: list[str]

    @property
    def entries(self) -> list[QueueEntry]:
        """Everything on the page, in the order shown."""
        return [*self.chats, *self.cases, *self.bot_chats]


async def queue(
    session: AsyncSession,
    agent: Agent,
    view: QueueView | None = None,
    *,
    now: datetime | None = None,
) -> QueuePage:
    """A page of the queue: chats waiting or held, then running cases, most urgent first.

    Ordered (priority rank, then the due time: a chat is due since it asked) and paged in SQL,
    so a new emergency shows first however many older cases run.
    """
    view = view or QueueView()
    now = now or datetime.now(UTC)
    offset = (view.page - 1) * QUEUE_PAGE_SIZE
    chats: list[QueueEntry] = []
    cases: list[QueueEntry] = []
    bot_chats: list[QueueEntry] = []
    if view.tab == "bot":
        rows = await queue_repository.bot_chats(
            session,
            active_since=now - timedelta(hours=BOT_CHAT_HOURS),
            agent_id=agent.id,
            limit=QUEUE_PAGE_SIZE + 1,
            offset=offset,
        )
        bot_chats = [_bot_chat_entry(row) for row in rows[:QUEUE_PAGE_SIZE]]
        has_next = len(rows) > QUEUE_PAGE_SIZE
    else:
        if view.page == 1:
            chat_rows = await queue_repository.chats(
                session, holder=view.tab, agent_id=agent.id, limit=QUEUE_CHAT_LIMIT
            )
            chats = [_chat_entry(row) for row in chat_rows]
        records = await queue_repository.running_cases(
            session,
            holder=view.tab,
            officer=agent.name,
            limit=QUEUE_PAGE_SIZE + 1,
            offset=offset,
        )
        cases = [_case_entry(case) for case in records[:QUEUE_PAGE_SIZE]]
        has_next = len(records) > QUEUE_PAGE_SIZE
    page = QueuePage(
        view=view,
        chats=chats,
        cases=cases,
        bot_chats=bot_chats,
        has_next=has_next,
        counts=await _tab_counts(session, agent, now),
        waiting=await queue_repository.count_chats(session, holder="unassigned", agent_id=agent.id),
        online=[name for name, _ in await _online(session, now)],
    )
    await session.commit()
    return page


async def _tab_counts(session: AsyncSession, agent: Agent, now: datetime) -> dict[str, int]:
    counts = {}
    for tab in ("mine", "unassigned", "all"):
        chats = await queue_repository.count_chats(session, holder=tab, agent_id=agent.id)
        cases = await queue_repository.count_running_cases(session, holder=tab, officer=agent.name)
        counts[tab] = chats + cases
    since = now - timedelta(hours=BOT_CHAT_HOURS)
    counts["bot"] = await queue_repository.count_bot_chats(session, active_since=since)
    return counts


def _title(full_name: str | None, channel: str, conversation_id: str) -> tuple[str, bool]:
    """The customer's name once known, else the channel and a masked id (the page words it)."""
    if full_name:
        return full_name, True
    return masked_id(conversation_id), False


def _chat_entry(row: queue_repository.ChatRow) -> QueueEntry:
    title, known = _title(row.full_name, row.channel, row.conversation_id)
    return QueueEntry(
        kind="chat",
        priority=priority_of_rank(row.rank),
        due_at=row.requested_at,
        title=title,
        channel=row.channel,
        state="held" if row.agent_id else "waiting",
        agent=row.agent_name,
        conversation_id=row.conversation_id,
        register_number=row.register_number,
        unread=row.unread,
        name_known=known,
    )


def _bot_chat_entry(row: queue_repository.BotChatRow) -> QueueEntry:
    title, known = _title(row.full_name, row.channel, row.conversation_id)
    return QueueEntry(
        kind="bot",
        priority=Priority.LOW,
        due_at=row.updated_at,
        title=title,
        channel=row.channel,
        state="bot",
        conversation_id=row.conversation_id,
        register_number=row.register_number,
        unread=row.unread,
        name_known=known,
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


async def _online(session: AsyncSession, now: datetime) -> list[tuple[str, int]]:
    found = await queue_repository.online_agents(session, online_since(now))
    return [(agent.name, agent.id) for agent, _ in found]


async def heartbeat(session: AsyncSession, agent: Agent, *, now: datetime | None = None) -> None:
    """The agent's console is open: they count as online for a while."""
    await queue_repository.seen(session, agent.id, now or datetime.now(UTC))
    await session.commit()


async def mark_read(
    session: AsyncSession,
    agent: Agent,
    conversation_id: str,
    *,
    up_to: int | None = None,
    now: datetime | None = None,
) -> None:
    """The agent has seen the chat up to message `up_to` (default: its latest message)."""
    if up_to is None:
        up_to = await queue_repository.last_message_id(session, conversation_id)
    now = now or datetime.now(UTC)
    await queue_repository.mark_read(session, agent.id, conversation_id, up_to, now)
    await session.commit()


async def _round_robin(session: AsyncSession, handoff: Handoff, now: datetime) -> Agent | None:
    """The online agent whose turn it is to take this newly waiting chat (none online: None)."""
    online = await queue_repository.online_agents(session, online_since(now))
    held = await queue_repository.held_chat_counts(session, [agent.id for agent, _ in online])
    loads = [AgentLoad(agent.id, held.get(agent.id, 0), last) for agent, last in online]
    chosen = next_agent(loads)
    if chosen is None:
        return None
    agent = next(agent for agent, _ in online if agent.id == chosen)
    handoff.agent_id = agent.id
    handoff.taken_at = now
    await queue_repository.note_assignment(session, agent.id, now)
    return agent


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
