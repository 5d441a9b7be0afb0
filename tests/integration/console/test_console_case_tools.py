"""The case page's tools: documents, private notes, the rating, canned responses, small things."""

from __future__ import annotations

import hashlib
import re
from datetime import date

from backend import services
from backend.domain.register_number import make_register_number
from tests.integration.bot.support import Gateway
from tests.integration.console.case_tools_support import (
    PDF,
    PNG,
    keep_document,
    rate,
    record_chat,
)
from tests.integration.console.support import PASSWORD, Console, add_agent, sign_in
from tests.integration.console.test_console_security import api_headers, open_case


async def chat_case(gateway: Gateway, sender: str = "budi", **fields: object) -> str:
    await record_chat(gateway, sender)
    return await open_case(gateway, conversation_id=sender, channel="rest", **fields)


async def test_the_case_page_lists_its_documents_with_name_type_size_sender_and_time(
    gateway: Gateway, agent: Console
) -> None:
    number = await open_case(gateway)
    pdf = await keep_document(gateway, number, PDF, name="surat kuasa.pdf")
    png = await keep_document(
        gateway, number, PNG, name="tangkapan.png", content_type="image/png", actor="rina"
    )

    page = (await agent.page(f"/console/cases/{number}")).text

    assert "surat kuasa.pdf" in page and "tangkapan.png" in page
    assert "PDF" in page and "Gambar PNG" in page
    assert f"{len(PDF)} B" in page
    assert "Pelanggan (widget web)" in page and "dari rina" in page
    assert "WIB" in page
    assert f'href="/console/cases/{number}/documents/{pdf}"' in page
    assert f'src="/console/cases/{number}/documents/{png}/preview"' in page  # the image inline
    assert f'src="/console/cases/{number}/documents/{pdf}/preview"' in page  # the PDF framed


async def test_another_agent_downloads_a_document_as_an_attachment_and_the_download_is_kept(
    gateway: Gateway, agent: Console
) -> None:
    number = await open_case(gateway)
    document = await keep_document(gateway, number, PDF, name="bukti transfer.pdf", actor="rina")
    await add_agent(gateway, "dewi", "Dewi Lestari", "agent")

    async with sign_in(gateway, "dewi", PASSWORD) as dewi:
        answer = await dewi.client.get(f"/console/cases/{number}/documents/{document}")
    events = await gateway.client.get(f"/api/cases/{number}/events", headers=api_headers(gateway))
    downloads = [e for e in events.json()["items"] if e["action"] == "document_downloaded"]

    assert answer.status_code == 200
    assert answer.content == PDF
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["content-disposition"].startswith("attachment;")
    assert "bukti%20transfer.pdf" in answer.headers["content-disposition"]
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert [(e["actor"], e["after"]["document"]["id"]) for e in downloads] == [("dewi", document)]


async def test_images_and_pdfs_are_previewed_inline_under_a_policy_of_their_own(
    gateway: Gateway, agent: Console
) -> None:
    number = await open_case(gateway)
    png = await keep_document(gateway, number, PNG, name="foto.png", content_type="image/png")
    pdf = await keep_document(gateway, number, PDF, name="surat.pdf")

    image = await agent.client.get(f"/console/cases/{number}/documents/{png}/preview")
    paper = await agent.client.get(f"/console/cases/{number}/documents/{pdf}/preview")

    assert (image.status_code, image.content) == (200, PNG)
    assert image.headers["content-type"] == "image/png"
    assert image.headers["content-disposition"].startswith("inline;")
    assert "sandbox" in image.headers["content-security-policy"]
    assert (paper.status_code, paper.headers["content-type"]) == (200, "application/pdf")
    assert paper.headers["content-disposition"].startswith("inline;")
    assert "default-src 'none'" in paper.headers["content-security-policy"]
    assert paper.headers["x-frame-options"] == "SAMEORIGIN"
    assert paper.headers["x-content-type-options"] == "nosniff"


async def test_a_preview_is_not_kept_as_a_download(gateway: Gateway, agent: Console) -> None:
    number = await open_case(gateway)
    png = await keep_document(gateway, number, PNG, name="foto.png", content_type="image/png")

    await agent.client.get(f"/console/cases/{number}/documents/{png}/preview")
    events = await gateway.client.get(f"/api/cases/{number}/events", headers=api_headers(gateway))

    assert "document_downloaded" not in [e["action"] for e in events.json()["items"]]


