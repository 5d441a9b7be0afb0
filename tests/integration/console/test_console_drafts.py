"""A complaint half-finished when the customer asks for a person: kept, registered or resumed."""

from __future__ import annotations

from typing import Any

from tests.fakes.rasa_api import NEXT_QUESTION, FakeRasaApi
from tests.integration.bot.support import Gateway
from tests.integration.console.support import Console
from tests.integration.console.test_console_handoff import api_headers, pull, say

DRAFT = {
    "complainant_type": "user",
    "user_role": "borrower",
    "complaint_type": "complaint",
    "description": "Penagih datang ke kantor saya dan mengancam rekan kerja saya.",
    "category": "debt_collection",
    "priority": "high",
}


def bot_said(pulled: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The bot's messages, without the notes that an agent joined or left (presence)."""
    notes = ("bergabung dalam percakapan", "meninggalkan percakapan")
    return [
        m
        for m in pulled
        if m["from"] == "bot" and not m.get("notice") and not any(n in m["text"] for n in notes)
    ]


async def hand_off(gateway: Gateway, sender: str, draft: Any) -> Any:
    return await gateway.client.post(
        f"/api/conversations/{sender}/handoff",
        json={"reason": "requested", "draft": draft},
        headers=api_headers(gateway),
    )


async def test_a_handoff_keeps_the_answers_so_far_as_a_draft_the_agent_sees(
    gateway: Gateway, agent: Console
) -> None:
    await say(gateway, "budi", "halo")

    handed = await hand_off(gateway, "budi", {**DRAFT, "contact": "0812 3456 7890"})
    page = await agent.page("/console/conversations/budi")

    assert handed.status_code == 200, handed.text
    assert handed.json()["draft_kept"] is True
    assert "Draf pengaduan" in page.text
    assert "Penagih datang ke kantor saya" in page.text
    assert 'value="+6281234567890"' in page.text  # unmasked: the agent registers it
    assert "Belum diisi: nama lengkap" in page.text


async def test_a_handoff_without_answers_keeps_no_draft(gateway: Gateway, agent: Console) -> None:
    handed = await hand_off(gateway, "budi", None)
    page = await agent.page("/console/conversations/budi")

    assert handed.json()["draft_kept"] is False
    assert "Draf pengaduan" not in page.text


async def test_an_unknown_draft_field_is_refused_and_named(gateway: Gateway) -> None:
    answer = await hand_off(gateway, "budi", {**DRAFT, "nik": "3171234567890001"})

    assert answer.status_code == 422
    assert answer.json()["field"] == "draft.nik"


async def test_an_invalid_draft_value_is_refused_and_named(gateway: Gateway) -> None:
    wrong_category = await hand_off(gateway, "budi", {**DRAFT, "category": "weather"})
    wrong_contact = await hand_off(gateway, "budi", {**DRAFT, "contact": "12"})
    not_an_object = await hand_off(gateway, "budi", ["user"])

    assert (wrong_category.status_code, wrong_category.json()["field"]) == (422, "draft.category")
    assert (wrong_contact.status_code, wrong_contact.json()["field"]) == (422, "draft.contact")
    assert (not_an_object.status_code, not_an_object.json()["field"]) == (422, "draft")


async def test_the_agent_registers_the_completed_draft_once_though_the_button_is_clicked_twice(
    gateway: Gateway, agent: Console, fake_rasa: FakeRasaApi
) -> None:
    await say(gateway, "budi", "halo")
    await hand_off(gateway, "budi", DRAFT)
    await agent.form("/console/conversations/budi/take-over")
    completed = {**DRAFT, "full_name": "Budi Santoso", "phone": "081234567890", "email": ""}

    first = await agent.form("/console/conversations/budi/draft", completed)
    second = await agent.form("/console/conversations/budi/draft", completed)
    cases = await gateway.client.get(
        "/api/cases", params={"conversation_id": "budi"}, headers=api_headers(gateway)
    )
    pulled = await pull(gateway, "budi")
    page = await agent.page("/console/conversations/budi")

    assert (first.status_code, second.status_code) == (303, 303)
    [case] = cases.json()["items"]
    assert (case["full_name"], case["phone"], case["category"]) == (
        "Budi Santoso",
        "+6281234567890",
        "debt_collection",
    )
    assert (case["channel"], case["officer"]) == ("rest", "Rina Wulandari")
    [notice] = bot_said(pulled)
    assert notice["text"].startswith(
        f"Pengaduan Anda telah kami terima dengan nomor register {case['register_number']}."
    )
    assert "pukul 17.00 WIB" in notice["text"]
    assert "Draf pengaduan" not in page.text
    forgotten = [e["name"] for e in fake_rasa.events["budi"] if e["event"] == "slot"]
    assert {"full_name", "contact", "description", "category"} <= set(forgotten)
    assert len(forgotten) == len(set(forgotten))  # once, for the one registration


async def test_a_draft_missing_a_required_answer_is_refused_and_kept(
    gateway: Gateway, agent: Console
) -> None:
    await hand_off(gateway, "budi", DRAFT)

    refused = await agent.form("/console/conversations/budi/draft", {**DRAFT, "full_name": ""})
    cases = await gateway.client.get(
        "/api/cases", params={"conversation_id": "budi"}, headers=api_headers(gateway)
    )

    assert refused.status_code == 422
    assert "Draf pengaduan" in refused.text
    assert cases.json()["items"] == []


async def test_handing_back_an_unregistered_draft_resumes_the_form_instead_of_the_rating(
    gateway: Gateway, agent: Console, fake_rasa: FakeRasaApi
) -> None:
    await say(gateway, "budi", "halo")
    await hand_off(gateway, "budi", DRAFT)
    await agent.form("/console/conversations/budi/take-over")

    back = await agent.form("/console/conversations/budi/hand-back")
    pulled = await pull(gateway, "budi")
    page = await agent.page("/console/conversations/budi")

    assert back.status_code == 303
    assert fake_rasa.executed == [("budi", "intake_form")]
    assert fake_rasa.triggered == []
    assert [m["text"] for m in bot_said(pulled)] == [
        "Jawaban Anda sejauh ini tetap kami simpan; kita lanjutkan dari pertanyaan berikutnya.",
        NEXT_QUESTION["text"],
    ]
    assert fake_rasa.event_names("budi")[-1] == "action"  # listening after the question
    assert "Draf pengaduan" not in page.text
