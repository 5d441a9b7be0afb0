"""Rules of handling a case: rejection, extension, resolution window, documents, standing."""

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backend.domain.calendar import WIB, WorkingCalendar
from backend.domain.deadlines import at_close, remaining_working_days
from backend.domain.handling import (
    ActionRefused,
    InvalidAction,
    check_extension,
    check_plain_transition,
    check_rejection,
    deadline_standing,
    documents_due,
    due_within_cutoff,
    effective_resolution_due,
    extended_resolution_due,
    facilitation_filing_deadline,
    facilitation_window_end,
    is_answered,
    written_text,
)

CALENDAR = WorkingCalendar()
FIRST_DUE = datetime(2026, 12, 4, 17, tzinfo=WIB)  # a letter received Friday 2026-11-20


def wib(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=WIB)


def extension(**overrides: object) -> None:
    arguments: dict[str, object] = {
        "status": "in_progress",
        "submission_mode": "written",
        "resolution_due_at": FIRST_DUE,
        "extended_resolution_due_at": None,
        "extension_days": 10,
        "now": wib(2026, 12, 1, 10),
    }
    arguments.update(overrides)
    check_extension(**arguments)  # type: ignore[arg-type]


@pytest.mark.parametrize("ground", ["already_resolved", "unrelated_to_service"])
def test_a_rejection_on_a_seed_ground_with_a_reason_is_accepted(ground: str) -> None:
    accepted = check_rejection(
        ground,
        "  Sudah diselesaikan pada KP-2610-00003X.  ",
        documents_due_at=None,
        now=wib(2026, 11, 24),
    )

    assert accepted == (ground, "Sudah diselesaikan pada KP-2610-00003X.")


@pytest.mark.parametrize("ground", ["customer_rude", "", None, 3, ["already_resolved"]])
def test_a_rejection_on_any_other_ground_is_invalid(ground: object) -> None:
    with pytest.raises(InvalidAction) as refused:
        check_rejection(ground, "reason", documents_due_at=None, now=wib(2026, 11, 24))

    assert refused.value.field == "ground"


@pytest.mark.parametrize("reason", ["", "   ", None, 42])
def test_a_rejection_without_a_written_reason_is_invalid(reason: object) -> None:
    with pytest.raises(InvalidAction) as refused:
        check_rejection("already_resolved", reason, documents_due_at=None, now=wib(2026, 11, 24))

    assert refused.value.field == "reason"


def test_incomplete_documents_are_a_ground_only_once_their_time_has_run_out() -> None:
    due = wib(2026, 12, 8, 17)

    with pytest.raises(ActionRefused) as early:
        check_rejection(
            "documents_incomplete",
            "KTP belum dikirim",
            documents_due_at=due,
            now=due - timedelta(seconds=1),
        )
    with pytest.raises(ActionRefused) as never_requested:
        check_rejection("documents_incomplete", "KTP belum dikirim", documents_due_at=None, now=due)
    accepted = check_rejection(
        "documents_incomplete", "KTP belum dikirim", documents_due_at=due, now=due
    )

    assert early.value.reason == never_requested.value.reason == "documents_not_overdue"
    assert accepted[0] == "documents_incomplete"


def test_a_written_open_case_may_be_extended_before_its_first_deadline() -> None:
    extension(now=FIRST_DUE - timedelta(seconds=1))


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"submission_mode": "oral"}, "oral_complaint"),
        ({"extended_resolution_due_at": wib(2026, 12, 18, 17)}, "already_extended"),
        ({"now": FIRST_DUE}, "deadline_passed"),
        ({"now": wib(2026, 12, 7, 9)}, "deadline_passed"),
        ({"status": "resolved"}, "case_answered"),
        ({"status": "rejected"}, "case_answered"),
        ({"extension_days": 0}, "no_extension"),
    ],
)
def test_an_extension_is_refused_when_the_rules_forbid_it(
    overrides: dict[str, object], reason: str
) -> None:
    with pytest.raises(ActionRefused) as refused:
        extension(**overrides)

    assert refused.value.reason == reason


def test_the_extended_deadline_is_extension_days_working_days_after_the_first() -> None:
    assert extended_resolution_due(FIRST_DUE, 10, CALENDAR) == wib(2026, 12, 18, 17)


