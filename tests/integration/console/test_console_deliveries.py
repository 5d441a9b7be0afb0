"""Messages the channels refused are listed for the agents, who can send a failed one again."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from backend import services
from backend.services import outbox
from backend.services.ports import Answer, DeliveryFailed
from tests.fakes.eventually import eventually
from tests.integration.bot.support import Gateway
from tests.integration.console.support import Console


class RefusingSender:
    """A Telegram sender whose platform answers 500 until `up` is set."""

    channel = "telegram"

    def __init__(self) -> None:
        self.up = False
        self.sent: list[tuple[str, list[Answer]]] = []

    async def send(self, conversation_id: str, answers: Sequence[Answer]) -> None:
        if not self.up:
            raise DeliveryFailed("Telegram answered 500")
        self.sent.append((conversation_id, list(answers)))


async def reply_to_telegram_user(gateway: Gateway, agent: Console) -> None:
    async with gateway.app.ctx.db.session() as session:
        await services.record_message(session, "4242", "telegram", "user", "halo")
    await agent.form("/console/conversations/4242/take-over")
    reply = await agent.client.post(
        "/console/conversations/4242/reply",
        json={"text": "Halo dari CS"},
        headers={"X-CSRF-Token": agent.csrf},
    )
    assert reply.status_code == 200


async def test_a_message_being_retried_is_listed_with_its_error(
    gateway: Gateway, agent: Console
) -> None:
    gateway.app.ctx.senders.register(RefusingSender())

    await reply_to_telegram_user(gateway, agent)

    async def listed() -> str:
        shown = await agent.page("/console/deliveries")
        return shown.text if "Telegram answered 500" in shown.text else ""

    page = await eventually(listed)
    assert "4242" in page and "dicoba ulang" in page


async def test_a_failed_message_is_sent_again_from_the_console(
    gateway: Gateway, agent: Console
) -> None:
    sender = RefusingSender()
    gateway.app.ctx.senders.register(sender)
    await reply_to_telegram_user(gateway, agent)
    now = gateway.app.ctx.clock
    later = now() + timedelta(days=2)
    gateway.app.ctx.clock = lambda: later  # a day of retries has passed
    await gateway.app.ctx.pipeline.dispatcher.dispatch_due()
    gateway.app.ctx.clock = now
    async with gateway.app.ctx.db.session() as session:
        problems = await outbox.delivery_problems(session)
    # The note that the agent joined went first and was refused; the reply behind it was
    # refused too, or still waits its turn.
    assert problems and {p.state for p in problems} == {"failed"}

    sender.up = True
    # The agent sends them again oldest first (the console lists the newest first): each
    # retry may be delivered at once, before the next one is asked for.
    for problem in sorted(problems, key=lambda problem: problem.id):
        answer = await agent.form(f"/console/deliveries/{problem.id}/retry")
        assert answer.status_code == 303

    def texts() -> list[tuple[str, str]]:
        return [(chat, m["text"]) for chat, ms in sender.sent for m in ms]

    sent = await eventually(lambda: texts() if ("4242", "Halo dari CS") in texts() else [])
    joined = "Rina Wulandari dari tim layanan pengaduan telah bergabung dalam percakapan."
    assert sent == [("4242", joined), ("4242", "Halo dari CS")], "in order, each once"
