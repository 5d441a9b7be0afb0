"""`/api/cases/<register_number>/documents`: upload (multipart), list and download documents."""

from __future__ import annotations

from urllib.parse import quote

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json, raw

from backend import services
from backend.blueprints import build_blueprint, get, post
from backend.domain.refusal import Refused
from backend.schemas_handling import DocumentPublic, parse_actor
from backend.uploads import read_upload


async def upload_document(request: Request, register_number: str) -> HTTPResponse:
    """`POST …/documents` multipart with `file` and `actor` → 201 document (200 if kept before)."""
    body = await read_upload(request) if request.stream is not None else b""
    content_type = request.headers.get("content-type", "")
    if not content_type.lower().startswith("multipart/form-data"):
        raise Refused(
            "send multipart/form-data with a `file` part",
            field="Content-Type",
            status=415,
            error="unsupported_media_type",
        )
    request.body = body
    form = request.get_form()
    upload = request.parsed_files.get("file") if request.parsed_files else None
    if upload is None:
        raise Refused("a `file` part is required", field="file")
    actor = parse_actor(form.get("actor") if form else None)
    case, document, created = await services.add_document(
        request.ctx.db_session,
        request.app.ctx.documents,
        register_number,
        upload.body,
        declared_type=upload.type,
        filename=upload.name,
        actor=actor,
        now=request.app.ctx.clock(),
    )
    public = DocumentPublic.from_record(document, case.register_number)
    return json(public.as_dict(), status=201 if created else 200)


async def list_documents(request: Request, register_number: str) -> HTTPResponse:
    """`GET …/documents` → {"items": [document, ...]}, oldest first."""
    case, documents = await services.list_documents(request.ctx.db_session, register_number)
    items = [DocumentPublic.from_record(d, case.register_number).as_dict() for d in documents]
    return json({"items": items})


async def download_document(
    request: Request, register_number: str, document_id: int
) -> HTTPResponse:
    """`GET …/documents/<id>` → the file, as an attachment with its original name."""
    try:
        document, content = await services.document_file(
            request.ctx.db_session, request.app.ctx.documents, register_number, document_id
        )
    except FileNotFoundError:
        raise Refused(
            "the stored file is gone", status=500, error="document_file_missing"
        ) from None
    fallback = document.original_filename.encode("ascii", "replace").decode().replace('"', "'")
    disposition = (
        f'attachment; filename="{fallback}"; '
        f"filename*=UTF-8''{quote(document.original_filename, safe='')}"
    )
    return raw(
        content,
        content_type=document.content_type,
        headers={
            "Content-Disposition": disposition,
            "X-Content-Type-Options": "nosniff",
            "ETag": f'"{document.sha256}"',
        },
    )


def documents_blueprint() -> Blueprint:
    """The document routes, relative to the API prefix; the upload streams its body."""
    return build_blueprint(
        "api_documents",
        post("/<register_number:str>/documents", upload_document, stream=True),
        get("/<register_number:str>/documents", list_documents),
        get("/<register_number:str>/documents/<document_id:int>", download_document),
        url_prefix="/cases",
    )
