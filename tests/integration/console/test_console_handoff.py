"""A chat handed to an agent: the queue, routing around the bot, replies, and the hand-back."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from backend import services
from backend.services.chat_events import chat_topic
from tests.fakes.eventually import eventually
from tests.fakes.gateway import FakeSender
from tests.fakes.rasa_api import RATING_REQUEST, FakeRasaApi
from tests.integration.bot.support import Gateway
from tests.integration.console.support import Console, add_agent

OPEN = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)  # Tuesday 10:00 WIB
CLOSED = datetime(2026, 11, 21, 3, 0, tzinfo=UTC)  # Saturday 10:00 WIB

JOINED = "Rina Wulandari dari tim layanan pengaduan telah bergabung dalam percakapan."
LEFT = "Rina Wulandari telah meninggalkan percakapan. Asisten kami melanjutkan dari sini."


def api_headers(gateway: Gateway) -> dict[str, str]:
    return {"Authorization": f"Bearer {gateway.app.ctx.settings.app_api_token}"}


async def say(gateway: Gateway, sender: str, message: str) -> list[dict[str, Any]]:
    answer = await gateway.client.post(
        "/webhooks/rest/webhook", json={"sender": sender, "message": message}
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


async def hand_off(gateway: Gateway, sender: str, reason: str = "requested") -> dict[str, Any]:
    answer = await gateway.client.post(
        f"/api/conversations/{sender}/handoff",
        json={"reason": reason},
        headers=api_headers(gateway),
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


async def pull(gateway: Gateway, sender: str, after: int = 0) -> list[dict[str, Any]]:
    """The REST pull, server to server (with the API token)."""
    answer = await gateway.client.get(
        f"/webhooks/rest/messages/{sender}", params={"after": after}, headers=api_headers(gateway)
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


async def test_a_requested_handoff_stops_the_bot_and_waits_in_the_queue(
    gateway: Gateway, agent: Console
) -> None:
    await say(gateway, "budi", "halo")

    handed = await hand_off(gateway, "budi")
    queue = (await agent.client.get("/console/queue.json")).json()["items"]

    assert handed["handed_off"] is True
    assert handed["conversation"]["handled_by"] == "agent"
    assert [(i["kind"], i["conversation_id"], i["state"]) for i in queue] == [
        ("chat", "budi", "waiting")
    ]


async def test_an_emergency_goes_to_an_agent_only_during_operating_hours(gateway: Gateway) -> None:
    gateway.app.ctx.clock = lambda: CLOSED
    closed = await hand_off(gateway, "night", "emergency")
    gateway.app.ctx.clock = lambda: OPEN
    opened = await hand_off(gateway, "day", "emergency")

    assert (closed["handed_off"], closed["open"]) == (False, False)
    assert closed["next_opening"] == "2026-11-23T09:00:00+07:00"
    assert closed["conversation"]["handled_by"] == "bot"
    assert (opened["handed_off"], opened["open"]) == (True, True)


async def test_a_request_outside_hours_still_joins_the_queue_and_says_when_agents_work(
    gateway: Gateway,
) -> None:
    gateway.app.ctx.clock = lambda: CLOSED

    handed = await hand_off(gateway, "weekend")

    assert handed["handed_off"] is True
    assert handed["next_opening"] == "2026-11-23T09:00:00+07:00"


async def test_an_unknown_reason_is_refused(gateway: Gateway) -> None:
    answer = await gateway.client.post(
        "/api/conversations/x/handoff", json={"reason": "bored"}, headers=api_headers(gateway)
    )

    assert answer.status_code == 422
    assert answer.json()["field"] == "reason"


async def test_while_an_agent_holds_the_chat_messages_skip_the_bot_but_reach_both_transcripts(
    gateway: Gateway, fake_rasa: FakeRasaApi
) -> None:
    await say(gateway, "budi", "halo")
    await hand_off(gateway, "budi")

    answers = await say(gateway, "budi", "saya mau bicara langsung")

    assert answers == []
    assert [m["message"] for m in fake_rasa.messages] == ["halo"]
    [event] = fake_rasa.events["budi"]
    assert event["event"] == "user" and event["text"] == "saya mau bicara langsung"
    assert event["parse_data"]["intent"]["name"] == "inform"
    async with gateway.app.ctx.db.session() as session:
        from backend.services.handoff import transcript

        lines = [(m.sender, m.text) for m in await transcript(session, "budi")]
    assert lines[-1] == ("user", "saya mau bicara langsung")


async def test_a_user_message_is_kept_even_when_the_paused_bot_is_down(
    gateway: Gateway, fake_rasa: FakeRasaApi
) -> None:
    await hand_off(gateway, "budi")
    fake_rasa.fail("parse", 500)

    answers = await say(gateway, "budi", "masih di sana?")

    assert answers == []
    assert fake_rasa.named("parse") and "budi" not in fake_rasa.events
    async with gateway.app.ctx.db.session() as session:
        from backend.services.handoff import transcript

        assert [m.text for m in await transcript(session, "budi")] == ["masih di sana?"]


async def test_taking_over_pauses_the_bot_and_lets_the_agent_reply_to_a_rest_user(
    gateway: Gateway, agent: Console, fake_rasa: FakeRasaApi
) -> None:
    await say(gateway, "budi", "halo")

    taken = await agent.form("/console/conversations/budi/take-over")
    reply = await agent.client.post(
        "/console/conversations/budi/reply",
        json={"text": "Halo Budi, saya Rina."},
        headers={"X-CSRF-Token": agent.csrf},
    )
    pulled = await pull(gateway, "budi")

    assert taken.status_code == 303
    assert fake_rasa.event_names("budi") == ["active_loop", "slot", "pause"]
    assert reply.status_code == 200 and reply.json() == {"ok": True, "pushed": False}
    assert [(m["from"], m["text"], m["recipient_id"]) for m in pulled] == [
        ("bot", JOINED, "budi"),
        ("agent", "Halo Budi, saya Rina.", "budi"),
    ]
    assert await pull(gateway, "budi", after=pulled[-1]["id"]) == []


async def test_the_pull_endpoint_leaves_out_the_answers_the_user_already_got(
    gateway: Gateway,
) -> None:
    await say(gateway, "budi", "halo")

    assert await pull(gateway, "budi") == []


async def test_the_pull_endpoint_refuses_a_bad_after(gateway: Gateway) -> None:
    answer = await gateway.client.get(
        "/webhooks/rest/messages/budi", params={"after": "x"}, headers=api_headers(gateway)
    )

    assert answer.status_code == 422


async def test_only_the_agent_holding_the_chat_replies(gateway: Gateway, agent: Console) -> None:
    await hand_off(gateway, "budi")

    answer = await agent.client.post(
        "/console/conversations/budi/reply",
        json={"text": "Halo"},
        headers={"X-CSRF-Token": agent.csrf},
    )

    assert answer.status_code == 409


async def test_an_empty_reply_is_refused(gateway: Gateway, agent: Console) -> None:
    await say(gateway, "budi", "halo")
    await agent.form("/console/conversations/budi/take-over")

    answer = await agent.client.post(
        "/console/conversations/budi/reply",
        json={"text": "  "},
        headers={"X-CSRF-Token": agent.csrf},
    )

    assert answer.status_code == 422


async def test_handing_back_resumes_the_bot_which_asks_the_rest_user_for_a_rating(
    gateway: Gateway, agent: Console, fake_rasa: FakeRasaApi
) -> None:
    await say(gateway, "budi", "halo")
    await hand_off(gateway, "budi")
    await agent.form("/console/conversations/budi/take-over")

    back = await agent.form("/console/conversations/budi/hand-back")
    pulled = await pull(gateway, "budi")
    answers = await say(gateway, "budi", "5")
    conversation = await gateway.client.get("/api/conversations/budi", headers=api_headers(gateway))

    assert back.status_code == 303
    assert fake_rasa.event_names("budi") == ["resume", "action"]
    assert fake_rasa.triggered == [("budi", "goodbye")]
    assert [(m["from"], m["text"]) for m in pulled] == [
        ("bot", JOINED),
        ("bot", LEFT),
        ("bot", RATING_REQUEST["text"]),
    ]
    assert [b["title"] for b in pulled[-1]["buttons"]] == ["1", "2", "3", "4", "5"]
    assert answers == [{"recipient_id": "budi", "text": "echo: 5"}]
    assert conversation.json()["handled_by"] == "bot"


async def test_handing_back_while_the_bot_is_down_keeps_the_chat_with_the_agent(
    gateway: Gateway, agent: Console, fake_rasa: FakeRasaApi
) -> None:
    await say(gateway, "budi", "halo")
    await agent.form("/console/conversations/budi/take-over")
    fake_rasa.fail("events", 500)

    back = await agent.form("/console/conversations/budi/hand-back")
    conversation = await gateway.client.get("/api/conversations/budi", headers=api_headers(gateway))

    assert back.status_code == 503
    assert conversation.json()["handled_by"] == "agent"


async def test_a_telegram_user_gets_the_agent_s_reply_through_the_channel(
    gateway: Gateway, agent: Console
) -> None:
    telegram = FakeSender("telegram")
    gateway.app.ctx.senders.register(telegram)
    async with gateway.app.ctx.db.session() as session:
        await services.record_message(session, "4242", "telegram", "user", "halo")
    await agent.form("/console/conversations/4242/take-over")

    reply = await agent.client.post(
        "/console/conversations/4242/reply",
        json={"text": "Halo dari CS"},
        headers={"X-CSRF-Token": agent.csrf},
    )

    assert reply.json() == {"ok": True, "pushed": True}
    sent = await eventually(lambda: telegram.sent if len(telegram.sent) == 2 else None)
    assert [(c, a["text"], a["sender"]) for c, [a] in sent] == [
        ("4242", JOINED, "bot"),
        ("4242", "Halo dari CS", "agent"),
    ]


async def test_taking_over_names_the_agent_as_officer_of_the_chat_s_open_cases(
    gateway: Gateway, agent: Console
) -> None:
    from tests.integration.console.test_console_security import open_case

    await say(gateway, "budi", "halo")
    number = await open_case(gateway, conversation_id="budi", channel="rest")

    await agent.form("/console/conversations/budi/take-over")
    case = await gateway.client.get(f"/api/cases/{number}", headers=api_headers(gateway))

    assert case.json()["officer"] == "Rina Wulandari"


async def test_a_chat_can_be_assigned_to_another_agent_who_may_then_reply(
    gateway: Gateway, agent: Console
) -> None:
    other = await add_agent(gateway, "dewi", "Dewi Lestari", "agent")
    await hand_off(gateway, "budi")

    assigned = await agent.form("/console/conversations/budi/assign", {"agent_id": str(other)})
    queue = (await agent.client.get("/console/queue.json")).json()["items"]
    refused = await agent.client.post(
        "/console/conversations/budi/reply",
        json={"text": "x"},
        headers={"X-CSRF-Token": agent.csrf},
    )
    take = await agent.form("/console/conversations/budi/take-over")

    assert assigned.status_code == 303
    assert (queue[0]["state"], queue[0]["agent"]) == ("held", "Dewi Lestari")
    assert refused.status_code == 409
    assert take.status_code == 409  # held by Dewi: only a supervisor may take it from her


async def test_the_chat_stream_says_when_the_customer_types(
    gateway: Gateway, agent: Console
) -> None:
    await say(gateway, "budi", "halo")

    async with agent.client.stream("GET", "/console/conversations/budi/stream") as stream:
        lines = stream.aiter_lines()
        await named_event(lines, "messages")
        await gateway.app.ctx.bus.publish(chat_topic("budi"), {"type": "typing", "who": "user"})
        typing = await named_event(lines, "typing")

    assert typing == {"who": "user"}


async def test_the_agent_holding_the_chat_signals_typing_to_the_customer(
    gateway: Gateway, agent: Console
) -> None:
    await say(gateway, "budi", "halo")
    subscription = gateway.app.ctx.bus.subscribe(chat_topic("budi"))
    refused = await agent.client.post(
        "/console/conversations/budi/typing", headers={"X-CSRF-Token": agent.csrf}
    )
    await agent.form("/console/conversations/budi/take-over")

    signalled = await agent.client.post(
        "/console/conversations/budi/typing", headers={"X-CSRF-Token": agent.csrf}
    )

    events = []
    while (event := await subscription.next(timeout=1.0)) is not None:
        events.append(event)
    subscription.close()
    assert refused.status_code == 409 and signalled.status_code == 200
    assert {"type": "typing", "who": "agent", "agent_name": "Rina Wulandari"} in events


async def named_event(lines: Any, name: str) -> Any:
    """The data of the next event called `name` of a server-sent event stream."""
    current = None
    async for line in lines:
        if line.startswith("event: "):
            current = line.removeprefix("event: ")
        elif line.startswith("data: ") and current == name:
            return json.loads(line.removeprefix("data: "))
    raise AssertionError("the stream ended")
