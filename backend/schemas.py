"""Case API input validation (CaseCreate, contacts) and output mapping (CasePublic,
ConversationPublic, InstitutionPublic)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar

import phonenumbers

from backend.domain.calendar import WIB, WorkingCalendar
from backend.domain.control_characters import REFUSAL, has_control_characters
from backend.domain.handling import deadline_standing, effective_resolution_due, is_answered
from backend.domain.lifecycle import (
    Category,
    Channel,
    ComplainantType,
    ComplaintType,
    Priority,
    UserRole,
)
from backend.domain.refusal import Refused

if TYPE_CHECKING:
    from backend.db.tables import CaseRecord, Conversation
    from backend.domain.policy import InstitutionProfile

DESCRIPTION_MAX_CHARS = 4000
NAME_MAX_CHARS = 200
EMAIL_MAX_CHARS = 254
CONVERSATION_ID_MAX_CHARS = 128
PHONE_REGION = "ID"
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")

E = TypeVar("E", bound=StrEnum)


class InvalidField(Refused, ValueError):
    """Input refused; names the field (422)."""

    def __init__(self, field: str, detail: str, error: str = "invalid_field") -> None:
        super().__init__(detail, field=field, error=error)


def normalise_phone(text: str, field: str = "phone") -> str:
    """An E.164 number (+62… for Indonesian numbers written as 08…, 62… or +62…)."""
    try:
        number = phonenumbers.parse(text, PHONE_REGION)
    except phonenumbers.NumberParseException as exc:
        raise InvalidField(field, "not a phone number") from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidField(field, "not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_email(text: str, field: str = "email") -> str:
    """The address with its domain in lower case."""
    text = text.strip()
    if len(text) > EMAIL_MAX_CHARS or not EMAIL_PATTERN.match(text):
        raise InvalidField(field, "not an e-mail address")
    local, _, domain = text.rpartition("@")
    return f"{local}@{domain.lower()}"


def split_contact(contact: str, field: str = "contact") -> tuple[str | None, str | None]:
    """(phone, None) or (None, email), normalised as cases keep them: an e-mail if it has an @."""
    if "@" in contact:
        return None, normalise_email(contact, field)
    return normalise_phone(contact, field), None


def contact_from_json(body: Any) -> tuple[str | None, str | None]:
    """(phone, email) of a `{"contact": "0812-3456-7890" | "name@example.com"}` body."""
    if not isinstance(body, Mapping):
        raise InvalidField("body", "must be a JSON object", error="invalid_body")
    return split_contact(_required_text(body, "contact", EMAIL_MAX_CHARS))


def parse_aware_datetime(value: Any, field: str) -> datetime:
    """An ISO 8601 timestamp with its UTC offset; naive ones are refused."""
    if not isinstance(value, str):
        raise InvalidField(field, "must be an ISO 8601 string such as 2026-11-20T10:00:00+07:00")
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise InvalidField(field, "not an ISO 8601 timestamp") from exc
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidField(field, "needs a UTC offset, e.g. +07:00")
    return moment


def parse_date(value: Any, field: str) -> date:
    """A calendar day written as YYYY-MM-DD."""
    if not isinstance(value, str):
        raise InvalidField(field, "required, as YYYY-MM-DD")
    try:
        return date.fromisoformat(value.strip())
    except ValueError as exc:
        raise InvalidField(field, "not a date written as YYYY-MM-DD") from exc


def parse_rating(body: Any) -> int:
    """The rating of a `{"rating": 1..5}` body."""
    if not isinstance(body, Mapping) or "rating" not in body:
        raise InvalidField("rating", "required")
    rating = body["rating"]
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise InvalidField("rating", "must be a whole number from 1 to 5")
    return rating


@dataclass(frozen=True)
class CaseCreate:
    """A case as an agent (or the bot's action server) submits it."""

    complainant_type: ComplainantType
    complaint_type: ComplaintType
    category: Category
    full_name: str
    description: str
    channel: Channel
    priority: Priority = Priority.MEDIUM
    user_role: UserRole | None = None
    phone: str | None = None
    email: str | None = None
    product: str | None = None
    officer: str | None = None
    received_at: datetime | None = None
    conversation_id: str | None = None

    def __post_init__(self) -> None:
        if not self.phone and not self.email:
            raise InvalidField("phone", "either phone or email is required")
        if self.complainant_type == ComplainantType.REPORTER and self.user_role is not None:
            raise InvalidField("user_role", "a reporter is not a user: leave user_role null")

    @classmethod
    def from_json(cls, body: Any) -> CaseCreate:
        """Validate a JSON body (unknown fields ignored; the `contact` slot fills phone/email)."""
        if not isinstance(body, Mapping):
            raise InvalidField("body", "must be a JSON object", error="invalid_body")
        phone = _text(body, "phone", 32)
        email = _text(body, "email", EMAIL_MAX_CHARS)
        contact = _text(body, "contact", EMAIL_MAX_CHARS)
        if contact and not (phone or email):
            phone, email = split_contact(contact)
        received_at = body.get("received_at")
        return cls(
            complainant_type=_choice(body, "complainant_type", ComplainantType),
            complaint_type=_choice(body, "complaint_type", ComplaintType),
            category=_choice(body, "category", Category),
            full_name=_required_text(body, "full_name", NAME_MAX_CHARS),
            description=_required_text(body, "description", DESCRIPTION_MAX_CHARS),
            channel=_choice(body, "channel", Channel),
            priority=_choice(body, "priority", Priority, default=Priority.MEDIUM),
            user_role=_optional_choice(body, "user_role", UserRole),
            phone=normalise_phone(phone) if phone else None,
            email=normalise_email(email) if email else None,
            product=_text(body, "product", 100),
            officer=_text(body, "officer", NAME_MAX_CHARS),
            received_at=(
                parse_aware_datetime(received_at, "received_at")
                if received_at is not None
                else None
            ),
            conversation_id=_text(body, "conversation_id", CONVERSATION_ID_MAX_CHARS),
        )


def format_wib(moment: datetime) -> str:
    """ISO 8601 in WIB, e.g. 2026-11-24T17:00:00+07:00."""
    return moment.astimezone(WIB).isoformat()


def format_optional_wib(moment: datetime | None) -> str | None:
    """`format_wib`, passing None through."""
    return format_wib(moment) if moment is not None else None


def _value(member: StrEnum | str | None) -> str | None:
    return str(member) if member is not None else None


def case_snapshot(case: CaseRecord) -> dict[str, Any]:
    """The stored fields of a case as JSON: what the audit trail records before and after."""
    return {
        "register_number": case.register_number,
        "status": str(case.status),
        "complainant_type": str(case.complainant_type),
        "user_role": _value(case.user_role),
        "complaint_type": str(case.complaint_type),
        "category": str(case.category),
        "priority": str(case.priority),
        "full_name": case.full_name,
        "phone": case.phone,
        "email": case.email,
        "description": case.description,
        "product": case.product,
        "officer": case.officer,
        "channel": str(case.channel),
        "submission_mode": str(case.submission_mode),
        "received_at": format_wib(case.received_at),
        "first_response_due_at": format_wib(case.first_response_due_at),
        "resolution_due_at": format_wib(case.resolution_due_at),
        "conversation_id": case.conversation_id,
        "complainant_id": case.complainant_id,
        "extended_resolution_due_at": format_optional_wib(case.extended_resolution_due_at),
        "extension_notice": case.extension_notice,
        "extension_sent_at": format_optional_wib(case.extension_sent_at),
        "resolution_response": case.resolution_response,
        "resolved_at": format_optional_wib(case.resolved_at),
        "facilitation_window_ends_at": format_optional_wib(case.facilitation_window_ends_at),
        "rejection_ground": _value(case.rejection_ground),
        "rejection_reason": case.rejection_reason,
        "rejected_at": format_optional_wib(case.rejected_at),
        "requested_documents": case.requested_documents,
        "documents_requested_at": format_optional_wib(case.documents_requested_at),
        "documents_due_at": format_optional_wib(case.documents_due_at),
    }


def snapshot_changes(
    before: Mapping[str, Any], after: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The fields that differ, as (before, after)."""
    changed = [name for name in after if before.get(name) != after[name]]
    return {name: before.get(name) for name in changed}, {name: after[name] for name in changed}


@dataclass(frozen=True)
class CasePublic:
    """A case as the API shows it: its stored fields plus its deadline standing, times in +07:00."""

    register_number: str
    status: str
    complainant_type: str
    user_role: str | None
    complaint_type: str
    category: str
    priority: str
    full_name: str
    phone: str | None
    email: str | None
    description: str
    product: str | None
    officer: str | None
    channel: str
    submission_mode: str
    received_at: str
    first_response_due_at: str
    resolution_due_at: str
    conversation_id: str | None
    complainant_id: int
    extended_resolution_due_at: str | None
    extension_notice: str | None
    extension_sent_at: str | None
    resolution_response: str | None
    resolved_at: str | None
    facilitation_window_ends_at: str | None
    rejection_ground: str | None
    rejection_reason: str | None
    rejected_at: str | None
    requested_documents: str | None
    documents_requested_at: str | None
    documents_due_at: str | None
    remaining_working_days: int | None
    overdue: bool
    open: bool

    @classmethod
    def from_record(
        cls,
        case: CaseRecord,
        *,
        calendar: WorkingCalendar | None = None,
        now: datetime | None = None,
    ) -> CasePublic:
        """The case as of `now` (default: the current time), counted in `calendar`."""
        remaining, overdue = deadline_standing(
            case.status,
            effective_resolution_due(case.resolution_due_at, case.extended_resolution_due_at),
            now or datetime.now(UTC),
            calendar or WorkingCalendar(),
        )
        return cls(
            **case_snapshot(case),
            remaining_working_days=remaining,
            overdue=overdue,
            open=not is_answered(case.status),
        )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ConversationPublic:
    """A conversation as the API shows it, with the register numbers of its cases."""

    id: str
    channel: str
    handled_by: str
    rating: int | None
    cases: list[str]

    @classmethod
    def from_record(
        cls, conversation: Conversation, cases: Iterable[CaseRecord]
    ) -> ConversationPublic:
        return cls(
            id=conversation.id,
            channel=conversation.channel,
            handled_by=conversation.handled_by,
            rating=conversation.rating,
            cases=[case.register_number for case in cases],
        )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class InstitutionPublic:
    """The institution whose complaints the app handles: what the bot says about it."""

    key: str
    name: str
    kind: str
    roles: list[str]
    first_response_days: int
    oral_resolution_days: int
    written_resolution_days: int
    extension_days: int

    @classmethod
    def from_profile(cls, profile: InstitutionProfile) -> InstitutionPublic:
        return cls(
            key=profile.key,
            name=profile.name,
            kind=profile.kind,
            roles=list(profile.roles),
            first_response_days=profile.first_response_days,
            oral_resolution_days=profile.oral_resolution_days,
            written_resolution_days=profile.written_resolution_days,
            extension_days=profile.extension_days,
        )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _text(body: Mapping[str, Any], field: str, max_chars: int) -> str | None:
    """An optional string, stripped; empty means absent."""
    value = body.get(field)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidField(field, "must be a string")
    if has_control_characters(value):
        raise InvalidField(field, REFUSAL)
    value = value.strip()
    if len(value) > max_chars:
        raise InvalidField(field, f"at most {max_chars} characters")
    return value or None


def _required_text(body: Mapping[str, Any], field: str, max_chars: int) -> str:
    value = _text(body, field, max_chars)
    if value is None:
        raise InvalidField(field, "required")
    return value


def _choice(body: Mapping[str, Any], field: str, kind: type[E], default: E | None = None) -> E:
    value = body.get(field)
    if value is None and default is not None:
        return default
    if value is None:
        raise InvalidField(field, "required")
    try:
        return kind(value)
    except ValueError as exc:
        allowed = ", ".join(member.value for member in kind)
        raise InvalidField(field, f"must be one of: {allowed}") from exc


def _optional_choice(body: Mapping[str, Any], field: str, kind: type[E]) -> E | None:
    if body.get(field) in (None, ""):
        return None
    return _choice(body, field, kind)
