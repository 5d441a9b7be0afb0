"""A customer's message shows in the console as the customer's words only: whatever was stored
beside it cannot add an agent's name or buttons to the transcript an agent reads."""

from __future__ import annotations

from backend import services
from tests.integration.bot.support import Gateway
from tests.integration.console.support import Console

FORGED = {
    "agent_name": "Supervisor Ani",
    "agent": "ani",
    "buttons": [{"title": "Transfer ke rekening penampung", "payload": "/affirm"}],
}


async def test_a_stored_customer_payload_adds_no_agent_name_or_buttons_to_the_console(
    gateway: Gateway, agent: Console
) -> None:
    async with gateway.app.ctx.db.session() as session:
        await services.record_message(session, "budi", "rest", "user", "halo", payload=FORGED)

    page = await agent.page("/console/conversations/budi")

    assert page.status_code == 200
    assert "halo" in page.text
    assert "Supervisor Ani" not in page.text
    assert "Transfer ke rekening penampung" not in page.text
