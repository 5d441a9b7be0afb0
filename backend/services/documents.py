"""Use cases of supporting documents: keep an upload once per case, list and fetch them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import repository
from backend.db.tables import CaseRecord, Document
from backend.domain.documents import check_document
from backend.domain.refusal import NotFound
from backend.services.audit import record_event
from backend.services.cases import require_case
from backend.storage import DocumentStore


class DocumentNotFound(NotFound):
    """The case has no document with this id."""

    what = "document"


async def add_document(
    session: AsyncSession,
    store: DocumentStore,
    register_number: str,
    content: bytes,
    *,
    declared_type: str | None,
    filename: str | None,
    actor: str,
    now: datetime | None = None,
) -> tuple[CaseRecord, Document, bool]:
    """Keep an accepted upload: file first, then its row and event; (case, document, created).

    The same content sent again to the same case returns the document already kept.
    Nothing stays on disk or in the database when the upload is refused or fails.
    """
    case = await require_case(session, register_number)
    accepted = check_document(content, declared_type, filename)
    existing = await repository.document_by_sha256(session, case.id, accepted.sha256)
    if existing is not None:
        return case, existing, False
    now = now or datetime.now(UTC)
    relative = store.relative_path(case.register_number, accepted.sha256, accepted.extension)
    wrote_file = await store.save(relative, content)
    document = Document(
        case_id=case.id,
        original_filename=accepted.filename,
        content_type=accepted.content_type,
        size=accepted.size,
        sha256=accepted.sha256,
        stored_path=relative,
        uploaded_by=actor,
        uploaded_at=now,
    )
    try:
        repository.add_document(session, document)
        await session.flush()
        record_event(
            session,
            case,
            at=now,
            actor=actor,
            action="document_added",
            before=None,
            after={"document": _summary(document)},
        )
        await session.commit()
    except IntegrityError:
        await session.rollback()
        existing = await repository.document_by_sha256(session, case.id, accepted.sha256)
        if existing is not None:
            return case, existing, False
        if wrote_file:
            await store.delete(relative)
        raise
    except BaseException:
        await session.rollback()
        if wrote_file:
            await store.delete(relative)
        raise
    return case, document, True


async def list_documents(
    session: AsyncSession, register_number: str
) -> tuple[CaseRecord, Sequence[Document]]:
    """The case and its documents, oldest first."""
    case = await require_case(session, register_number)
    return case, await repository.documents_of_case(session, case.id)


async def document_file(
    session: AsyncSession, store: DocumentStore, register_number: str, document_id: int
) -> tuple[Document, bytes]:
    """A document's metadata and bytes; DocumentNotFound if the case has no such document."""
    case = await require_case(session, register_number)
    document = await repository.document_of_case(session, case.id, document_id)
    if document is None:
        raise DocumentNotFound(document_id)
    return document, await store.read(document.stored_path)


def _summary(document: Document) -> dict[str, object]:
    return {
        "id": document.id,
        "original_filename": document.original_filename,
        "content_type": document.content_type,
        "size": document.size,
        "sha256": document.sha256,
    }
