"""Documents leave the console only to signed-in agents, with headers no browser misreads;
private notes never reach the customer nor any surface but the console."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import update

from backend.db.tables import Document
from tests.integration.bot.support import Gateway
from tests.integration.console.case_tools_support import PDF, PNG, keep_document, record_chat
from tests.integration.console.support import Console
from tests.integration.console.test_console_security import api_headers, open_case

NOTE = "CATATAN-RAHASIA nasabah sering marah, eskalasi ke supervisor"
WEB_CHAT = "web-AbCdEfGhIjKlMnOpQrSt"


async def test_a_download_is_an_attachment_no_browser_sniffs_or_runs(
    gateway: Gateway, agent: Console
) -> None:
    number = await open_case(gateway)
    document = await keep_document(gateway, number, PNG, name="foto.png", content_type="image/png")

    answer = await agent.client.get(f"/console/cases/{number}/documents/{document}")
    policy = answer.headers["content-security-policy"]

    assert answer.headers["content-disposition"].startswith("attachment;")
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'none'" in policy and "sandbox" in policy
    assert answer.headers["cache-control"] == "no-store"


async def test_a_file_name_cannot_break_out_of_the_content_disposition_header(
    gateway: Gateway, agent: Console
) -> None:
    number = await open_case(gateway)
    document = await keep_document(gateway, number, PDF, name='a";x=1;b\\c.pdf')

    answer = await agent.client.get(f"/console/cases/{number}/documents/{document}")
    disposition = answer.headers["content-disposition"]
    fallback = disposition.split('filename="', 1)[1].split('"', 1)[0]

    assert disposition.count('"') == 2
    assert '"' not in fallback and "\\" not in fallback and ";" not in fallback


async def test_paths_that_climb_out_of_the_store_serve_nothing(
    gateway: Gateway, agent: Console, tmp_path: Path
) -> None:
    number = await open_case(gateway)
    document = await keep_document(gateway, number, PDF)
    secret = gateway.app.ctx.documents.root.parent / "secret.txt"
    secret.write_text("do not serve me")
    async with gateway.app.ctx.db.session() as session:
        await session.execute(
            update(Document).where(Document.id == document).values(stored_path="../secret.txt")
        )
        await session.commit()

    tampered = await agent.client.get(f"/console/cases/{number}/documents/{document}")
    climbing = [
        await agent.client.get(f"/console/cases/{number}/documents/{path}")
        for path in ("..%2F..%2Fsecret.txt", "../../secret.txt", "%2e%2e/secret.txt")
    ]

    assert tampered.status_code == 500
    assert b"do not serve me" not in tampered.content
    for answer in climbing:
        assert answer.status_code == 404
        assert b"do not serve me" not in answer.content


async def test_nothing_is_previewed_inline_but_images_and_pdf(
    gateway: Gateway, agent: Console
) -> None:
    number = await open_case(gateway)
    document = await keep_document(gateway, number, PDF)
    async with gateway.app.ctx.db.session() as session:
        await session.execute(
            update(Document).where(Document.id == document).values(content_type="text/html")
        )
        await session.commit()

    preview = await agent.client.get(f"/console/cases/{number}/documents/{document}/preview")
    download = await agent.client.get(f"/console/cases/{number}/documents/{document}")

    assert preview.status_code == 415
    assert PDF not in preview.content
    assert download.headers["content-disposition"].startswith("attachment;")
    assert download.headers["x-content-type-options"] == "nosniff"


async def web_case_with_a_note(gateway: Gateway, agent: Console) -> str:
    """A widget chat with a case that an agent wrote NOTE on; the case's number."""
    await record_chat(gateway, WEB_CHAT, channel="web")
    number = await open_case(gateway, conversation_id=WEB_CHAT, channel="web")
    answer = await agent.form(f"/console/cases/{number}/notes", {"note": NOTE})
    assert answer.status_code == 303
    return number


async def test_notes_are_in_no_api_answer_and_not_in_the_customer_s_transcript(
    gateway: Gateway, agent: Console
) -> None:
    number = await web_case_with_a_note(gateway, agent)
    token = gateway.app.ctx.senders.get("web").tokens.token(WEB_CHAT)
    api = api_headers(gateway)

    answers = [
        await gateway.client.get(f"/api/cases/{number}", headers=api),
        await gateway.client.get(f"/api/cases/{number}/events", headers=api),
        await gateway.client.get(f"/api/cases/{number}/documents", headers=api),
        await gateway.client.get("/api/cases", headers=api),
        await gateway.client.get(f"/api/conversations/{WEB_CHAT}", headers=api),
        await gateway.client.get(
            f"/webhooks/web/conversations/{WEB_CHAT}/transcript",
            headers={"X-Widget-Token": token},
        ),
    ]

    assert [answer.status_code for answer in answers] == [200] * len(answers)
    for answer in answers:
        assert "CATATAN-RAHASIA" not in answer.text


async def test_a_customer_s_widget_token_reads_no_notes(gateway: Gateway, agent: Console) -> None:
    number = await web_case_with_a_note(gateway, agent)
    token = gateway.app.ctx.senders.get("web").tokens.token(WEB_CHAT)

    attempts = [
        await gateway.client.get(f"/console/cases/{number}", headers={"X-Widget-Token": token}),
        await gateway.client.get(
            f"/console/cases/{number}", headers={"Authorization": f"Bearer {token}"}
        ),
        await gateway.client.get(f"/console/cases/{number}", cookies={"console_session": token}),
        await gateway.client.get(f"/console/cases/{number}", headers=api_headers(gateway)),
    ]

    for answer in attempts:
        assert answer.status_code == 401
        assert "CATATAN-RAHASIA" not in answer.text


async def test_a_note_without_the_csrf_token_is_refused(gateway: Gateway, agent: Console) -> None:
    number = await open_case(gateway)

    answer = await agent.client.post(f"/console/cases/{number}/notes", data={"note": NOTE})
    page = (await agent.page(f"/console/cases/{number}")).text

    assert answer.status_code == 403
    assert "CATATAN-RAHASIA" not in page
