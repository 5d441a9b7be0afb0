"""The one refusal type: every refusal answers with its own status and the same body shape."""

import pytest

from backend.domain.documents import DocumentRefused
from backend.domain.handling import ActionRefused, InvalidAction
from backend.domain.lifecycle import IllegalTransition, Status
from backend.domain.refusal import NotFound, Refused
from backend.domain.register_number import RegisterNumberError
from backend.reports.periods import PeriodError
from backend.schemas import InvalidField
from backend.services.cases import CaseNotFound


def test_a_plain_refusal_is_a_422_naming_its_field():
    refused = Refused("must be a string", field="phone")

    assert refused.status == 422
    assert refused.body == {
        "error": "invalid_field",
        "field": "phone",
        "detail": "must be a string",
    }
    assert str(refused) == "phone: must be a string"


def test_a_refusal_may_set_its_own_status_error_and_more():
    refused = Refused("slow down", status=429, error="rate_limited", reason="login", retry=3)

    assert refused.status == 429
    assert refused.body == {
        "error": "rate_limited",
        "field": None,
        "detail": "slow down",
        "reason": "login",
        "retry": 3,
    }


def test_a_missing_record_is_a_404_saying_what_is_missing():
    missing = CaseNotFound("KP-2611-000017")

    assert isinstance(missing, NotFound) and isinstance(missing, LookupError)
    assert (missing.status, missing.key) == (404, "KP-2611-000017")
    assert missing.body == {"error": "not_found", "field": None, "detail": "no such case"}


@pytest.mark.parametrize(
    ("refusal", "status", "error"),
    [
        (InvalidField("email", "not an e-mail address"), 422, "invalid_field"),
        (InvalidAction("reason", "a non-empty written text is required"), 422, "invalid_field"),
        (ActionRefused("already_extended", "extension", "once"), 409, "action_refused"),
        (IllegalTransition(Status.REJECTED, Status.RESOLVED), 409, "illegal_transition"),
        (RegisterNumberError("mistyped"), 422, "invalid_register_number"),
        (DocumentRefused("too_large", "at most 10 MiB"), 413, "document_refused"),
        (DocumentRefused("type_mismatch", "a PNG called PDF"), 415, "document_refused"),
        (DocumentRefused("empty", "the file is empty"), 422, "document_refused"),
        (PeriodError("not a period"), 422, "invalid_field"),
    ],
)
def test_the_errors_of_the_domain_and_the_services_are_refusals(refusal, status, error):
    assert isinstance(refusal, Refused) and isinstance(refusal, ValueError)
    assert (refusal.status, refusal.body["error"]) == (status, error)


def test_an_illegal_transition_names_where_the_case_may_go_instead():
    body = IllegalTransition(Status.RESOLVED, Status.REJECTED).body

    assert body["field"] == "status"
    assert (body["current"], body["requested"], body["allowed"]) == (
        "resolved",
        "rejected",
        ["escalated"],
    )


def test_a_reason_is_in_the_body_only_when_there_is_one():
    assert RegisterNumberError("malformed", "no such month").body["reason"] == "malformed"
    assert "reason" not in InvalidField("phone", "not a phone number").body
