"""`/api/cases/<register_number>/documents`: upload (multipart), list and download documents."""

from __future__ import annotations

from urllib.parse import quote

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json, raw

from backend import services
from backend.api.errors import ApiError, install_error_handlers
from backend.schemas_handling import DocumentPublic, parse_actor
from backend.uploads import read_upload


async def upload_document(request: Request, register_number: str) -> HTTPResponse:
    """`POST …/documents` multipart with `file` and `actor` → 201 document (200 if kept before)."""
    body = await read_upload(request) if request.stream is not None else b""
    content_type = request.headers.get("content-type", "")
    if not content_type.lower().startswith("multipart/form-data"):
        raise ApiError(
            415,
            "unsupported_media_type",
            field="Content-Type",
            detail="send multipart/form-data with a `file` part",
        )
    request.body = body
    form = request.get_form()
    upload = request.parsed_files.get("file") if request.parsed_files else None
    if upload is None:
        raise ApiError(422, "invalid_field", field="file", detail="a `file` part is required")
    actor = parse_actor(form.get("actor") if form else None)
    async with request.app.ctx.db.session() as session:
        case, document, created = await services.add_document(
            session,
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
    async with request.app.ctx.db.session() as session:
        case, documents = await services.list_documents(session, register_number)
    items = [DocumentPublic.from_record(d, case.register_number).as_dict() for d in documents]
    return json({"items": items})


async def download_document(
    request: Request, register_number: str, document_id: int
) -> HTTPResponse:
    """`GET …/documents/<id>` → the file, as an attachment with its original name."""
    async with request.app.ctx.db.session() as session:
        try:
            document, content = await services.document_file(
                session, request.app.ctx.documents, register_number, document_id
            )
        except FileNotFoundError:
            raise ApiError(500, "document_file_missing", detail="the stored file is gone") from None
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
    blueprint = Blueprint("api_documents", url_prefix="/cases")
    blueprint.add_route(
        upload_document, "/<register_number:str>/documents", methods=["POST"], stream=True
    )
    blueprint.add_route(list_documents, "/<register_number:str>/documents", methods=["GET"])
    blueprint.add_route(
        download_document, "/<register_number:str>/documents/<document_id:int>", methods=["GET"]
    )
    install_error_handlers(blueprint)
    return blueprint
