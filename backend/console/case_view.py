"""What the console shows of a case: its fields, deadline standing and the actions it allows."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from backend.domain.calendar import WorkingCalendar
from backend.domain.handling import ANSWERED_STATUSES
from backend.domain.lifecycle import Status, SubmissionMode, allowed_transitions
from backend.domain.personal_data import mask_personal_numbers
from backend.schemas import CasePublic
from backend.services.records import CaseRecord

PLAIN_TARGETS = (Status.IN_PROGRESS, Status.ESCALATED)


def case_panel(
    case: CaseRecord, *, calendar: WorkingCalendar, now: datetime, reveal: bool = False
) -> dict[str, Any]:
    """The case as the page shows it (personal numbers masked unless revealed), with its actions."""
    allowed = allowed_transitions(case.status)
    public = CasePublic.from_record(case, calendar=calendar, now=now)
    shown = public if reveal else masked_case(public)
    return {
        "record": case,
        "public": shown,
        "masked": shown != public,
        "targets": [target.value for target in PLAIN_TARGETS if target in allowed],
        "can_request_documents": Status.WAITING_DOCUMENTS in allowed,
        "can_reject": Status.REJECTED in allowed,
        "can_resolve": Status.RESOLVED in allowed,
        "can_extend": (
            case.submission_mode == SubmissionMode.WRITTEN
            and case.extended_resolution_due_at is None
            and case.status not in ANSWERED_STATUSES
        ),
    }


def masked_case(public: CasePublic) -> CasePublic:
    """The case's free texts with NIK, card and account numbers masked."""
    return replace(
        public,
        full_name=mask_personal_numbers(public.full_name),
        description=mask_personal_numbers(public.description),
    )
