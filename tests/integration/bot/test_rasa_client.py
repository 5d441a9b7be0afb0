"""The gateway's Rasa client names the conversation of each call, for the cluster's balancer."""

from __future__ import annotations

from bot.rasa_client import CONVERSATION_HEADER, RasaClient
from tests.fakes.platforms import Call, FakeRasa


def conversation_of(call: Call) -> str | None:
    found = {name.lower(): value for name, value in call.headers.items()}
    return found.get(CONVERSATION_HEADER.lower())


CHAT = "web-abcdefghijklmnopqrstuv"


async def test_each_call_about_a_conversation_names_it_and_the_status_call_names_none() -> None:
    with FakeRasa() as rasa:
        client = RasaClient(rasa.url, "token")
        try:
            answers = await client.answer(CHAT, "halo", {"message_id": 7})
            given = await client.answers_given(CHAT, 7)
            await client.ping()
        finally:
            await client.aclose()

        assert answers == given == [{"recipient_id": CHAT, "text": "echo: halo"}]
        turn, tracker, status = rasa.calls
        assert [call.path.split("?")[0] for call in rasa.calls] == [
            "/webhooks/rest/webhook",
            f"/conversations/{CHAT}/tracker",
            "/status",
        ]
        assert conversation_of(turn) == conversation_of(tracker) == CHAT
        assert conversation_of(status) is None
