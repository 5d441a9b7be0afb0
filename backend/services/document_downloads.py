"""A document fetched by an agent in the console: its bytes, and the download in the trail."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.tables import Document
from backend.services.audit import record_event
from backend.services.cases import require_case
from backend.services.documents import document_file
from backend.storage import DocumentStore

DOWNLOADED = "document_downloaded"


async def fetch_document(
    session: AsyncSession,
    store: DocumentStore,
    register_number: str,
    document_id: int,
    *,
    actor: str,
    preview: bool,
    now: datetime | None = None,
) -> tuple[Document, bytes]:
    """The document and its bytes; each download (not a preview) is a case event, committed.

    DocumentNotFound when the case has no such document; FileNotFoundError if its file is gone.
    """
    document, content = await document_file(session, store, register_number, document_id)
    if not preview:
        case = await require_case(session, register_number)
        record_event(
            session,
            case,
            at=now or datetime.now(UTC),
            actor=actor,
            action=DOWNLOADED,
            before=None,
            after={
                "document": {"id": document.id, "original_filename": document.original_filename}
            },
        )
        await session.commit()
    return document, content
