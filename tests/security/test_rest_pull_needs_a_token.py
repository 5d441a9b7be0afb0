"""The REST pull of agent messages needs the sender's token (handed out with the first answer)
or the API token: knowing a sender id no longer reads the agent's replies to that customer."""

from __future__ import annotations

import pytest

from backend import services
from backend.db.engine import Database
from tests.integration.bot.support import Gateway

TOKEN_HEADER = "X-Conversation-Token"


async def open_chat(gateway: Gateway, sender: str) -> str:
    """Say hello over REST; the pull token of the answer that opened the chat."""
    answer = await gateway.client.post(
        "/webhooks/rest/webhook", json={"sender": sender, "message": "halo"}
    )
    assert answer.status_code == 200, answer.text
    return answer.headers.get(TOKEN_HEADER, "")


async def agent_says(db: Database, sender: str, text: str) -> None:
    async with db.session() as session:
        await services.record_message(
            session, sender, "rest", "agent", text, payload={"text": text, "agent_name": "Rina"}
        )


async def test_pulling_without_a_token_is_unauthorized(gateway: Gateway, db: Database) -> None:
    await open_chat(gateway, "budi")
    await agent_says(db, "budi", "Nomor rekening Anda 1234567890")

    answer = await gateway.client.get("/webhooks/rest/messages/budi")

    assert answer.status_code == 401
    assert answer.json()["field"] == "Authorization"
    assert "1234567890" not in answer.text


@pytest.mark.parametrize(
    "authorization", ["Bearer " + "x" * 43, "Basic YnVkaTpidWRp", "Bearer <mallory's token>"]
)
async def test_a_wrong_token_or_another_senders_token_is_unauthorized(
    gateway: Gateway, db: Database, authorization: str
) -> None:
    await open_chat(gateway, "budi")
    mallorys = await open_chat(gateway, "mallory")
    await agent_says(db, "budi", "Halo Budi")

    answer = await gateway.client.get(
        "/webhooks/rest/messages/budi",
        headers={"Authorization": authorization.replace("<mallory's token>", mallorys)},
    )

    assert answer.status_code == 401


async def test_the_token_of_the_first_answer_pulls_the_agents_messages(
    gateway: Gateway, db: Database
) -> None:
    token = await open_chat(gateway, "budi")
    await agent_says(db, "budi", "Halo Budi, saya Rina dari CS")

    answer = await gateway.client.get(
        "/webhooks/rest/messages/budi", headers={"Authorization": f"Bearer {token}"}
    )

    assert answer.status_code == 200
    assert [(m["from"], m["text"]) for m in answer.json()] == [
        ("agent", "Halo Budi, saya Rina dari CS")
    ]


async def test_only_the_answer_that_opened_the_chat_hands_out_the_token(gateway: Gateway) -> None:
    first = await open_chat(gateway, "budi")
    again = await open_chat(gateway, "budi")

    assert first
    assert again == ""


async def test_the_api_token_pulls_server_to_server_where_no_token_is_refused(
    gateway: Gateway, db: Database
) -> None:
    await open_chat(gateway, "budi")
    await agent_says(db, "budi", "Halo Budi")
    api_token = gateway.app.ctx.settings.app_api_token

    anonymous = await gateway.client.get("/webhooks/rest/messages/budi")
    server = await gateway.client.get(
        "/webhooks/rest/messages/budi", headers={"Authorization": f"Bearer {api_token}"}
    )

    assert anonymous.status_code == 401
    assert server.status_code == 200
    assert [m["text"] for m in server.json()] == ["Halo Budi"]
