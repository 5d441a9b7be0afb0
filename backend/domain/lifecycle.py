"""Case statuses, their allowed transitions, and the vocabularies of the case fields."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

from backend.domain.refusal import Refused


class Status(StrEnum):
    """Where a case stands."""

    RECEIVED = "received"
    IN_PROGRESS = "in_progress"
    WAITING_DOCUMENTS = "waiting_documents"
    RESOLVED = "resolved"
    REJECTED = "rejected"
    ESCALATED = "escalated"


class RejectionGround(StrEnum):
    """The only grounds on which a complaint may be refused (seed)."""

    DOCUMENTS_INCOMPLETE = "documents_incomplete"
    ALREADY_RESOLVED = "already_resolved"
    UNRELATED_TO_SERVICE = "unrelated_to_service"


class ComplainantType(StrEnum):
    """A user of the service (pengguna) or an external reporter (pelapor)."""

    USER = "user"
    REPORTER = "reporter"


class UserRole(StrEnum):
    """The user's role: lender/borrower on a P2P platform, customer/representative at a bank."""

    LENDER = "lender"
    BORROWER = "borrower"
    CUSTOMER = "customer"
    REPRESENTATIVE = "representative"


class ComplaintType(StrEnum):
    """Pertanyaan, kritik/saran, or keluhan/pengaduan."""

    QUESTION = "question"
    FEEDBACK = "feedback"
    COMPLAINT = "complaint"


class Category(StrEnum):
    """Complaint categories, after the ones in OJK's statistics."""

    DEBT_COLLECTION = "debt_collection"
    TRANSACTION = "transaction"
    FRAUD = "fraud"
    PERSONAL_DATA = "personal_data"
    FEES_INTEREST = "fees_interest"
    RESTRUCTURING = "restructuring"
    CREDIT_REPORT = "credit_report"
    ACCOUNT = "account"
    SERVICE = "service"
    OTHER = "other"


class Priority(StrEnum):
    """Rendah, medium, tinggi, darurat."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    EMERGENCY = "emergency"


class Channel(StrEnum):
    """Where a complaint came in."""

    WEB = "web"
    TELEGRAM = "telegram"
    WHATSAPP = "whatsapp"
    REST = "rest"
    PHONE = "phone"
    LETTER = "letter"
    EMAIL = "email"
    WALK_IN = "walk_in"


# The channels a customer chats on (the gateway's), and those an agent registers cases from.
CHAT_CHANNELS = (Channel.WEB, Channel.TELEGRAM, Channel.WHATSAPP, Channel.REST)
OFFLINE_CHANNELS = (Channel.PHONE, Channel.LETTER, Channel.EMAIL, Channel.WALK_IN)


class SubmissionMode(StrEnum):
    """Oral (lisan) or written (tertulis); decides the resolution deadline."""

    ORAL = "oral"
    WRITTEN = "written"


TRANSITIONS: Mapping[Status, frozenset[Status]] = MappingProxyType(
    {
        Status.RECEIVED: frozenset(
            {
                Status.IN_PROGRESS,
                Status.WAITING_DOCUMENTS,
                Status.RESOLVED,
                Status.REJECTED,
                Status.ESCALATED,
            }
        ),
        Status.IN_PROGRESS: frozenset(
            {Status.WAITING_DOCUMENTS, Status.RESOLVED, Status.REJECTED, Status.ESCALATED}
        ),
        Status.WAITING_DOCUMENTS: frozenset({Status.IN_PROGRESS, Status.RESOLVED, Status.REJECTED}),
        # The customer disagrees with the resolution and goes to OJK, a LAPS or court.
        Status.RESOLVED: frozenset({Status.ESCALATED}),
        Status.REJECTED: frozenset(),
        Status.ESCALATED: frozenset(),
    }
)


class IllegalTransition(Refused, ValueError):
    """A case may not move from its current status to the requested one (409)."""

    status = 409
    error = "illegal_transition"

    def __init__(self, current: Status, new: Status) -> None:
        super().__init__(
            f"a case cannot go from {current} to {new}",
            field="status",
            current=current.value,
            requested=new.value,
            allowed=sorted(status.value for status in TRANSITIONS[current]),
        )
        self.current = current
        self.new = new


def parse_status(value: str) -> Status:
    """The Status named by `value`; ValueError for an unknown one."""
    try:
        return Status(value)
    except ValueError:
        raise ValueError(f"unknown status {value!r}") from None


def allowed_transitions(current: str) -> frozenset[Status]:
    """The statuses a case in `current` may move to."""
    return TRANSITIONS[parse_status(current)]


def check_transition(current: str, new: str) -> None:
    """Raise IllegalTransition unless a case may go from `current` to `new`."""
    source, target = parse_status(current), parse_status(new)
    if target not in TRANSITIONS[source]:
        raise IllegalTransition(source, target)
