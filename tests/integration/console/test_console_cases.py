"""Case work in the console: actions told to the customer, registration, search, the live queue."""

from __future__ import annotations

import json
import re
from typing import Any

from tests.integration.bot.support import Gateway
from tests.integration.console.support import Console
from tests.integration.console.test_console_security import api_headers, open_case


async def chat_case(gateway: Gateway, sender: str = "budi", **fields: Any) -> str:
    """A REST chat with a case opened from it; the case's number."""
    await gateway.client.post("/webhooks/rest/webhook", json={"sender": sender, "message": "halo"})
    return await open_case(gateway, conversation_id=sender, channel="rest", **fields)


async def pulled(gateway: Gateway, sender: str) -> list[dict[str, Any]]:
    answer = await gateway.client.get(
        f"/webhooks/rest/messages/{sender}", headers=api_headers(gateway)
    )
    return answer.json()


async def case_of(gateway: Gateway, number: str) -> dict[str, Any]:
    return (await gateway.client.get(f"/api/cases/{number}", headers=api_headers(gateway))).json()


async def test_rejecting_with_a_ground_sends_the_written_reason_to_the_customer(
    gateway: Gateway, agent: Console
) -> None:
    number = await chat_case(gateway)

    answer = await agent.form(
        f"/console/cases/{number}/reject",
        {
            "ground": "unrelated_to_service",
            "reason": "Pinjaman tersebut bukan dari KreditPro.",
            "return_to": f"/console/cases/{number}",
        },
    )
    case = await case_of(gateway, number)
    [notice] = await pulled(gateway, "budi")

    assert answer.status_code == 303
    assert answer.headers["location"] == f"/console/cases/{number}?done=reject&sent=0"
    assert (case["status"], case["rejection_ground"]) == ("rejected", "unrelated_to_service")
    assert notice["from"] == "agent"
    assert number in notice["text"]
    assert "Pinjaman tersebut bukan dari KreditPro." in notice["text"]
    assert "tidak berkaitan dengan layanan" in notice["text"]


async def test_a_rejection_over_the_api_sends_the_customer_the_console_s_notice(
    gateway: Gateway,
) -> None:
    number = await chat_case(gateway)

    answer = await gateway.client.post(
        f"/api/cases/{number}/reject",
        json={
            "ground": "unrelated_to_service",
            "reason": "Pinjaman tersebut bukan dari KreditPro.",
            "actor": "rina",
        },
        headers=api_headers(gateway),
    )
    [notice] = await pulled(gateway, "budi")

    assert answer.status_code == 200
    assert answer.json()["status"] == "rejected"
    assert notice["from"] == "agent"
    assert number in notice["text"]
    assert "Pinjaman tersebut bukan dari KreditPro." in notice["text"]
    assert "tidak berkaitan dengan layanan" in notice["text"]


async def test_resolving_sends_the_written_response_and_records_the_agent(
    gateway: Gateway, agent: Console
) -> None:
    number = await chat_case(gateway)

    await agent.form(
        f"/console/cases/{number}/resolve", {"response": "Dana sudah kami kembalikan."}
    )
    case = await case_of(gateway, number)
    events = await gateway.client.get(f"/api/cases/{number}/events", headers=api_headers(gateway))
    [notice] = await pulled(gateway, "budi")

    assert case["status"] == "resolved"
    assert events.json()["items"][-1]["actor"] == "rina"
    assert "Dana sudah kami kembalikan." in notice["text"] and "LAPS" in notice["text"]


async def test_extending_sends_the_notice_with_the_new_deadline(
    gateway: Gateway, agent: Console
) -> None:
    number = await chat_case(gateway)

    answer = await agent.form(
        f"/console/cases/{number}/extend", {"notice": "Kami perlu memeriksa data mitra."}
    )
    case = await case_of(gateway, number)
    [notice] = await pulled(gateway, "budi")

    assert answer.status_code == 303
    assert case["extended_resolution_due_at"] is not None
    assert "Kami perlu memeriksa data mitra." in notice["text"] and "WIB" in notice["text"]


async def test_requesting_documents_tells_the_customer_what_and_by_when(
    gateway: Gateway, agent: Console
) -> None:
    number = await chat_case(gateway)

    await agent.form(f"/console/cases/{number}/request-documents", {"documents": "Salinan KTP"})
    [notice] = await pulled(gateway, "budi")

    assert (await case_of(gateway, number))["status"] == "waiting_documents"
    assert "Salinan KTP" in notice["text"] and "paling lambat" in notice["text"]


async def test_an_action_the_status_does_not_allow_is_shown_as_an_error(
    gateway: Gateway, agent: Console
) -> None:
    number = await open_case(gateway)
    await agent.form(f"/console/cases/{number}/resolve", {"response": "Selesai."})

    again = await agent.form(
        f"/console/cases/{number}/reject", {"ground": "already_resolved", "reason": "x"}
    )
    empty = await agent.form(f"/console/cases/{number}/transitions", {"status": "in_progress"})

    assert again.status_code == 409
    assert "Tidak diizinkan" in again.text
    assert empty.status_code == 409


