"""How a document leaves the console: attachment or inline preview, and the headers of each."""

from __future__ import annotations

import pytest

from backend.domain.document_delivery import (
    content_disposition,
    delivery_headers,
    previewable,
    readable_size,
)


def test_only_png_jpeg_and_pdf_are_previewable() -> None:
    assert [previewable(t) for t in ("image/png", "image/jpeg", "application/pdf")] == [True] * 3
    assert not any(previewable(t) for t in ("text/html", "image/svg+xml", "application/zip", ""))


def test_a_download_is_an_attachment_under_a_sandboxing_policy() -> None:
    headers = delivery_headers("image/png", "foto.png", preview=False)

    assert headers["Content-Disposition"].startswith("attachment;")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in headers


def test_an_image_preview_is_inline_sandboxed_and_frameable_by_the_console_only() -> None:
    headers = delivery_headers("image/jpeg", "foto.jpg", preview=True)

    assert headers["Content-Disposition"].startswith("inline;")
    assert "sandbox" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "SAMEORIGIN"


def test_a_pdf_preview_loads_nothing_from_elsewhere() -> None:
    policy = delivery_headers("application/pdf", "surat.pdf", preview=True)[
        "Content-Security-Policy"
    ]

    assert policy.startswith("default-src 'none'")
    assert "script-src" not in policy and "form-action 'none'" in policy


def test_a_preview_of_any_other_type_is_refused() -> None:
    with pytest.raises(ValueError, match="never shown inline"):
        delivery_headers("text/html", "x.html", preview=True)


def test_the_file_name_keeps_its_utf8_form_and_an_ascii_fallback_without_quotes() -> None:
    header = content_disposition("attachment", 'bukti "transfer" ü.pdf')

    assert header == (
        'attachment; filename="bukti _transfer_ _.pdf"; '
        "filename*=UTF-8''bukti%20%22transfer%22%20%C3%BC.pdf"
    )


def test_path_separators_and_control_characters_never_reach_the_header() -> None:
    header = content_disposition("inline", "../..\\etc/pass\r\nX-Evil: 1")

    assert "/" not in header.split("filename*=")[0]
    assert "\r" not in header and "\n" not in header
    assert "\\" not in header


def test_an_unknown_disposition_is_refused() -> None:
    with pytest.raises(ValueError):
        content_disposition("form-data", "a.pdf")


@pytest.mark.parametrize(
    ("size", "shown"),
    [(0, "0 B"), (999, "999 B"), (1000, "1,0 KB"), (12_345, "12,3 KB"), (4_500_000, "4,5 MB")],
)
def test_sizes_read_the_indonesian_way(size: int, shown: str) -> None:
    assert readable_size(size) == shown
