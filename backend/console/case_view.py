"""What the console shows of a case: its fields, deadline standing and the actions it allows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from backend.db.tables import CaseRecord
from backend.domain.calendar import WorkingCalendar
from backend.domain.handling import ANSWERED_STATUSES
from backend.domain.lifecycle import Status, SubmissionMode, allowed_transitions
from backend.schemas import CasePublic

PLAIN_TARGETS = (Status.IN_PROGRESS, Status.ESCALATED)


def case_panel(case: CaseRecord, *, calendar: WorkingCalendar, now: datetime) -> dict[str, Any]:
    """The case as the page shows it, with the actions its status allows."""
    allowed = allowed_transitions(case.status)
    return {
        "record": case,
        "public": CasePublic.from_record(case, calendar=calendar, now=now),
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