async def test_a_case_without_a_chat_is_handled_without_a_notice(
    gateway: Gateway, agent: Console
) -> None:
    number = await open_case(gateway)

    answer = await agent.form(f"/console/cases/{number}/transitions", {"status": "in_progress"})
    page = await agent.page(answer.headers["location"])

    assert answer.headers["location"] == f"/console/cases/{number}?done=transitions"
    assert "Status kasus diubah." in page.text
    assert (await case_of(gateway, number))["status"] == "in_progress"


async def test_assigning_an_officer_records_the_agent_s_name(
    gateway: Gateway, agent: Console
) -> None:
    number = await open_case(gateway)
    page = await agent.page(f"/console/cases/{number}")
    select = page.text.split('<select name="officer"', 1)[1].split("</select>", 1)[0]
    officer = re.findall(r'<option value="([^"]+)"', select)[0]  # the first agent offered

    await agent.form(f"/console/cases/{number}/assign", {"officer": officer})

    assert (await case_of(gateway, number))["officer"] == "Rina Wulandari"


async def test_a_phone_complaint_is_registered_with_its_time_and_the_agent_as_officer(
    gateway: Gateway, agent: Console
) -> None:
    form = {
        "channel": "phone",
        "received_at": "2026-11-20T18:30",
        "complainant_type": "user",
        "user_role": "borrower",
        "complaint_type": "complaint",
        "category": "debt_collection",
        "priority": "high",
        "full_name": "Siti Rahayu",
        "phone": "0812-3456-7890",
        "description": "Penagih menelepon kantor saya berulang kali.",
        "idempotency_key": "form-1",
    }

    first = await agent.form("/console/register", form)
    retried = await agent.form("/console/register", form)
    number = first.headers["location"].split("/console/cases/")[1].split("?")[0]
    case = await case_of(gateway, number)

    assert first.status_code == 303 and retried.headers["location"] == first.headers["location"]
    assert case["received_at"] == "2026-11-20T18:30:00+07:00"
    assert case["resolution_due_at"] == "2026-11-30T17:00:00+07:00"  # oral: 5 working days
    assert (case["officer"], case["channel"], case["phone"]) == (
        "Rina Wulandari",
        "phone",
        "+6281234567890",
    )


async def test_a_registration_with_a_bad_field_is_shown_again_with_the_error(
    agent: Console,
) -> None:
    answer = await agent.form(
        "/console/register",
        {
            "channel": "phone",
            "complainant_type": "user",
            "complaint_type": "complaint",
            "category": "other",
            "full_name": "Siti",
            "phone": "123",
            "description": "x" * 20,
        },
    )

    assert answer.status_code == 422
    assert "phone" in answer.text and 'value="Siti"' in answer.text


async def test_search_finds_cases_by_register_number_name_and_phone(
    gateway: Gateway, agent: Console
) -> None:
    number = await open_case(gateway, full_name="Siti Rahayu", phone="0812-3456-7890")
    other = await open_case(gateway, full_name="Budi Santoso", phone="0813-1111-2222")

    by_number = await agent.page(f"/console/search?q={number.lower()}")
    by_name = await agent.page("/console/search?q=rahay")
    by_phone = await agent.page("/console/search?q=0812 3456")
    wildcard = await agent.page("/console/search?q=%25")

    assert by_number.status_code == 303  # an exact number opens the case itself
    assert by_number.headers["location"] == f"/console/cases/{number}"
    assert number in by_name.text and other not in by_name.text
    assert number in by_phone.text and other not in by_phone.text
    assert number not in wildcard.text


async def test_the_queue_puts_emergencies_first_then_the_earliest_due(
    gateway: Gateway, agent: Console
) -> None:
    low = await open_case(gateway, priority="low")
    high_late = await open_case(gateway, priority="high", received_at="2026-11-20T11:00:00+07:00")
    high_early = await open_case(gateway, priority="high", received_at="2026-11-19T11:00:00+07:00")
    emergency = await open_case(gateway, priority="emergency")

    queue = (await agent.client.get("/console/queue.json")).json()["items"]

    assert [item["register_number"] for item in queue] == [emergency, high_early, high_late, low]


async def test_the_queue_stream_sends_a_new_handoff_without_a_reload(
    gateway: Gateway, agent: Console
) -> None:
    async with agent.client.stream("GET", "/console/queue/stream") as stream:
        events = stream.aiter_lines()
        first = await next_event(events)
        await gateway.client.post(
            "/api/conversations/budi/handoff",
            json={"reason": "requested"},
            headers=api_headers(gateway),
        )
        second = await next_event(events)

    assert stream.headers["content-type"].startswith("text/event-stream")
    assert first == []
    assert [(i["kind"], i["conversation_id"]) for i in second] == [("chat", "budi")]


async def next_event(lines: Any) -> Any:
    """The data of the next `queue` event of a server-sent event stream."""
    name = None
    async for line in lines:
        if line.startswith("event: "):
            name = line.removeprefix("event: ")
        elif line.startswith("data: ") and name == "queue":
            return json.loads(line.removeprefix("data: "))
    raise AssertionError("the stream ended")
