"""Rules of handling a case: rejection, extension, resolution, documents, deadline standing."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from backend.domain.calendar import WIB, WorkingCalendar
from backend.domain.control_characters import REFUSAL, has_control_characters
from backend.domain.deadlines import (
    add_working_days,
    at_close,
    extend_deadline,
    remaining_working_days,
    to_wib,
    working_day_deadline,
)
from backend.domain.lifecycle import RejectionGround, Status, SubmissionMode, parse_status
from backend.domain.refusal import Refused

# A customer who rejects the response may ask OJK for facilitation within 60 working days
# of the institution's response letter (POJK 31/POJK.07/2020).
FACILITATION_DAYS = 60

# Statuses in which the institution has answered, so its resolution clock no longer runs.
ANSWERED_STATUSES = frozenset({Status.RESOLVED, Status.REJECTED, Status.ESCALATED})

# Statuses reached only through an action that records what the customer is told.
ACTION_FOR_STATUS = {
    Status.RESOLVED: "resolve (with the written response)",
    Status.REJECTED: "reject (with a ground and a written reason)",
    Status.WAITING_DOCUMENTS: "request-documents (naming the documents)",
}

TEXT_MAX_CHARS = 4000


class HandlingError(Refused, ValueError):
    """A handling action was refused; `field` names what it is about."""

    def __init__(self, field: str, detail: str, **extra: Any) -> None:
        super().__init__(detail, field=field, **extra)


class InvalidAction(HandlingError):
    """The action's own input breaks a rule (e.g. an unknown ground, an empty reason): 422."""


class ActionRefused(HandlingError):
    """The case's state does not allow the action (409); `reason` is a stable code."""

    status = 409
    error = "action_refused"

    def __init__(self, reason: str, field: str, detail: str) -> None:
        super().__init__(field, detail, reason=reason)


def written_text(value: object, field: str, max_chars: int = TEXT_MAX_CHARS) -> str:
    """A non-blank text of at most `max_chars` characters, stripped."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidAction(field, "a non-empty written text is required")
    if has_control_characters(value):
        raise InvalidAction(field, REFUSAL)
    value = value.strip()
    if len(value) > max_chars:
        raise InvalidAction(field, f"at most {max_chars} characters")
    return value


def check_plain_transition(current: str, new: str) -> None:
    """Refuse a status that only its own action may set (the transition itself is checked too)."""
    target = parse_status(new)
    if target in ACTION_FOR_STATUS:
        raise InvalidAction("status", f"use the action {ACTION_FOR_STATUS[target]}")


def check_rejection(
    ground: object, reason: object, *, documents_due_at: datetime | None, now: datetime
) -> tuple[RejectionGround, str]:
    """The ground and reason of a refusal, if the seed's rules allow it.

    Incomplete documents are a ground only once the time given for them has run out.
    """
    try:
        parsed = RejectionGround(ground)  # type: ignore[arg-type]
    except ValueError:
        allowed = ", ".join(member.value for member in RejectionGround)
        raise InvalidAction("ground", f"must be one of: {allowed}") from None
    text = written_text(reason, "reason")
    if parsed == RejectionGround.DOCUMENTS_INCOMPLETE and (
        documents_due_at is None or to_wib(now) < documents_due_at
    ):
        raise ActionRefused(
            "documents_not_overdue",
            "ground",
            "documents were not requested, or the time given for them has not run out",
        )
    return parsed, text


def check_extension(
    *,
    status: str,
    submission_mode: str,
    resolution_due_at: datetime,
    extended_resolution_due_at: datetime | None,
    extension_days: int,
    now: datetime,
) -> None:
    """Refuse an extension unless it is the first, of an open written case, before its deadline."""
    if parse_status(status) in ANSWERED_STATUSES:
        raise ActionRefused("case_answered", "status", f"the case is already {status}")
    if submission_mode != SubmissionMode.WRITTEN:
        raise ActionRefused(
            "oral_complaint",
            "submission_mode",
            "only written complaints may be extended; ask the customer to complain in writing",
        )
    if extension_days <= 0:
        raise ActionRefused("no_extension", "extension", "the institution's policy has none")
    if extended_resolution_due_at is not None:
        raise ActionRefused("already_extended", "extension", "a case is extended only once")
    if to_wib(now) >= resolution_due_at:
        raise ActionRefused(
            "deadline_passed",
            "resolution_due_at",
            "the notice must reach the customer before the first deadline ends",
        )


def extended_resolution_due(
    resolution_due_at: datetime, extension_days: int, calendar: WorkingCalendar
) -> datetime:
    """The resolution deadline after the one extension."""
    return extend_deadline(resolution_due_at, extension_days, calendar)


def facilitation_window_end(responded_at: datetime, calendar: WorkingCalendar) -> datetime:
    """The last moment the customer may ask OJK for facilitation after the response."""
    return working_day_deadline(responded_at, FACILITATION_DAYS, calendar)


def facilitation_filing_deadline(response_date: date, calendar: WorkingCalendar) -> date:
    """The last day to file with OJK, as the customer counts it: the 60th working day after the
    date of the response letter."""
    return add_working_days(response_date, FACILITATION_DAYS, calendar)


def documents_due(
    requested_at: datetime, document_days: int, calendar: WorkingCalendar
) -> datetime:
    """When the customer's requested documents are due."""
    return working_day_deadline(requested_at, document_days, calendar)


def effective_resolution_due(
    resolution_due_at: datetime, extended_resolution_due_at: datetime | None
) -> datetime:
    """The resolution deadline in force: the extended one if there is one."""
    return extended_resolution_due_at or resolution_due_at


def is_answered(status: str) -> bool:
    """Whether the institution has answered the case, so that its deadlines no longer run."""
    return parse_status(status) in ANSWERED_STATUSES


def deadline_standing(
    status: str, due_at: datetime, now: datetime, calendar: WorkingCalendar
) -> tuple[int | None, bool]:
    """(remaining working days, overdue) of a case; (None, False) once it is answered."""
    if is_answered(status):
        return None, False
    remaining = remaining_working_days(due_at, now, calendar)
    return remaining, remaining < 0


def due_within_cutoff(now: datetime, days: int, calendar: WorkingCalendar) -> datetime:
    """The latest deadline that leaves at most `days` working days from `now`."""
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        raise ValueError("days must be a whole number >= 0")
    return at_close(add_working_days(to_wib(now).date(), days, calendar))


def start_of_day(day: date) -> datetime:
    """00:00 WIB on `day`."""
    return datetime.combine(day, time(0, 0), tzinfo=WIB)
