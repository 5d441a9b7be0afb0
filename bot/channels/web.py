"""The web widget channel: its websocket, transcript and upload routes, and the widget's files.

    GET  /widget/widget.js, /widget/widget.css               the embeddable widget
    WS   /webhooks/web/socket                                 chat (frames: web_socket.py)
    GET  /webhooks/web/conversations/<id>/transcript          the chat so far, after a reload
    POST /webhooks/web/conversations/<id>/documents           a supporting document (multipart)

The HTTP routes need the conversation's token (`X-Widget-Token`), issued by the socket's
`session` frame; they answer any origin (CORS), since the widget runs on other sites.
"""

from __future__ import annotations

from pathlib import Path

from sanic import Blueprint, Request, Websocket
from sanic.response import HTTPResponse, empty, json

from backend.domain.documents import DocumentRefused
from backend.rate_limits import client_address
from backend.uploads import read_upload
from bot.channels.pending_quota import PendingRefused
from bot.channels.web_channel import WebChannel
from bot.channels.web_socket import WidgetConnection
from bot.channels.web_transcript import load_transcript

WIDGET_DIR = Path(__file__).resolve().parent.parent / "widget"
TOKEN_HEADER = "X-Widget-Token"  # noqa: S105 -- a header name
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": f"{TOKEN_HEADER}, Content-Type",
    "Access-Control-Max-Age": "600",
}
CONVERSATION = "/conversations/<conversation_id:str>"

web = Blueprint("web_channel", url_prefix="/webhooks/web")
widget = Blueprint("web_widget")
widget.static("/widget", WIDGET_DIR, name="files")


@web.websocket("/socket")
async def socket(request: Request, ws: Websocket) -> None:
    """Serve one widget until it disconnects."""
    limits, address = request.app.ctx.rate_limits, client_address(request)
    await WidgetConnection(_channel(request), ws, limits=limits, address=address).serve()


@web.get(f"{CONVERSATION}/transcript")
async def transcript(request: Request, conversation_id: str) -> HTTPResponse:
    """The conversation's messages as the widget shows them; only with its token."""
    channel = _channel(request)
    refused = _refused(request, channel, conversation_id)
    if refused is not None:
        return refused
    items = await load_transcript(channel.sessions, conversation_id)
    pending = channel.documents.pending_count(conversation_id)
    body = {"conversation_id": conversation_id, "items": items, "pending_documents": pending}
    return json(body, headers=CORS_HEADERS)


async def upload(request: Request, conversation_id: str) -> HTTPResponse:
    """A PDF, JPEG or PNG up to 10 MiB: 201, attached to the case or pending until it exists.

    429 (with `Retry-After`) over the upload rate limits or when too many wait for the case,
    413 when the waiting ones would grow too large.
    """
    channel = _channel(request)
    refused = _refused(request, channel, conversation_id)
    if refused is not None:
        return refused
    throttled = await request.app.ctx.rate_limits.upload(conversation_id, client_address(request))
    if throttled is not None:
        return _try_later(429, "rate_limited", throttled.detail, throttled.retry_after)
    try:
        request.body = await read_upload(request)
    except DocumentRefused as exc:
        return _document_refused(exc)
    if not request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
        return _error(415, "unsupported_media_type", "Content-Type", "send multipart/form-data")
    request.get_form()
    file = request.parsed_files.get("file") if request.parsed_files else None
    if file is None:
        return _error(422, "invalid_field", "file", "a `file` part is required")
    try:
        result = await channel.documents.upload(
            conversation_id, file.body, declared_type=file.type, filename=file.name
        )
    except DocumentRefused as exc:
        return _document_refused(exc)
    except PendingRefused as exc:
        return _try_later(
            exc.status, "pending_documents_full", exc.detail, exc.retry_after, reason=exc.reason
        )
    await channel.attach_pending(conversation_id)
    return json(result.as_dict(), status=201, headers=CORS_HEADERS)


web.add_route(upload, f"{CONVERSATION}/documents", methods=["POST"], stream=True)


@web.options(f"{CONVERSATION}/transcript")
async def transcript_preflight(request: Request, conversation_id: str) -> HTTPResponse:
    """CORS preflight of the transcript."""
    return empty(headers=CORS_HEADERS)


@web.options(f"{CONVERSATION}/documents")
async def upload_preflight(request: Request, conversation_id: str) -> HTTPResponse:
    """CORS preflight of the upload."""
    return empty(headers=CORS_HEADERS)


def _channel(request: Request) -> WebChannel:
    channel = request.app.ctx.senders.get("web")
    assert isinstance(channel, WebChannel)  # noqa: S101 -- wired by the app factory
    return channel


def _refused(request: Request, channel: WebChannel, conversation_id: str) -> HTTPResponse | None:
    """401 without the token, 403 with a wrong one; None when it proves the conversation."""
    token = request.headers.get(TOKEN_HEADER)
    if not token:
        return _error(401, "unauthorized", TOKEN_HEADER, "the conversation's token is required")
    if not channel.tokens.matches(conversation_id, token):
        return _error(403, "forbidden", TOKEN_HEADER, "the token is not this conversation's")
    return None


def _document_refused(exc: DocumentRefused) -> HTTPResponse:
    return _error(exc.status, "document_refused", "file", exc.detail, reason=exc.reason)


def _try_later(
    status: int, error: str, detail: str, retry_after: int | None, **extra: str
) -> HTTPResponse:
    """An upload refused for now: `Retry-After`, also in the body (which CORS lets JS read)."""
    body: dict[str, object] = {"error": error, "field": "file", "detail": detail, **extra}
    headers = dict(CORS_HEADERS)
    if retry_after is not None:
        body["retry_after"] = retry_after
        headers["Retry-After"] = str(retry_after)
    return json(body, status=status, headers=headers)


def _error(status: int, error: str, field: str, detail: str, **extra: str) -> HTTPResponse:
    body = {"error": error, "field": field, "detail": detail, **extra}
    return json(body, status=status, headers=CORS_HEADERS)