async def test_documents_without_a_console_session_redirect_to_login_or_answer_401(
    gateway: Gateway,
) -> None:
    number = await open_case(gateway)
    document = await keep_document(gateway, number, PDF)
    path = f"/console/cases/{number}/documents/{document}"

    browser = await gateway.client.get(path, headers={"Accept": "text/html"})
    script = await gateway.client.get(path)
    with_api_token = await gateway.client.get(path, headers=api_headers(gateway))

    assert browser.status_code in (302, 303)
    assert browser.headers["location"].startswith("/console/login?next=")
    assert script.status_code == 401
    assert with_api_token.status_code == 401
    assert PDF not in browser.content + script.content + with_api_token.content


async def test_a_document_of_another_case_or_none_at_all_answers_404(
    gateway: Gateway, agent: Console
) -> None:
    first = await open_case(gateway)
    second = await open_case(gateway, full_name="Andi Wijaya")
    document = await keep_document(gateway, first, PDF)

    other_case = await agent.client.get(f"/console/cases/{second}/documents/{document}")
    missing = await agent.client.get(f"/console/cases/{first}/documents/999999")
    malformed = await agent.client.get(f"/console/cases/not-a-number/documents/{document}")

    assert (other_case.status_code, missing.status_code, malformed.status_code) == (404, 404, 404)


async def test_a_note_is_kept_and_listed_with_its_author_and_time(
    gateway: Gateway, agent: Console
) -> None:
    number = await open_case(gateway)

    note = "Nasabah minta ditelepon sore.\nCek mutasi."
    answer = await agent.form(f"/console/cases/{number}/notes", {"note": note})
    page = (await agent.page(f"/console/cases/{number}")).text

    assert answer.status_code == 303
    assert answer.headers["location"].startswith(f"/console/cases/{number}?done=note")
    assert "Catatan internal disimpan." in (await agent.page(answer.headers["location"])).text
    assert "Nasabah minta ditelepon sore.\nCek mutasi." in page
    assert "Rina Wulandari" in page


async def test_an_empty_note_is_refused_on_the_page_and_nothing_is_kept(
    gateway: Gateway, agent: Console
) -> None:
    number = await open_case(gateway)

    blank = await agent.form(f"/console/cases/{number}/notes", {"note": "   "})
    control = await agent.form(f"/console/cases/{number}/notes", {"note": "a\x1b[2Jb"})
    page = (await agent.page(f"/console/cases/{number}")).text

    assert blank.status_code == 422 and "note: write the note first" in blank.text
    assert control.status_code == 422
    assert 'class="note"' not in page


async def test_a_note_on_an_unknown_case_answers_404(gateway: Gateway, agent: Console) -> None:
    unknown = make_register_number("KP", date(2026, 11, 1), 999)

    answer = await agent.form(f"/console/cases/{unknown}/notes", {"note": "x"})

    assert answer.status_code == 404


async def test_the_customer_s_rating_shows_on_the_case_and_on_the_chat(
    gateway: Gateway, agent: Console
) -> None:
    number = await chat_case(gateway)
    unrated = (await agent.page(f"/console/cases/{number}")).text
    await rate(gateway, "budi", 4)

    case_page = (await agent.page(f"/console/cases/{number}")).text
    chat_page = (await agent.page("/console/conversations/budi")).text

    assert "belum dinilai" in unrated
    for page in (case_page, chat_page):
        assert 'data-rating="4"' in page
        assert "4/5" in page and "★★★★☆" in page


async def test_canned_responses_come_filled_with_the_customer_s_name_and_register_number(
    gateway: Gateway, agent: Console
) -> None:
    number = await chat_case(gateway, full_name="Siti Rahayu")

    answer = await agent.client.get("/console/canned/budi")
    items = {item["key"]: item for item in answer.json()["items"]}

    assert answer.status_code == 200
    assert "Siti Rahayu" in items["salam_pembuka"]["text"]
    assert number in items["status_diproses"]["text"]
    assert all("{" not in item["text"] for item in items.values())


