"""How a stored document leaves the console: as an attachment, or inline for a preview.

Only PNG, JPEG and PDF are ever shown inline; everything else is downloaded. The headers
keep a browser from guessing another type and from running anything the file carries.
"""

from __future__ import annotations

from urllib.parse import quote

PREVIEW_TYPES = frozenset({"image/png", "image/jpeg", "application/pdf"})
IMAGE_TYPES = frozenset({"image/png", "image/jpeg"})

# The preview's own policy: nothing loads or runs; only the console may frame it.
PREVIEW_POLICY = (
    "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; object-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
)
# An image needs no plugin: it is also sandboxed (no scripts, no same-origin access).
IMAGE_PREVIEW_POLICY = PREVIEW_POLICY + "; sandbox"
# A download is never shown by the browser; if it were, nothing in it would run.
DOWNLOAD_POLICY = "default-src 'none'; base-uri 'none'; form-action 'none'; sandbox"


def previewable(content_type: str) -> bool:
    """Whether a document of `content_type` may be shown inline."""
    return content_type in PREVIEW_TYPES


def is_image(content_type: str) -> bool:
    return content_type in IMAGE_TYPES


def content_disposition(disposition: str, filename: str) -> str:
    """`attachment` or `inline` with the original name: an ASCII fallback and the UTF-8 form.

    Quotes, backslashes, control characters and path separators never reach the header.
    """
    if disposition not in ("attachment", "inline"):
        raise ValueError(f"unknown disposition {disposition!r}")
    name = filename.replace("/", "_").replace("\\", "_") or "dokumen"
    fallback = "".join(
        char if 0x20 <= ord(char) < 0x7F and char not in '"%;' else "_" for char in name
    )
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def delivery_headers(content_type: str, filename: str, *, preview: bool) -> dict[str, str]:
    """The headers of a document's response; ValueError for a preview of a type never inline."""
    if preview and not previewable(content_type):
        raise ValueError(f"{content_type} is never shown inline")
    headers = {"X-Content-Type-Options": "nosniff"}
    if preview:
        headers["Content-Disposition"] = content_disposition("inline", filename)
        headers["Content-Security-Policy"] = (
            IMAGE_PREVIEW_POLICY if is_image(content_type) else PREVIEW_POLICY
        )
        headers["X-Frame-Options"] = "SAMEORIGIN"
    else:
        headers["Content-Disposition"] = content_disposition("attachment", filename)
        headers["Content-Security-Policy"] = DOWNLOAD_POLICY
    return headers


def readable_size(size: int) -> str:
    """A file size as agents read it: "850 B", "12,3 KB", "4,5 MB" (decimal comma)."""
    if size < 1000:
        return f"{size} B"
    for unit, factor in (("KB", 1000), ("MB", 1000**2)):
        if size < factor * 1000 or unit == "MB":
            return f"{size / factor:.1f} {unit}".replace(".", ",")
    return f"{size} B"  # pragma: no cover - the loop always returns
