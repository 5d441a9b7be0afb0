"""The stored records services hand to the surfaces: no surface needs to import the database."""

from backend.db.tables import Agent, CaseRecord, Conversation, Message

__all__ = ["Agent", "CaseRecord", "Conversation", "Message"]
