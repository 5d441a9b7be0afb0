"""Case API input of officers' actions and case searches; output of events and documents."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from backend.domain.control_characters import REFUSAL, has_control_characters
from backend.domain.lifecycle import Category, Channel, Priority, Status
from backend.schemas import NAME_MAX_CHARS, InvalidField, format_wib

if TYPE_CHECKING:
    from backend.db.tables import CaseEvent, Document

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 100
MAX_OFFSET = 1_000_000
MAX_DUE_WITHIN = 1000
# Dates a filter may name: wide enough for any complaint, narrow enough that a day more or
# less, or a time zone, never leaves what dates and databases can hold.
EARLIEST_FILTER_DATE = date(1900, 1, 1)
LATEST_FILTER_DATE = date(2999, 12, 31)
TRUE_WORDS = frozenset({"true", "1", "yes"})
FALSE_WORDS = frozenset({"false", "0", "no"})


def parse_actor(value: Any) -> str:
    """Who does an action (an agent's name or username): required, at most 200 characters."""
    if value is None:
        raise InvalidField("actor", "required: who does this")
    if not isinstance(value, str) or not value.strip():
        raise InvalidField("actor", "must be a non-empty string")
    if len(value.strip()) > NAME_MAX_CHARS:
        raise InvalidField("actor", f"at most {NAME_MAX_CHARS} characters")
    if has_control_characters(value):
        raise InvalidField("actor", REFUSAL)
    return value.strip()


@dataclass(frozen=True)
class CaseAction:
    """An officer's action on a case: who does it, and the fields it brings (checked later)."""

    actor: str
    fields: Mapping[str, Any]

    @classmethod
    def from_json(cls, body: Any) -> CaseAction:
        if not isinstance(body, Mapping):
            raise InvalidField("body", "must be a JSON object", error="invalid_body")
        return cls(actor=parse_actor(body.get("actor")), fields=body)

    def get(self, name: str) -> Any:
        return self.fields.get(name)


@dataclass(frozen=True)
class CaseQuery:
    """The filters and page of `GET /api/cases`."""

    statuses: tuple[str, ...] = ()
    priorities: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    received_from: date | None = None
    received_to: date | None = None
    due_within: int | None = None
    overdue: bool | None = None
    conversation_id: str | None = None
    complainant_id: int | None = None
    limit: int = DEFAULT_PAGE_SIZE
    offset: int = 0

    @classmethod
    def from_args(cls, args: Mapping[str, Sequence[str]]) -> CaseQuery:
        """Parse query parameters; enumerations may repeat or be comma-separated."""
        received_from = _date(args, "received_from")
        received_to = _date(args, "received_to")
        if received_from and received_to and received_to < received_from:
            raise InvalidField("received_to", "must not be before received_from")
        conversation_id = _single(args, "conversation_id")
        return cls(
            statuses=_choices(args, "status", Status),
            priorities=_choices(args, "priority", Priority),
            categories=_choices(args, "category", Category),
            channels=_choices(args, "channel", Channel),
            received_from=received_from,
            received_to=received_to,
            due_within=_whole(args, "due_within", 0, MAX_DUE_WITHIN),
            overdue=_flag(args, "overdue"),
            conversation_id=conversation_id.strip() if conversation_id else None,
            complainant_id=_whole(args, "complainant_id", 1, 2**31 - 1),
            limit=_whole(args, "limit", 1, MAX_PAGE_SIZE) or DEFAULT_PAGE_SIZE,
            offset=_whole(args, "offset", 0, MAX_OFFSET) or 0,
        )


def _values(args: Mapping[str, Sequence[str]], name: str) -> list[str]:
    """Every value of a parameter (a plain lookup: Sanic's `get` answers only the first)."""
    values = list(args[name]) if name in args else []
    if any(has_control_characters(value) for value in values):
        raise InvalidField(name, REFUSAL)
    return values


def _single(args: Mapping[str, Sequence[str]], name: str) -> str | None:
    values = [value for value in _values(args, name) if value.strip()]
    if len(values) > 1:
        raise InvalidField(name, "give it once")
    return values[0] if values else None


def _choices(args: Mapping[str, Sequence[str]], name: str, kind: type[StrEnum]) -> tuple[str, ...]:
    found: list[str] = []
    for value in _values(args, name):
        for part in value.split(","):
            part = part.strip()
            if not part:
                continue
            try:
                found.append(kind(part).value)
            except ValueError:
                allowed = ", ".join(member.value for member in kind)
                raise InvalidField(name, f"must be one of: {allowed}") from None
    return tuple(dict.fromkeys(found))


def _date(args: Mapping[str, Sequence[str]], name: str) -> date | None:
    value = _single(args, name)
    if value is None:
        return None
    try:
        found = date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidField(name, "must be a date such as 2026-11-20") from None
    if not EARLIEST_FILTER_DATE <= found <= LATEST_FILTER_DATE:
        raise InvalidField(name, f"must be between {EARLIEST_FILTER_DATE} and {LATEST_FILTER_DATE}")
    return found


def _whole(args: Mapping[str, Sequence[str]], name: str, low: int, high: int) -> int | None:
    value = _single(args, name)
    if value is None:
        return None
    value = value.strip()
    if not value.isascii() or not value.isdigit() or not low <= int(value) <= high:
        raise InvalidField(name, f"must be a whole number from {low} to {high}")
    return int(value)


def _flag(args: Mapping[str, Sequence[str]], name: str) -> bool | None:
    value = _single(args, name)
    if value is None:
        return None
    if value.strip().lower() in TRUE_WORDS:
        return True
    if value.strip().lower() in FALSE_WORDS:
        return False
    raise InvalidField(name, "must be true or false")


@dataclass(frozen=True)
class EventPublic:
    """One entry of a case's audit trail."""

    id: int
    at: str
    actor: str
    action: str
    before: Any
    after: Any

    @classmethod
    def from_record(cls, event: CaseEvent) -> EventPublic:
        return cls(
            id=event.id,
            at=format_wib(event.at),
            actor=event.actor,
            action=event.action,
            before=event.before,
            after=event.after,
        )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class DocumentPublic:
    """A supporting document's metadata, with where to download it."""

    id: int
    register_number: str
    original_filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_by: str
    uploaded_at: str
    download_url: str

    @classmethod
    def from_record(cls, document: Document, register_number: str) -> DocumentPublic:
        return cls(
            id=document.id,
            register_number=register_number,
            original_filename=document.original_filename,
            content_type=document.content_type,
            size=document.size,
            sha256=document.sha256,
            uploaded_by=document.uploaded_by,
            uploaded_at=format_wib(document.uploaded_at),
            download_url=f"/api/cases/{register_number}/documents/{document.id}",
        )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
