"""The customer's notice of an officer's action: the officer's text in the institution's frame."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from babel.dates import format_datetime

from backend.domain.calendar import WIB
from backend.services.records import CaseRecord

NOTICES = Path(__file__).with_suffix(".yml")
LANGUAGES = ("id", "en")


@cache
def _notices() -> dict[str, Any]:
    notices: dict[str, Any] = yaml.safe_load(NOTICES.read_text(encoding="utf-8"))
    return notices


def _due(moment: datetime | None, language: str) -> str:
    if moment is None:
        return ""
    local = moment.astimezone(WIB)
    pattern = "EEEE, d MMMM y 'pukul' HH.mm" if language == "id" else "EEEE, d MMMM y 'at' HH.mm"
    return format_datetime(local, pattern, locale=language) + " WIB"


def case_notice(case: CaseRecord, action: str, *, institution: str, language: str = "id") -> str:
    """The text sent to the customer after `action` (rejected, extended, resolved, …)."""
    language = language if language in LANGUAGES else "id"
    notices = _notices()
    text, due = {
        "rejected": (case.rejection_reason, None),
        "extended": (case.extension_notice, case.extended_resolution_due_at),
        "resolved": (case.resolution_response, None),
        "documents_requested": (case.requested_documents, case.documents_due_at),
    }[action]
    ground = notices["grounds"][language].get(str(case.rejection_ground or ""), "")
    template: str = notices[action][language]
    return template.format(
        register_number=case.register_number,
        text=text or "",
        ground=ground.format(institution=institution),
        due=_due(due, language),
        institution=institution,
    )
