"""The agent's side of a chat: take over, reply, hand back; the transcript is written first."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from backend import services
from backend.db.engine import Database
from backend.db.tables import Agent
from backend.domain.handling import written_text
from backend.services import handoff as handoffs
from backend.services.handoff import PUSHED, HandoffRefused
from bot.masking import mask_digits
from bot.outbound import Answer, ChannelSenders, DeliveryFailed, UnknownChannel
from bot.rasa_client import RasaClient, RasaUnavailable

log = logging.getLogger(__name__)

# The intent the bot hears when an agent hands the chat back: the live chat is over, so the
# bot closes it as after a farewell, asking for the rating (data/rules/conversation.yml).
HANDED_BACK_INTENT = "goodbye"
REPLY_MAX_CHARS = 4000


class AssistantUnavailable(RuntimeError):
    """The bot could not be woken up; the agent keeps the chat and may try again."""


class LiveChat:
    """Moves a chat between the bot and the agents and carries the agents' words to the user."""

    def __init__(
        self,
        db: Database,
        rasa: RasaClient,
        senders: ChannelSenders,
        clock: Callable[[], datetime],
    ) -> None:
        self._db = db
        self._rasa = rasa
        self._senders = senders
        self._clock = clock

    async def take_over(self, conversation_id: str, agent: Agent) -> None:
        """The agent holds the chat; the bot's conversation is paused."""
        async with self._db.session() as session:
            from_bot = await handoffs.take_over(session, conversation_id, agent, now=self._clock())
        if from_bot:
            await self._pause(conversation_id)

    async def assign(self, conversation_id: str, agent_id: int, actor: Agent) -> None:
        """Another agent holds the chat from now on."""
        async with self._db.session() as session:
            from_bot = await handoffs.assign_chat(
                session, conversation_id, agent_id, actor=actor, now=self._clock()
            )
        if from_bot:
            await self._pause(conversation_id)

    async def reply(self, conversation_id: str, agent: Agent, text: object) -> bool:
        """Send the agent's message; True if it was pushed now (REST users fetch it instead)."""
        message = written_text(text, "text", REPLY_MAX_CHARS)
        async with self._db.session() as session:
            handoff = await handoffs.current_handoff(session, conversation_id)
        if handoff is None or handoff.agent_id != agent.id:
            raise HandoffRefused("take the chat over before replying")
        answer = {"recipient_id": conversation_id, "text": message}
        return await self.deliver(conversation_id, [answer], sender="agent", by=agent)

    async def hand_back(self, conversation_id: str, agent: Agent) -> None:
        """The bot answers again and asks the user to rate the chat, on the user's channel."""
        async with self._db.session() as session:
            await handoffs.check_may_hand_back(session, conversation_id, agent)
        try:
            await self._rasa.resume(conversation_id)
        except RasaUnavailable as exc:
            raise AssistantUnavailable(str(exc)) from exc
        async with self._db.session() as session:
            await handoffs.hand_back(session, conversation_id, actor=agent, now=self._clock())
        try:
            answers = await self._rasa.trigger_intent(conversation_id, HANDED_BACK_INTENT)
        except RasaUnavailable as exc:
            log.warning(
                "no rating asked after the handoff of %s: %s", self._who(conversation_id), exc
            )
            return
        await self.deliver(conversation_id, answers, sender="bot")

    async def deliver(
        self,
        conversation_id: str,
        answers: Sequence[Answer],
        *,
        sender: str,
        by: Agent | None = None,
    ) -> bool:
        """Record the messages, then push them on the chat's channel if it can be pushed to."""
        if not answers:
            return False
        async with self._db.session() as session:
            conversation = await services.get_conversation(session, conversation_id)
            if conversation is None:
                raise services.ConversationNotFound(conversation_id)
            channel = conversation.channel
            for answer in answers:
                payload: dict[str, Any] = {**answer, PUSHED: True}
                if by is not None:
                    payload.update(agent=by.username, agent_name=by.name)
                await services.record_message(
                    session,
                    conversation_id,
                    channel,
                    sender,
                    answer.get("text") or "",
                    payload=payload,
                    now=self._clock(),
                )
        try:
            await self._senders.send(channel, conversation_id, answers)
        except UnknownChannel:
            return False  # REST: the user's client fetches it from the pull endpoint
        except DeliveryFailed as exc:
            log.warning("%s not pushed now: %s", self._who(conversation_id), exc)
            return False
        return True

    async def _pause(self, conversation_id: str) -> None:
        try:
            await self._rasa.pause(conversation_id)
        except RasaUnavailable as exc:
            # The gateway stops routing to the bot anyway; the pause only keeps Rasa in step.
            log.warning("could not pause the bot for %s: %s", self._who(conversation_id), exc)

    @staticmethod
    def _who(conversation_id: str) -> str:
        return mask_digits(conversation_id)
