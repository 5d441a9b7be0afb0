"""Supporting documents are judged by their content: PDF, JPEG or PNG, at most 10 MiB."""

import hashlib

import pytest

from backend.domain.documents import (
    MAX_DOCUMENT_BYTES,
    DocumentRefused,
    check_document,
    safe_filename,
    sniff_content_type,
)

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32


@pytest.mark.parametrize(
    ("content", "declared", "content_type", "extension"),
    [
        (PDF, "application/pdf", "application/pdf", ".pdf"),
        (JPEG, "image/jpeg", "image/jpeg", ".jpg"),
        (JPEG, "image/jpg", "image/jpeg", ".jpg"),
        (PNG, "image/png; name=x.png", "image/png", ".png"),
        (PNG, "application/octet-stream", "image/png", ".png"),
        (PDF, None, "application/pdf", ".pdf"),
    ],
)
def test_a_pdf_jpeg_or_png_is_accepted_under_its_sniffed_type(
    content: bytes, declared: str | None, content_type: str, extension: str
) -> None:
    accepted = check_document(content, declared, "bukti.bin")

    assert (accepted.content_type, accepted.extension) == (content_type, extension)
    assert accepted.size == len(content)
    assert accepted.sha256 == hashlib.sha256(content).hexdigest()


@pytest.mark.parametrize(
    "content",
    [b"GIF89a\x01\x00", b"MZ\x90\x00 windows executable", b"<html><script>", b"PK\x03\x04zip"],
)
def test_any_other_content_is_refused_whatever_it_is_called(content: bytes) -> None:
    with pytest.raises(DocumentRefused) as refused:
        check_document(content, "application/pdf", "ktp.pdf")

    assert refused.value.reason in {"unsupported_type", "type_mismatch"}
    assert sniff_content_type(content) is None


def test_a_declared_type_that_differs_from_the_content_is_refused() -> None:
    with pytest.raises(DocumentRefused) as refused:
        check_document(PNG, "application/pdf", "surat.pdf")

    assert refused.value.reason == "type_mismatch"


def test_a_document_over_ten_mebibytes_is_refused_and_exactly_ten_is_accepted() -> None:
    limit = PDF + b"0" * (MAX_DOCUMENT_BYTES - len(PDF))

    assert check_document(limit, "application/pdf", "a.pdf").size == MAX_DOCUMENT_BYTES
    with pytest.raises(DocumentRefused) as refused:
        check_document(limit + b"0", "application/pdf", "a.pdf")
    assert refused.value.reason == "too_large"


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(DocumentRefused) as refused:
        check_document(b"", "application/pdf", "a.pdf")

    assert refused.value.reason == "empty"


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("KTP Siti.pdf", "KTP Siti.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\siti\\bukti transfer.png", "bukti transfer.png"),
        ("bad\x00name\n.jpg", "badname.jpg"),
        ("", "document"),
        (None, "document"),
        ("..", "document"),
    ],
)
def test_the_original_file_name_is_kept_without_path_or_control_characters(
    name: str | None, kept: str
) -> None:
    assert safe_filename(name) == kept
