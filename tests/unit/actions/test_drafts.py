"""A customer who asks for a person mid-form: the answers so far go to the agent as a draft."""

from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from actions.backend_client import RequestRejected
from actions.drafts import draft_from_slots
from actions.handoff import ActionHandoff
from tests.unit.actions.fakes import FakeBackend, sent, tracker

MID_FORM = {
    "complaint_type": "complaint",
    "complainant_type": "user",
    "user_role": "borrower",
    "description": "Penagih datang ke kantor saya dan mengancam rekan kerja saya.",
    "category": "debt_collection",
    "incident_date": "2026-11-20",
    "loss_amount": 0,
    "requested_slot": "priority",
}


def test_the_draft_holds_the_answers_given_so_far() -> None:
    draft = draft_from_slots(tracker(MID_FORM))

    assert draft["complainant_type"] == "user"
    assert draft["user_role"] == "borrower"
    assert draft["category"] == "debt_collection"
    assert draft["complaint_type"] == "complaint"
    assert "priority" not in draft and "full_name" not in draft and "contact" not in draft


def test_the_draft_s_description_carries_when_it_happened_and_the_loss() -> None:
    description = draft_from_slots(tracker(MID_FORM))["description"]

    assert description.startswith("Penagih datang ke kantor saya")
    assert "20 November 2026" in description


def test_a_reporter_s_draft_has_no_user_role() -> None:
    draft = draft_from_slots(tracker({**MID_FORM, "complainant_type": "reporter"}))

    assert "user_role" not in draft


def test_without_answers_there_is_no_draft() -> None:
    assert draft_from_slots(tracker({"complaint_type": "complaint"})) == {}


def test_the_contact_is_sent_as_given_for_the_case_api_to_split() -> None:
    draft = draft_from_slots(tracker({**MID_FORM, "contact": "budi@example.com"}))

    assert draft["contact"] == "budi@example.com"


async def test_a_request_mid_form_sends_the_draft_and_says_the_agent_will_register_it(
    backend: FakeBackend,
) -> None:
    dispatcher = CollectingDispatcher()

    events = await ActionHandoff(backend).run(
        dispatcher, tracker(MID_FORM, text="saya mau bicara dengan petugas"), {}
    )

    [draft] = backend.drafts
    assert draft is not None and draft["category"] == "debt_collection"
    assert sent(dispatcher) == ["handoff_now", "draft_kept"]
    assert "Jawaban Anda sejauh ini kami simpan" in dispatcher.messages[-1]["text"]
    assert [e["event"] for e in events] == ["pause"]


async def test_a_request_before_any_answer_says_nothing_of_a_draft(backend: FakeBackend) -> None:
    dispatcher = CollectingDispatcher()

    await ActionHandoff(backend).run(dispatcher, tracker(text="mau bicara dengan CS"), {})

    assert backend.drafts == [None]
    assert sent(dispatcher) == ["handoff_now"]


async def test_a_draft_the_case_api_refuses_does_not_keep_the_customer_from_a_person(
    backend: FakeBackend,
) -> None:
    backend.draft_refusal = RequestRejected(422, "draft.contact", "not a phone number")
    dispatcher = CollectingDispatcher()

    events = await ActionHandoff(backend).run(dispatcher, tracker(MID_FORM), {})

    assert backend.drafts[-1] is None and len(backend.handoffs) == 2
    assert sent(dispatcher) == ["handoff_now"]
    assert [e["event"] for e in events] == ["pause"]