async def test_canned_responses_of_a_chat_without_a_case_keep_their_placeholders(
    gateway: Gateway, agent: Console
) -> None:
    await record_chat(gateway, "ani")

    items = (await agent.client.get("/console/canned/ani")).json()["items"]
    unknown = await agent.client.get("/console/canned/nobody")

    assert any("{nama}" in item["text"] for item in items)
    assert unknown.status_code == 404


async def test_the_chat_page_offers_the_canned_response_picker(
    gateway: Gateway, agent: Console
) -> None:
    await chat_case(gateway)

    page = (await agent.page("/console/conversations/budi")).text

    assert 'id="canned-select"' in page and 'data-source="/console/canned/budi"' in page
    assert '<script src="/console/static/canned.js" defer></script>' in page


async def test_an_exact_register_number_in_any_case_opens_the_case(
    gateway: Gateway, agent: Console
) -> None:
    number = await open_case(gateway)
    typed = number.lower().replace("-", "")

    answer = await agent.client.get("/console/search", params={"q": f" {typed} "})
    by_name = await agent.page("/console/search?q=Siti")

    assert answer.status_code == 303
    assert answer.headers["location"] == f"/console/cases/{number}"
    assert by_name.status_code == 200 and number in by_name.text


async def test_no_officer_is_preselected_until_one_is_assigned(
    gateway: Gateway, agent: Console
) -> None:
    number = await open_case(gateway)
    selected = re.compile(r'<option value="([^"]*)"\s*selected>')

    before = (await agent.page(f"/console/cases/{number}")).text
    await agent.form(f"/console/cases/{number}/assign", {"officer": "Rina Wulandari"})
    after = (await agent.page(f"/console/cases/{number}")).text

    assert selected.findall(before) == [""]
    assert "— pilih petugas —" in before
    assert selected.findall(after) == ["Rina Wulandari"]


async def test_the_chat_s_assign_select_starts_empty_while_nobody_holds_it(
    gateway: Gateway, supervisor: Console
) -> None:
    await chat_case(gateway)

    page = (await supervisor.page("/console/conversations/budi")).text
    select = page[page.index('id="assign-agent"') :]
    select = select[: select.index("</select>")]

    assert re.search(r'<option value=""\s*selected>— pilih petugas —</option>', select)


async def test_a_case_s_history_names_its_events_in_indonesian(
    gateway: Gateway, agent: Console
) -> None:
    number = await open_case(gateway)
    await agent.form(f"/console/cases/{number}/assign", {"officer": "Rina Wulandari"})

    page = (await agent.page(f"/console/cases/{number}")).text

    assert "Kasus dibuka" in page and "Petugas ditetapkan" in page
    assert "· opened<" not in page and "· assigned<" not in page


async def test_the_favicon_is_served_as_svg_and_linked_from_every_page(
    gateway: Gateway, agent: Console
) -> None:
    icon = await gateway.client.get("/favicon.ico")
    static = await gateway.client.get("/console/static/favicon.svg")
    page = (await agent.page("/console")).text

    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
    assert icon.content.startswith(b"<svg") and icon.content == static.content
    assert '<link rel="icon" href="/console/static/favicon.svg" type="image/svg+xml">' in page


async def test_an_upload_in_the_chat_transcript_links_to_the_case_document_it_became(
    gateway: Gateway, agent: Console
) -> None:
    number = await chat_case(gateway, "budi")
    document = await keep_document(gateway, number, PDF, name="bukti transfer.pdf")
    attachment = {
        "filename": "bukti transfer.pdf",
        "content_type": "application/pdf",
        "size": len(PDF),
        "sha256": hashlib.sha256(PDF).hexdigest(),
        "register_number": number,
    }
    async with gateway.app.ctx.db.session() as session:
        await services.record_message(
            session,
            "budi",
            "rest",
            "user",
            "/send_document",
            payload={"attachment": attachment, "display": "bukti transfer.pdf"},
        )

    page = (await agent.page("/console/conversations/budi")).text

    link = f'<a href="/console/cases/{number}/documents/{document}" download>bukti transfer.pdf</a>'
    assert link in page, "the file name is its download"
