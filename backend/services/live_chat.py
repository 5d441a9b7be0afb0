"""The agent's side of a chat: take over, assign, reply, hand back; the transcript is written first.

The bot is reached through the `Assistant` port (`backend/services/ports.py`); messages to the
user are recorded with outbox entries and sent by the outbox dispatcher (`outbox.py`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Protocol

from backend.db.tables import Agent
from backend.domain.handling import written_text
from backend.domain.personal_data import mask_digits
from backend.services import drafts
from backend.services import handoff as handoffs
from backend.services.conversations import ConversationNotFound, get_conversation
from backend.services.handoff import PUSHED, HandoffRefused
from backend.services.outbox import PUSH_CHANNELS, record_outgoing
from backend.services.ports import Answer, Assistant, AssistantUnavailable
from backend.services.presence import AGENT_JOINED, AGENT_LEFT, presence_note
from backend.services.unit_of_work import Sessions

__all__ = [
    "HANDED_BACK_INTENT",
    "REPLY_MAX_CHARS",
    "RESUMED_FORM",
    "AssistantUnavailable",
    "LiveChat",
]

log = logging.getLogger(__name__)

# The intent the bot hears when an agent hands the chat back: the live chat is over, so the
# bot closes it as after a farewell, asking for the rating (data/rules/conversation.yml).
HANDED_BACK_INTENT = "goodbye"
# A complaint half-finished at the handoff and not registered by the agent: the bot takes its
# form up again from the next missing question (issue 15; backend/services/drafts.py).
RESUMED_FORM = "intake_form"
# The intake's slots (actions/forms.py INTAKE_SLOTS): emptied once an agent registered the
# draft, so a later complaint in the same chat starts afresh.
INTAKE_SLOTS = (
    "complainant_type",
    "user_role",
    "description",
    "category",
    "incident_date",
    "loss_amount",
    "priority",
    "full_name",
    "contact",
    "confirmed",
    "complaint_type",
    "intake_submission_key",
    "pending_question",
    "correcting",
    "invalid_answers",
)
REPLY_MAX_CHARS = 4000


class Pushes(Protocol):
    """Sends a conversation's outbox now (the outbox dispatcher)."""

    def kick(self, conversation_id: str) -> None: ...


