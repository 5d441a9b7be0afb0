"""Use cases of the case API and the gateway; each takes a session and commits its work."""

from backend.services.agents import add_agent
from backend.services.cases import (
    CaseNotFound,
    find_cases,
    get_case,
    list_cases_for_conversation,
    open_case,
    register_period,
)
from backend.services.conversations import (
    HANDLERS,
    SENDERS,
    ConversationNotFound,
    get_conversation,
    record_message,
    set_handled_by,
    set_rating,
)
from backend.services.documents import add_document, document_file, list_documents
from backend.services.handling import (
    assign,
    case_events,
    extend,
    reject,
    request_documents,
    resolve,
    transition,
)

__all__ = [
    "HANDLERS",
    "SENDERS",
    "CaseNotFound",
    "ConversationNotFound",
    "add_agent",
    "add_document",
    "assign",
    "case_events",
    "document_file",
    "extend",
    "find_cases",
    "get_case",
    "get_conversation",
    "list_cases_for_conversation",
    "list_documents",
    "open_case",
    "record_message",
    "register_period",
    "reject",
    "request_documents",
    "resolve",
    "set_handled_by",
    "set_rating",
    "transition",
]
