"""A customer complains over REST and the complaint becomes a case with its deadline and rating."""

from __future__ import annotations

import re
from datetime import datetime

import httpx
import pytest

from backend.domain.calendar import WIB, WorkingCalendar
from backend.domain.deadlines import working_day_deadline
from backend.domain.register_number import REGISTER_NUMBER_PATTERN, parse_register_number
from tests.e2e.conftest import Chat

pytestmark = pytest.mark.e2e

GREETING = (
    "Hi 👋! Anda sedang tersambung dengan Customer Service KreditPro. "
    "Silakan beritahu kami kebutuhan Anda."
)
RATING_REQUEST = (
    "Terima kasih telah menghubungi kami. Jika berkenan, mohon luangkan waktu sebentar "
    "untuk menilai percakapan ini:"
)
RATING_THANKS = "Terima kasih, penilaian Anda sangat berharga bagi kami."
DAYS = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]
MONTHS = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]


def in_words(moment: datetime) -> str:
    """The deadline as the bot must say it, e.g. 'Selasa, 24 November 2026 pukul 17.00 WIB'."""
    local = moment.astimezone(WIB)
    return (
        f"{DAYS[local.weekday()]}, {local.day} {MONTHS[local.month - 1]} {local.year} "
        f"pukul {local:%H.%M} WIB"
    )


def test_a_borrower_complaint_becomes_a_case_with_deadline_and_rating(
    chat: Chat, api: httpx.Client
) -> None:
    chat.say("halo")
    assert GREETING in chat.texts

    chat.say("saya mau mengadu")
    assert chat.last[-1].get("buttons"), "the bot asks who is writing, with buttons"
    chat.click("Peminjam")
    chat.say("Dana pinjaman saya belum cair padahal sudah disetujui tiga hari yang lalu")
    chat.click("Tidak ada kerugian")
    chat.click("tinggi")
    chat.say("Budi Santoso")
    chat.say("0812-3456-7890")
    assert "Budi Santoso" in chat.texts, "the summary repeats what the customer gave"
    before = datetime.now(WIB)
    chat.click("Ya")
    after = datetime.now(WIB)

    found = re.search(REGISTER_NUMBER_PATTERN, chat.texts)
    assert found, chat.texts
    register_number = parse_register_number(found.group(0))

    case = api.get(f"/api/cases/{register_number}").json()
    assert case["register_number"] == register_number
    assert case["status"] == "received"
    assert case["complainant_type"] == "user"
    assert case["user_role"] == "borrower"
    assert case["complaint_type"] == "complaint"
    assert case["priority"] == "high"
    assert case["full_name"] == "Budi Santoso"
    assert case["phone"] == "+6281234567890"
    assert case["channel"] == "rest"
    assert case["submission_mode"] == "written"
    assert case["conversation_id"] == chat.sender
    assert case["received_at"].endswith("+07:00")

    received_at = datetime.fromisoformat(case["received_at"])
    assert before.replace(microsecond=0) <= received_at <= after
    due = working_day_deadline(received_at, 2, WorkingCalendar())
    assert datetime.fromisoformat(case["first_response_due_at"]) == due
    assert in_words(due) in chat.texts

    chat.click("Tidak")
    assert RATING_REQUEST in chat.texts
    assert [b["title"] for b in chat.last[-1]["buttons"]] == ["1", "2", "3", "4", "5"]
    chat.click("5")
    assert RATING_THANKS in chat.texts

    conversation = api.get(f"/api/conversations/{chat.sender}").json()
    assert conversation["rating"] == 5
    assert conversation["handled_by"] == "bot"
    assert conversation["cases"] == [register_number]
    listed = api.get("/api/cases", params={"conversation_id": chat.sender}).json()
    assert [c["register_number"] for c in listed["items"]] == [register_number]


def test_health_is_green_when_all_three_servers_answer(api: httpx.Client) -> None:
    body = api.get("/health").json()
    assert body["status"] == "ok"
    assert body["components"] == {"database": "ok", "rasa": "ok", "actions": "ok"}


def test_the_gateway_refuses_malformed_and_huge_messages_with_clear_errors(
    api: httpx.Client, chat: Chat
) -> None:
    malformed = api.post("/webhooks/rest/webhook", content=b"{not json")
    assert malformed.status_code == 400
    assert malformed.json()["error"] == "malformed_json"

    huge = api.post("/webhooks/rest/webhook", json={"sender": chat.sender, "message": "x" * 5000})
    assert huge.status_code == 413
    assert huge.json()["field"] == "message"

    nameless = api.post("/webhooks/rest/webhook", json={"message": "halo"})
    assert nameless.status_code == 422
    assert nameless.json()["field"] == "sender"
