"""The web widget's transcript and uploads: scoped to the conversation's token, limits enforced."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from backend.domain.documents import MAX_DOCUMENT_BYTES
from tests.fakes.platforms import FakeRasa
from tests.integration.backend.support import case_body
from tests.integration.bot.support import Gateway
from tests.integration.bot.web_support import PDF, PNG, Widget, base_url, open_widget, upload

MENU = [
    {
        "text": "Halo! Ada yang bisa kami bantu?",
        "buttons": [{"title": "Sampaikan pengaduan", "payload": "/complain"}],
    }
]


def case_api(gateway: Gateway) -> httpx.AsyncClient:
    token = gateway.app.ctx.settings.app_api_token
    return httpx.AsyncClient(
        base_url=base_url(gateway), headers={"Authorization": f"Bearer {token}"}, timeout=10
    )


async def open_case(gateway: Gateway, widget: Widget) -> str:
    """Register a case of the widget's conversation, as the bot's action does."""
    body = case_body(channel="web", conversation_id=widget.conversation_id, product=None)
    del body["received_at"]
    async with case_api(gateway) as api:
        response = await api.post("/api/cases", json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["register_number"])


async def documents_of(gateway: Gateway, register_number: str) -> list[dict[str, object]]:
    async with case_api(gateway) as api:
        response = await api.get(f"/api/cases/{register_number}/documents")
    assert response.status_code == 200
    return list(response.json()["items"])


def pending_files(gateway: Gateway) -> list[Path]:
    root = gateway.app.ctx.settings.var_dir / "pending_documents"
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


async def test_the_transcript_shows_button_titles_and_leaves_out_the_greeting_command(
    web: Gateway, fake_rasa: FakeRasa
) -> None:
    fake_rasa.script["/greet"] = MENU
    fake_rasa.script["/complain"] = [{"text": "Anda pengguna atau pelapor?"}]
    async with open_widget(base_url(web)) as widget:
        await widget.hello()
        await widget.ask("/greet")
        await widget.ask("/complain")

    response = await web.client.get(
        f"/webhooks/web/conversations/{widget.conversation_id}/transcript",
        headers={"X-Widget-Token": widget.token},
    )

    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    items = [
        {k: v for k, v in item.items() if k not in ("id", "created_at")}
        for item in response.json()["items"]
    ]
    assert all("created_at" in item for item in response.json()["items"])
    assert items == [
        {"sender": "bot", "text": "Halo! Ada yang bisa kami bantu?", "buttons": MENU[0]["buttons"]},
        {"sender": "user", "text": "Sampaikan pengaduan"},
        {"sender": "bot", "text": "Anda pengguna atau pelapor?"},
    ]


async def test_the_transcript_needs_the_token_of_that_very_conversation(web: Gateway) -> None:
    async with open_widget(base_url(web)) as mine, open_widget(base_url(web)) as theirs:
        await mine.hello()
        await theirs.hello()
        await mine.say("nama saya Budi")
    path = f"/webhooks/web/conversations/{mine.conversation_id}/transcript"

    without = await web.client.get(path)
    with_theirs = await web.client.get(path, headers={"X-Widget-Token": theirs.token})
    with_mine = await web.client.get(path, headers={"X-Widget-Token": mine.token})

    assert without.status_code == 401
    assert with_theirs.status_code == 403
    assert with_theirs.json()["field"] == "X-Widget-Token"
    assert with_mine.status_code == 200


async def test_the_transcript_and_the_upload_answer_a_cors_preflight(web: Gateway) -> None:
    for route in ("transcript", "documents"):
        response = await web.client.options(f"/webhooks/web/conversations/web-x/{route}")
        assert response.status_code == 204
        assert "X-Widget-Token" in response.headers["access-control-allow-headers"]


async def test_an_upload_is_attached_at_once_when_the_conversation_has_a_case(
    web: Gateway,
) -> None:
    async with open_widget(base_url(web)) as widget:
        await widget.hello()
    register_number = await open_case(web, widget)

    response = await upload(web, widget, PDF)

    assert response.status_code == 201, response.text
    assert response.json() == {
        "filename": "bukti.pdf",
        "content_type": "application/pdf",
        "size": len(PDF),
        "register_number": register_number,
        "pending": False,
    }
    [document] = await documents_of(web, register_number)
    assert document["original_filename"] == "bukti.pdf"
    assert document["uploaded_by"] == "customer (web widget)"


async def test_an_upload_before_the_case_waits_and_is_attached_when_the_case_is_created(
    web: Gateway,
) -> None:
    async with open_widget(base_url(web)) as widget:
        await widget.hello()
        early = await upload(web, widget, PNG, name="foto.png", content_type="image/png")
        assert early.status_code == 201
        assert early.json()["pending"] is True
        assert len(pending_files(web)) == 2  # the file and its metadata

        register_number = await open_case(web, widget)
        await widget.say("sudah", "m1")  # the message after the case was registered
        frames = await widget.until(lambda frame: frame["type"] == "notice")
        notice = frames[-1]

    assert notice == {
        "type": "notice",
        "notice": "documents_attached",
        "register_number": register_number,
        "count": 1,
    }
    [document] = await documents_of(web, register_number)
    assert (document["original_filename"], document["content_type"]) == ("foto.png", "image/png")
    assert pending_files(web) == []


async def test_an_upload_is_noted_in_the_transcript_as_an_attachment(web: Gateway) -> None:
    async with open_widget(base_url(web)) as widget:
        await widget.hello()
    await upload(web, widget, PDF, name="surat.pdf")

    response = await web.client.get(
        f"/webhooks/web/conversations/{widget.conversation_id}/transcript",
        headers={"X-Widget-Token": widget.token},
    )

    body = response.json()
    assert [item["attachment"] for item in body["items"]] == [
        {
            "filename": "surat.pdf",
            "content_type": "application/pdf",
            "size": len(PDF),
            "register_number": None,  # no case yet: the widget notes that it waits for one
        }
    ]
    assert body["pending_documents"] == 1


@pytest.mark.parametrize(
    ("content", "content_type", "status", "reason"),
    [
        (PDF + b"0" * MAX_DOCUMENT_BYTES, "application/pdf", 413, "too_large"),
        (b"MZ\x90\x00 an executable", "application/pdf", 415, "unsupported_type"),
        (PNG, "application/pdf", 415, "type_mismatch"),
        (b"GIF89a not allowed", "image/gif", 415, "unsupported_type"),
        (b"", "application/pdf", 422, "empty"),
    ],
)
async def test_a_refused_upload_answers_its_reason_and_nothing_is_kept(
    web: Gateway, content: bytes, content_type: str, status: int, reason: str
) -> None:
    async with open_widget(base_url(web)) as widget:
        await widget.hello()

    response = await upload(web, widget, content, content_type=content_type)

    assert response.status_code == status, response.text
    assert response.json()["reason"] == reason
    assert pending_files(web) == []


async def test_an_upload_needs_the_conversation_token(web: Gateway) -> None:
    async with open_widget(base_url(web)) as widget, open_widget(base_url(web)) as other:
        await widget.hello()
        await other.hello()

    assert (await upload(web, widget, PDF, token="")).status_code == 401
    assert (await upload(web, widget, PDF, token=other.token)).status_code == 403
    assert pending_files(web) == []


async def test_the_demo_page_embeds_the_widget_served_by_the_app(web: Gateway) -> None:
    page = await web.client.get("/")
    script = await web.client.get("/widget/widget.js")
    styles = await web.client.get("/widget/widget.css")

    assert page.status_code == 200
    assert '<script src="/widget/widget.js"' in page.text
    assert "KreditPro" in page.text
    assert script.status_code == 200
    assert "javascript" in script.headers["content-type"]
    assert styles.status_code == 200
