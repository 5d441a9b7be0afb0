"""`/console/cases/<number>/documents/<id>`: a case's documents, downloaded or previewed.

Only signed-in agents reach these routes (the console's middleware). A download is an
attachment; a preview is inline only for PNG, JPEG and PDF, under a policy of its own.
Each download is kept in the case's history.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sanic import Request
from sanic.response import HTTPResponse, raw

from backend import services
from backend.domain.document_delivery import (
    delivery_headers,
    is_image,
    previewable,
    readable_size,
)
from backend.domain.refusal import Refused
from backend.domain.register_number import RegisterNumberError
from backend.services.document_downloads import fetch_document
from backend.services.records import Document


def document_rows(register_number: str, documents: Sequence[Document]) -> list[dict[str, Any]]:
    """The case page's list: name, type, size, from whom, when, and where to get each."""
    base = f"/console/cases/{register_number}/documents"
    return [
        {
            "id": document.id,
            "filename": document.original_filename,
            "content_type": document.content_type,
            "size": readable_size(document.size),
            "uploaded_by": document.uploaded_by,
            "uploaded_at": document.uploaded_at,
            "download": f"{base}/{document.id}",
            "preview": f"{base}/{document.id}/preview"
            if previewable(document.content_type)
            else "",
            "image": is_image(document.content_type),
        }
        for document in documents
    ]


async def case_documents(request: Request, register_number: str) -> list[dict[str, Any]]:
    """The rows of the case's documents, oldest first."""
    case, documents = await services.list_documents(request.ctx.db_session, register_number)
    return document_rows(case.register_number, documents)


async def download_document(
    request: Request, register_number: str, document_id: int
) -> HTTPResponse:
    """`GET …/documents/<id>`: the file as an attachment; the download is recorded."""
    return await _deliver(request, register_number, document_id, preview=False)


async def preview_document(
    request: Request, register_number: str, document_id: int
) -> HTTPResponse:
    """`GET …/documents/<id>/preview`: an image or PDF inline; 415 for any other type."""
    return await _deliver(request, register_number, document_id, preview=True)


async def _deliver(
    request: Request, register_number: str, document_id: int, *, preview: bool
) -> HTTPResponse:
    try:
        document, content = await fetch_document(
            request.ctx.db_session,
            request.app.ctx.documents,
            register_number,
            document_id,
            actor=request.ctx.agent.username,
            preview=preview,
            now=request.app.ctx.clock(),
        )
    except RegisterNumberError:  # a malformed number in the path: there is no such case
        raise services.CaseNotFound(register_number) from None
    except Refused:
        raise
    except ValueError:  # a stored path that leads outside the store: never followed
        raise Refused(
            "the stored path is refused", status=500, error="document_path_refused"
        ) from None
    except FileNotFoundError:
        raise Refused(
            "the stored file is gone", status=500, error="document_file_missing"
        ) from None
    if preview and not previewable(document.content_type):
        raise Refused(
            "only images and PDF are shown inline; download it",
            status=415,
            error="unsupported_media_type",
        )
    headers = delivery_headers(document.content_type, document.original_filename, preview=preview)
    headers["ETag"] = f'"{document.sha256}"'
    return raw(content, content_type=document.content_type, headers=headers)
