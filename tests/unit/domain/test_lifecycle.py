"""Case statuses, their transitions, and the case field vocabularies."""

import itertools

import pytest

from backend.domain.lifecycle import (
    CHAT_CHANNELS,
    OFFLINE_CHANNELS,
    Category,
    Channel,
    ComplainantType,
    ComplaintType,
    IllegalTransition,
    Priority,
    RejectionGround,
    Status,
    SubmissionMode,
    UserRole,
    allowed_transitions,
    check_transition,
)

ALLOWED = {
    ("received", "in_progress"),
    ("received", "waiting_documents"),
    ("received", "resolved"),
    ("received", "rejected"),
    ("received", "escalated"),
    ("in_progress", "waiting_documents"),
    ("in_progress", "resolved"),
    ("in_progress", "rejected"),
    ("in_progress", "escalated"),
    ("waiting_documents", "in_progress"),
    ("waiting_documents", "resolved"),
    ("waiting_documents", "rejected"),
    ("resolved", "escalated"),
}
ALL_PAIRS = set(itertools.product([s.value for s in Status], repeat=2))


@pytest.mark.parametrize(("current", "new"), sorted(ALLOWED))
def test_an_allowed_transition_passes(current, new):
    check_transition(current, new)
    assert new in allowed_transitions(current)


@pytest.mark.parametrize(("current", "new"), sorted(ALL_PAIRS - ALLOWED))
def test_any_other_transition_is_illegal(current, new):
    with pytest.raises(IllegalTransition) as caught:
        check_transition(current, new)
    assert (caught.value.current, caught.value.new) == (current, new)


def test_a_resolved_case_can_still_be_escalated_when_the_customer_disagrees():
    check_transition(Status.RESOLVED, Status.ESCALATED)
    assert allowed_transitions("resolved") == {Status.ESCALATED}


def test_rejected_and_escalated_cases_are_final():
    final = {status for status in Status if not allowed_transitions(status)}
    assert final == {Status.REJECTED, Status.ESCALATED}


def test_an_unknown_status_is_bad_input_not_an_illegal_transition():
    with pytest.raises(ValueError, match="unknown status") as caught:
        check_transition("received", "closed")
    assert not isinstance(caught.value, IllegalTransition)


def test_a_complaint_may_only_be_refused_on_the_three_grounds_of_the_seed():
    assert {g.value for g in RejectionGround} == {
        "documents_incomplete",
        "already_resolved",
        "unrelated_to_service",
    }


@pytest.mark.parametrize(
    ("vocabulary", "values"),
    [
        (Status, "received in_progress waiting_documents resolved rejected escalated"),
        (ComplainantType, "user reporter"),
        (UserRole, "lender borrower customer representative"),
        (ComplaintType, "question feedback complaint"),
        (
            Category,
            "debt_collection transaction fraud personal_data fees_interest restructuring "
            "credit_report account service other",
        ),
        (Priority, "low medium high emergency"),
        (Channel, "web telegram whatsapp rest phone letter email walk_in"),
        (SubmissionMode, "oral written"),
    ],
)
def test_the_vocabularies_are_exactly_those_of_the_public_interface(vocabulary, values):
    assert [member.value for member in vocabulary] == values.split()


def test_vocabulary_members_compare_equal_to_their_json_strings():
    assert Status.IN_PROGRESS == "in_progress"
    assert f"{Category.DEBT_COLLECTION}" == "debt_collection"


def test_every_channel_is_either_a_chat_or_one_an_agent_registers_from():
    assert set(CHAT_CHANNELS) == {"web", "telegram", "whatsapp", "rest"}
    assert set(CHAT_CHANNELS) | set(OFFLINE_CHANNELS) == set(Channel)
    assert not set(CHAT_CHANNELS) & set(OFFLINE_CHANNELS)
