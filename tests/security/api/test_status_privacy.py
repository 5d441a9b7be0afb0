"""A register number alone says only that a case exists; its details need the right chat.

Attack: someone who saw (or guessed) a register number asks the case API's contact check
for the details from another chat, or tries all 10,000 endings of the phone number.
"""

from __future__ import annotations

from typing import Any

import httpx

from tests.integration.backend.support import case_body

FILING_CHAT = "web-filer0123456789abcdef"


async def a_case(api: httpx.AsyncClient, **overrides: Any) -> dict[str, Any]:
    """A case filed by FILING_CHAT from the phone 0812-3456-7890."""
    body = case_body(
        **{"product": "Pinjaman konsumtif", "conversation_id": FILING_CHAT, **overrides}
    )
    response = await api.post("/api/cases", json=body)
    assert response.status_code == 201, response.text
    return response.json()


async def check(
    api: httpx.AsyncClient, number: str, conversation_id: str, answer: str | None = None
) -> httpx.Response:
    return await api.post(
        f"/api/cases/{number}/contact-check",
        json={"conversation_id": conversation_id, "answer": answer},
    )


async def test_the_filing_chat_reads_its_case_without_being_asked(api: httpx.AsyncClient) -> None:
    case = await a_case(api)
    answer = (await check(api, case["register_number"], FILING_CHAT)).json()
    assert answer["verified"] is True
    assert answer["case"]["status"] == "received"


async def test_another_chat_learns_only_what_to_confirm(api: httpx.AsyncClient) -> None:
    case = await a_case(api)
    response = await check(api, case["register_number"], "stranger")
    assert response.status_code == 200
    assert response.json() == {
        "register_number": case["register_number"],
        "verified": False,
        "asks_for": "phone_digits",
        "checks_left": 5,
        "case": None,
    }


async def test_another_chat_reads_the_case_after_the_last_four_phone_digits(
    api: httpx.AsyncClient,
) -> None:
    case = await a_case(api)
    typed = case["register_number"].lower().replace("-", "")
    answer = (await check(api, typed, "owner-on-phone", "7890")).json()
    assert answer["register_number"] == case["register_number"]
    assert answer["verified"] is True
    assert answer["case"]["register_number"] == case["register_number"]


async def test_a_case_with_only_an_email_asks_for_the_email(api: httpx.AsyncClient) -> None:
    case = await a_case(api, phone=None, email="siti@example.co.id")
    number = case["register_number"]
    assert (await check(api, number, "other")).json()["asks_for"] == "email"
    assert (await check(api, number, "other", "SITI@example.co.id")).json()["verified"] is True


async def test_guessing_the_digits_stops_after_five_wrong_answers_from_any_chats(
    api: httpx.AsyncClient,
) -> None:
    case = await a_case(api)
    number = case["register_number"]
    lefts = [
        (await check(api, number, f"guesser-{guess}", f"{guess:04d}")).json()["checks_left"]
        for guess in range(5)
    ]
    assert lefts == [4, 3, 2, 1, 0]
    late = (await check(api, number, "guesser-right", "7890")).json()
    assert late == {
        "register_number": number,
        "verified": False,
        "asks_for": "phone_digits",
        "checks_left": 0,
        "case": None,
    }
    events = (await api.get(f"/api/cases/{number}/events")).json()["items"]
    assert [e["action"] for e in events].count("contact_check_failed") == 5


async def test_the_filing_chat_still_reads_its_case_after_guessing_locked_it(
    api: httpx.AsyncClient,
) -> None:
    case = await a_case(api)
    number = case["register_number"]
    for guess in range(6):
        await check(api, number, "guesser", f"{guess:04d}")
    assert (await check(api, number, FILING_CHAT)).json()["verified"] is True


async def test_a_contact_check_needs_a_conversation_and_a_printable_answer(
    api: httpx.AsyncClient,
) -> None:
    case = await a_case(api)
    number = case["register_number"]
    missing = await api.post(f"/api/cases/{number}/contact-check", json={"answer": "7890"})
    assert missing.status_code == 422
    assert missing.json()["field"] == "conversation_id"
    control = await check(api, number, "someone", "78\x0090")
    assert control.status_code == 422
    assert control.json()["field"] == "answer"
    unknown = await check(api, "KP-2611-99999" + "X", "someone")
    assert unknown.status_code in (404, 422)
