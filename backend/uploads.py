"""Document uploads over HTTP: the multipart body read within its cap.

Shared by the case API's upload and the web widget's; neither surface imports the other.
"""

from __future__ import annotations

from sanic import Request

from backend.domain.documents import MAX_DOCUMENT_BYTES, DocumentRefused

MULTIPART_ALLOWANCE = 64 * 1024  # part headers and the actor field around the file
MAX_UPLOAD_BYTES = MAX_DOCUMENT_BYTES + MULTIPART_ALLOWANCE
# A somewhat larger body is read to its end so the client gets its 413; beyond this we stop.
DRAIN_LIMIT_BYTES = 4 * MAX_UPLOAD_BYTES


async def read_upload(request: Request) -> bytes:
    """The streamed request body, kept only up to MAX_UPLOAD_BYTES; DocumentRefused beyond."""
    kept: list[bytes] = []
    size = 0
    while (chunk := await request.stream.read()) is not None:
        size += len(chunk)
        if size <= MAX_UPLOAD_BYTES:
            kept.append(chunk)
        elif size > DRAIN_LIMIT_BYTES:
            break
    if size > MAX_UPLOAD_BYTES:
        raise DocumentRefused("too_large", f"at most {MAX_DOCUMENT_BYTES} bytes")
    return b"".join(kept)
