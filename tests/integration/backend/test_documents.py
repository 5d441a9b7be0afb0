"""Supporting documents over HTTP: kept once on disk and in the database, or not at all."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from backend.db.engine import Database
from backend.db.tables import Document
from backend.domain.documents import MAX_DOCUMENT_BYTES
from backend.domain.register_number import make_register_number
from tests.integration.backend.conftest import RunningApp
from tests.integration.backend.support import case_body

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(64))
AGENT = "Budi Santoso"


@pytest.fixture
async def number(api: httpx.AsyncClient) -> str:
    """A fresh case's register number."""
    response = await api.post("/api/cases", json=case_body(product="Pinjaman konsumtif"))
    assert response.status_code == 201
    return str(response.json()["register_number"])


async def upload(
    api: httpx.AsyncClient,
    number: str,
    content: bytes,
    *,
    name: str = "bukti.pdf",
    content_type: str = "application/pdf",
    actor: str | None = AGENT,
) -> httpx.Response:
    data = {"actor": actor} if actor is not None else {}
    files = {"file": (name, content, content_type)}
    return await api.post(f"/api/cases/{number}/documents", data=data, files=files, timeout=60)


async def stored_rows(db: Database) -> int:
    async with db.session() as session:
        return int((await session.execute(select(func.count()).select_from(Document))).scalar())


async def actions(api: httpx.AsyncClient, number: str) -> list[str]:
    return [e["action"] for e in (await api.get(f"/api/cases/{number}/events")).json()["items"]]


async def test_an_uploaded_pdf_is_kept_with_its_metadata_and_an_event(
    api: httpx.AsyncClient, running_app: RunningApp, number: str, db: Database
) -> None:
    response = await upload(api, number, PDF, name="Bukti transfer Siti.pdf")

    document = response.json()
    sha = hashlib.sha256(PDF).hexdigest()
    assert response.status_code == 201, response.text
    assert document["original_filename"] == "Bukti transfer Siti.pdf"
    assert (document["content_type"], document["size"], document["sha256"]) == (
        "application/pdf",
        len(PDF),
        sha,
    )
    assert document["uploaded_by"] == AGENT
    assert document["download_url"] == f"/api/cases/{number}/documents/{document['id']}"
    store = running_app.app.ctx.documents
    assert store.files() == [store.root / number / f"{sha}.pdf"]
    assert await stored_rows(db) == 1
    assert await actions(api, number) == ["opened", "document_added"]


async def test_the_same_file_sent_twice_is_kept_once(
    api: httpx.AsyncClient, running_app: RunningApp, number: str, db: Database
) -> None:
    first = await upload(api, number, PDF)
    again = await upload(api, number, PDF, name="lagi.pdf")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert len(running_app.app.ctx.documents.files()) == 1
    assert await stored_rows(db) == 1
    assert await actions(api, number) == ["opened", "document_added"]


async def test_documents_are_listed_and_downloaded_under_their_original_name(
    api: httpx.AsyncClient, number: str
) -> None:
    pdf = (await upload(api, number, PDF, name="KTP Siti – scan.pdf")).json()
    png = (await upload(api, number, PNG, name="foto.png", content_type="image/png")).json()

    listed = await api.get(f"/api/cases/{number}/documents")
    download = await api.get(png["download_url"])
    download_pdf = await api.get(pdf["download_url"])

    assert listed.status_code == 200
    assert listed.json() == {"items": [pdf, png]}
    assert download.status_code == 200
    assert download.content == PNG
    assert download.headers["content-type"] == "image/png"
    assert download.headers["x-content-type-options"] == "nosniff"
    assert download.headers["content-disposition"].startswith("attachment;")
    assert (
        "filename*=UTF-8''KTP%20Siti%20%E2%80%93%20scan.pdf"
        in (download_pdf.headers["content-disposition"])
    )


async def assert_nothing_kept(
    api: httpx.AsyncClient, running_app: RunningApp, number: str, db: Database
) -> None:
    assert running_app.app.ctx.documents.files() == []
    assert await stored_rows(db) == 0
    assert await actions(api, number) == ["opened"]