class LiveChat:
    """Moves a chat between the bot and the agents and carries the agents' words to the user.

    `hand_back` raises AssistantUnavailable when the bot cannot be woken up: the agent keeps
    the chat and may try again.
    """

    def __init__(
        self,
        sessions: Sessions,
        assistant: Assistant,
        pushes: Pushes,
        clock: Callable[[], datetime],
    ) -> None:
        self._sessions = sessions
        self._assistant = assistant
        self._pushes = pushes
        self._clock = clock

    async def take_over(self, conversation_id: str, agent: Agent) -> None:
        """The agent holds the chat; the bot's conversation is paused; the customer is told."""
        before = await self._holder(conversation_id)
        async with self._sessions.session() as session:
            from_bot = await handoffs.take_over(session, conversation_id, agent, now=self._clock())
        if from_bot:
            await self._pause(conversation_id)
        if before != agent.id:
            await self._note(conversation_id, AGENT_JOINED, agent.name)

    async def assign(self, conversation_id: str, agent_id: int, actor: Agent) -> None:
        """Another agent holds the chat from now on; the customer is told who."""
        before = await self._holder(conversation_id)
        async with self._sessions.session() as session:
            from_bot = await handoffs.assign_chat(
                session, conversation_id, agent_id, actor=actor, now=self._clock()
            )
            holder = await handoffs.current_agent(session, conversation_id)
        if from_bot:
            await self._pause(conversation_id)
        if holder is not None and before != holder.id:
            await self._note(conversation_id, AGENT_JOINED, holder.name)

    async def reply(self, conversation_id: str, agent: Agent, text: object) -> bool:
        """Send the agent's message; True if it was pushed now (REST users fetch it instead)."""
        message = written_text(text, "text", REPLY_MAX_CHARS)
        async with self._sessions.session() as session:
            handoff = await handoffs.current_handoff(session, conversation_id)
        if handoff is None or handoff.agent_id != agent.id:
            raise HandoffRefused("take the chat over before replying")
        answer = {"recipient_id": conversation_id, "text": message}
        return await self.deliver(conversation_id, [answer], sender="agent", by=agent)

    async def hand_back(self, conversation_id: str, agent: Agent) -> None:
        """The bot answers again and asks the user to rate the chat, on the user's channel."""
        async with self._sessions.session() as session:
            await handoffs.check_may_hand_back(session, conversation_id, agent)
            holder = await handoffs.current_agent(session, conversation_id)
        await self._assistant.resume(conversation_id)
        async with self._sessions.session() as session:
            conversation = await handoffs.hand_back(
                session, conversation_id, actor=agent, now=self._clock()
            )
            language = conversation.language
            resumes = await drafts.close_for_the_bot(session, conversation_id, self._clock())
        if holder is not None:
            await self._note(conversation_id, AGENT_LEFT, holder.name)
        try:
            if resumes:
                answers = [
                    {"recipient_id": conversation_id, "text": drafts.resumed_notice(language)},
                    *await self._assistant.resume_form(conversation_id, RESUMED_FORM),
                ]
            else:
                answers = await self._assistant.trigger_intent(conversation_id, HANDED_BACK_INTENT)
        except AssistantUnavailable as exc:
            log.warning(
                "the bot said nothing after the handoff of %s: %s", self._who(conversation_id), exc
            )
            return
        await self.deliver(conversation_id, answers, sender="bot")

    async def forget_intake(self, conversation_id: str) -> None:
        """The bot forgets the intake's answers (an agent registered them as a case)."""
        try:
            await self._assistant.forget_slots(conversation_id, INTAKE_SLOTS)
        except AssistantUnavailable as exc:
            log.warning(
                "the bot keeps the registered answers of %s: %s", self._who(conversation_id), exc
            )

    async def deliver(
        self,
        conversation_id: str,
        answers: Sequence[Answer],
        *,
        sender: str,
        by: Agent | None = None,
    ) -> bool:
        """Record the messages with their outbox entries, then have them sent.

        True when the channel pushes them (its outbox sends them, retrying until they go
        out); False for REST, whose users fetch them from the pull endpoint.
        """
        if not answers:
            return False
        now = self._clock()
        async with self._sessions.session() as session:
            conversation = await get_conversation(session, conversation_id)
            if conversation is None:
                raise ConversationNotFound(conversation_id)
            extra: dict[str, Any] = {PUSHED: True}
            if by is not None:
                extra.update(agent=by.username, agent_name=by.name)
            for answer in answers:
                await record_outgoing(
                    session,
                    conversation_id,
                    conversation.channel,
                    sender,
                    answer,
                    now=now,
                    extra=extra,
                )
            pushed = conversation.channel in PUSH_CHANNELS
            await session.commit()
        if pushed:
            self._pushes.kick(conversation_id)
        return pushed

    async def _holder(self, conversation_id: str) -> int | None:
        async with self._sessions.session() as session:
            handoff = await handoffs.current_handoff(session, conversation_id)
        return handoff.agent_id if handoff is not None else None

    async def _note(self, conversation_id: str, notice: str, agent_name: str) -> None:
        """Tell the customer, in their language, that an agent joined or left (the bot's note)."""
        async with self._sessions.session() as session:
            conversation = await get_conversation(session, conversation_id)
            language = conversation.language if conversation is not None else None
        note = {"recipient_id": conversation_id, **presence_note(notice, language, agent_name)}
        await self.deliver(conversation_id, [note], sender="bot")

    async def _pause(self, conversation_id: str) -> None:
        try:
            await self._assistant.pause(conversation_id)
        except AssistantUnavailable as exc:
            # The gateway stops routing to the bot anyway; the pause only keeps Rasa in step.
            log.warning("could not pause the bot for %s: %s", self._who(conversation_id), exc)

    @staticmethod
    def _who(conversation_id: str) -> str:
        return mask_digits(conversation_id)
