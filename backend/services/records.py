"""The stored records services hand to the surfaces: no surface needs to import the database."""

from backend.db.note_tables import CaseNote
from backend.db.tables import Agent, CaseRecord, Conversation, Document, Message

__all__ = ["Agent", "CaseNote", "CaseRecord", "Conversation", "Document", "Message"]