@pytest.mark.parametrize("extra", [1, 3 * MAX_DOCUMENT_BYTES])
async def test_a_document_over_ten_mebibytes_answers_413_and_nothing_is_kept(
    api: httpx.AsyncClient, running_app: RunningApp, number: str, db: Database, extra: int
) -> None:
    content = PDF + b"0" * (MAX_DOCUMENT_BYTES - len(PDF) + extra)

    response = await upload(api, number, content)

    assert response.status_code == 413, response.text
    assert response.json()["error"] == "document_refused"
    assert response.json()["reason"] == "too_large"
    await assert_nothing_kept(api, running_app, number, db)


async def test_a_document_of_exactly_ten_mebibytes_is_kept(
    api: httpx.AsyncClient, number: str
) -> None:
    content = PDF + b"0" * (MAX_DOCUMENT_BYTES - len(PDF))

    response = await upload(api, number, content)

    assert response.status_code == 201, response.text
    assert response.json()["size"] == MAX_DOCUMENT_BYTES


@pytest.mark.parametrize(
    ("content", "name", "content_type", "reason"),
    [
        (b"GIF89a\x01\x00\x01\x00", "foto.gif", "image/gif", "unsupported_type"),
        (b"Ini bukan PDF", "surat.pdf", "application/pdf", "unsupported_type"),
        (b"MZ\x90\x00\x03", "bukti.pdf", "application/octet-stream", "unsupported_type"),
        (PNG, "surat.pdf", "application/pdf", "type_mismatch"),
    ],
)
async def test_a_file_that_is_not_a_pdf_jpeg_or_png_by_content_answers_415(
    api: httpx.AsyncClient,
    running_app: RunningApp,
    number: str,
    db: Database,
    content: bytes,
    name: str,
    content_type: str,
    reason: str,
) -> None:
    response = await upload(api, number, content, name=name, content_type=content_type)

    assert response.status_code == 415, response.text
    assert response.json()["reason"] == reason
    assert response.json()["field"] == "file"
    await assert_nothing_kept(api, running_app, number, db)


@pytest.mark.parametrize(
    ("request_kwargs", "status", "field"),
    [
        (
            {"files": {"lampiran": ("a.pdf", PDF, "application/pdf")}, "data": {"actor": AGENT}},
            422,
            "file",
        ),
        ({"data": {"actor": AGENT}}, 415, "Content-Type"),
        ({"files": {"file": ("a.pdf", PDF, "application/pdf")}}, 422, "actor"),
        (
            {"files": {"file": ("a.pdf", b"", "application/pdf")}, "data": {"actor": AGENT}},
            422,
            "file",
        ),
        ({"json": {"file": "JVBERi0=", "actor": AGENT}}, 415, "Content-Type"),
        ({}, 415, "Content-Type"),
    ],
)
async def test_an_upload_without_a_file_or_actor_is_refused_naming_the_field(
    api: httpx.AsyncClient,
    running_app: RunningApp,
    number: str,
    db: Database,
    request_kwargs: dict[str, Any],
    status: int,
    field: str,
) -> None:
    response = await api.post(f"/api/cases/{number}/documents", **request_kwargs)

    assert response.status_code == status, response.text
    assert response.json()["field"] == field
    await assert_nothing_kept(api, running_app, number, db)


async def test_an_upload_to_an_unknown_case_answers_404_and_keeps_nothing(
    api: httpx.AsyncClient, running_app: RunningApp, number: str, db: Database
) -> None:
    unknown = make_register_number("KP", date(2026, 11, 1), 999)

    response = await upload(api, unknown, PDF)

    assert response.status_code == 404
    await assert_nothing_kept(api, running_app, number, db)


async def test_an_upload_without_the_token_answers_401_and_keeps_nothing(
    running_app: RunningApp, api: httpx.AsyncClient, number: str, db: Database
) -> None:
    async with httpx.AsyncClient(base_url=running_app.url) as anonymous:
        response = await anonymous.post(
            f"/api/cases/{number}/documents",
            data={"actor": AGENT},
            files={"file": ("a.pdf", PDF, "application/pdf")},
        )

    assert response.status_code == 401
    await assert_nothing_kept(api, running_app, number, db)


async def test_downloading_a_document_of_another_case_answers_404(
    api: httpx.AsyncClient, number: str
) -> None:
    document = (await upload(api, number, PDF)).json()
    other = (await api.post("/api/cases", json=case_body(product="Pinjaman konsumtif"))).json()[
        "register_number"
    ]

    response = await api.get(f"/api/cases/{other}/documents/{document['id']}")

    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
