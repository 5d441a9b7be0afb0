"""Supporting documents: which files are accepted, judged by their content, not their label."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

from backend.domain.refusal import Refused

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024  # 10 MiB
FILENAME_MAX_CHARS = 255

# Content type -> (leading bytes, file extension). Copies of ID cards, letters, receipts.
SIGNATURES: dict[str, tuple[bytes, str]] = {
    "application/pdf": (b"%PDF-", ".pdf"),
    "image/jpeg": (b"\xff\xd8\xff", ".jpg"),
    "image/png": (b"\x89PNG\r\n\x1a\n", ".png"),
}
ALLOWED_TYPES = tuple(SIGNATURES)

# Labels clients put on the same formats, and labels that say nothing.
_ALIASES = {
    "application/x-pdf": "application/pdf",
    "image/jpg": "image/jpeg",
    "image/pjpeg": "image/jpeg",
    "image/x-png": "image/png",
}
_UNLABELLED = frozenset({"", "application/octet-stream", "binary/octet-stream"})
_UNSAFE_CHARACTERS = re.compile(r"[\x00-\x1f\x7f/\\]")
# The status of each reason an upload is refused for; any other reason answers 422.
DOCUMENT_REFUSAL_STATUS = {"too_large": 413, "unsupported_type": 415, "type_mismatch": 415}


class DocumentRefused(Refused, ValueError):
    """An upload not kept; `reason`: too_large, empty, unsupported_type or type_mismatch."""

    error = "document_refused"

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(
            detail, field="file", status=DOCUMENT_REFUSAL_STATUS.get(reason, 422), reason=reason
        )


@dataclass(frozen=True)
class AcceptedDocument:
    """A checked upload: its sniffed type, extension, size and SHA-256."""

    filename: str
    content_type: str
    extension: str
    size: int
    sha256: str


def sniff_content_type(content: bytes) -> str | None:
    """The allowed type whose signature `content` starts with, or None."""
    for content_type, (signature, _) in SIGNATURES.items():
        if content.startswith(signature):
            return content_type
    return None


def safe_filename(name: str | None) -> str:
    """The original file name fit for metadata: last path part, no control characters."""
    text = unicodedata.normalize("NFC", name or "")
    text = re.split(r"[/\\]", text)[-1]
    text = _UNSAFE_CHARACTERS.sub("", text).strip().strip(".")
    return text[-FILENAME_MAX_CHARS:] or "document"


def check_document(
    content: bytes, declared_type: str | None, filename: str | None
) -> AcceptedDocument:
    """Accept a PDF, JPEG or PNG of at most MAX_DOCUMENT_BYTES whose label does not lie."""
    if len(content) > MAX_DOCUMENT_BYTES:
        raise DocumentRefused("too_large", f"at most {MAX_DOCUMENT_BYTES} bytes")
    if not content:
        raise DocumentRefused("empty", "the file is empty")
    sniffed = sniff_content_type(content)
    if sniffed is None:
        raise DocumentRefused("unsupported_type", f"only {', '.join(ALLOWED_TYPES)} are accepted")
    declared = (declared_type or "").split(";")[0].strip().lower()
    declared = _ALIASES.get(declared, declared)
    if declared not in _UNLABELLED and declared != sniffed:
        raise DocumentRefused(
            "type_mismatch", f"the content is {sniffed} but was declared {declared}"
        )
    return AcceptedDocument(
        filename=safe_filename(filename),
        content_type=sniffed,
        extension=SIGNATURES[sniffed][1],
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