def test_the_deadline_in_force_is_the_extended_one_when_there_is_one() -> None:
    extended = wib(2026, 12, 18, 17)

    assert effective_resolution_due(FIRST_DUE, None) == FIRST_DUE
    assert effective_resolution_due(FIRST_DUE, extended) == extended


def test_the_facilitation_window_ends_60_working_days_after_the_response() -> None:
    # Christmas, New Year and Isra Mi'raj (2027-01-05) fall inside and are skipped.
    assert facilitation_window_end(wib(2026, 11, 24, 10), CALENDAR) == wib(2027, 2, 19, 17)


def test_the_customer_files_with_ojk_by_the_60th_working_day_after_the_letter_date() -> None:
    # 60 working days after Tue 3 Nov 2026, skipping weekends and 25 Dec, 1 Jan, 5 Jan.
    assert facilitation_filing_deadline(date(2026, 11, 3), CALENDAR) == date(2027, 1, 29)


def test_requested_documents_are_due_after_the_document_days() -> None:
    assert documents_due(wib(2026, 11, 24, 10), 10, CALENDAR) == wib(2026, 12, 8, 17)


def test_an_open_case_counts_down_and_turns_overdue_after_its_deadline() -> None:
    assert deadline_standing("in_progress", FIRST_DUE, wib(2026, 12, 3, 10), CALENDAR) == (1, False)
    assert deadline_standing("received", FIRST_DUE, wib(2026, 12, 4, 16), CALENDAR) == (0, False)
    assert deadline_standing("waiting_documents", FIRST_DUE, FIRST_DUE, CALENDAR) == (-1, True)


@pytest.mark.parametrize("status", ["resolved", "rejected", "escalated"])
def test_an_answered_case_has_no_remaining_days_and_is_never_overdue(status: str) -> None:
    assert deadline_standing(status, FIRST_DUE, wib(2027, 1, 20, 10), CALENDAR) == (None, False)


@pytest.mark.parametrize(
    ("status", "answered"),
    [
        ("received", False),
        ("in_progress", False),
        ("waiting_documents", False),
        ("resolved", True),
        ("rejected", True),
        ("escalated", True),
    ],
)
def test_a_case_is_answered_once_resolved_rejected_or_escalated(
    status: str, answered: bool
) -> None:
    assert is_answered(status) is answered


def test_resolved_rejected_and_waiting_documents_need_their_own_action() -> None:
    for status in ("resolved", "rejected", "waiting_documents"):
        with pytest.raises(InvalidAction) as refused:
            check_plain_transition("received", status)
        assert refused.value.field == "status"
    check_plain_transition("received", "in_progress")
    check_plain_transition("resolved", "escalated")


def test_written_text_is_stripped_and_bounded() -> None:
    assert written_text("  Yth. Bapak  ", "notice") == "Yth. Bapak"
    with pytest.raises(InvalidAction):
        written_text("x" * 4001, "notice")


@pytest.mark.parametrize(
    ("now", "days", "cutoff"),
    [
        (wib(2026, 11, 20, 10), 0, wib(2026, 11, 20, 17)),
        (wib(2026, 11, 20, 10), 1, wib(2026, 11, 23, 17)),
        (wib(2026, 11, 21, 10), 1, wib(2026, 11, 23, 17)),
        (wib(2026, 12, 24, 18), 1, wib(2026, 12, 28, 17)),
    ],
)
def test_due_within_covers_deadlines_up_to_the_nth_working_day(
    now: datetime, days: int, cutoff: datetime
) -> None:
    assert due_within_cutoff(now, days, CALENDAR) == cutoff


working_days = st.dates(date(2026, 1, 1), date(2027, 12, 31)).filter(CALENDAR.is_working_day)
moments = st.datetimes(datetime(2026, 1, 1), datetime(2027, 12, 31)).map(
    lambda naive: naive.replace(tzinfo=WIB)
)


@settings(max_examples=200, deadline=None)
@given(due_day=working_days, now=moments, days=st.integers(0, 30))
def test_the_due_within_cutoff_agrees_with_the_remaining_working_days(
    due_day: date, now: datetime, days: int
) -> None:
    due = at_close(due_day)
    selected = now < due <= due_within_cutoff(now, days, CALENDAR)

    assert selected == (now < due and remaining_working_days(due, now, CALENDAR) <= days)
