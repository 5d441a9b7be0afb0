"""A half-finished complaint and the case an agent makes of it."""

from __future__ import annotations

from backend.domain.drafts import case_fields, missing_fields

DRAFT = {
    "complainant_type": "user",
    "user_role": "borrower",
    "complaint_type": "complaint",
    "category": "debt_collection",
    "description": "Penagih mengancam saya.",
    "phone": "+6281234567890",
}


def test_a_draft_lacks_what_the_customer_had_not_answered_yet() -> None:
    assert missing_fields(DRAFT) == ["full_name"]
    assert missing_fields({"complaint_type": "feedback"}) == [
        "complainant_type",
        "category",
        "full_name",
        "description",
        "contact",
    ]


def test_either_phone_or_email_is_a_contact() -> None:
    with_email = {**DRAFT, "full_name": "Budi", "email": "budi@example.com"}
    del with_email["phone"]

    assert missing_fields(with_email) == []


def test_the_agent_s_answers_complete_and_override_the_draft() -> None:
    body = case_fields(
        DRAFT,
        {"full_name": " Budi Santoso ", "category": "fraud", "phone": ""},
        channel="web",
        conversation_id="chat-1",
        officer="Rina",
    )

    assert body["full_name"] == "Budi Santoso"
    assert body["category"] == "fraud"
    assert "phone" not in body  # emptied by the agent
    assert body["description"] == "Penagih mengancam saya."
    assert (body["channel"], body["conversation_id"], body["officer"]) == ("web", "chat-1", "Rina")


def test_only_case_fields_go_into_the_case() -> None:
    body = case_fields(
        {**DRAFT, "received_at": "2020-01-01"},
        {"status": "resolved"},
        channel="web",
        conversation_id="c",
        officer="R",
    )

    assert "received_at" not in body and "status" not in body
