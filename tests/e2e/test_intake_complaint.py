"""Complaints through the real servers: the opening message, corrections, cancelling, priority."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from backend.domain.calendar import WIB
from tests.e2e.conftest import Chat
from tests.e2e.flows import agents_are_working, cases_of, payloads, registered_case, titles

pytestmark = pytest.mark.e2e


def test_a_chat_style_opening_fills_who_what_and_when_and_only_the_rest_is_asked(
    chat: Chat, api: httpx.Client
) -> None:
    chat.say("saya peminjam di KreditPro, dana blm cair udh 3 hari")
    assert "kerugian uang" in chat.texts, "who, what and when are known: the loss comes next"
    chat.say("5jt")
    assert "Darurat" in titles(chat)
    chat.say("urgent banget")
    chat.say("Budi Santoso")
    chat.say("0812-3456-7890")
    summary = chat.texts
    assert "• Pengadu: Peminjam" in summary
    assert "• Jenis masalah: Transaksi, pencairan, pembayaran" in summary
    assert "• Kerugian: Rp5.000.000" in summary
    assert "• Prioritas: Darurat" in summary
    sent_at = datetime.now(UTC)
    chat.click("Ya")

    case = registered_case(chat, api)
    assert (case["complaint_type"], case["category"], case["priority"]) == (
        "complaint",
        "transaction",
        "emergency",
    )
    assert (case["complainant_type"], case["user_role"]) == ("user", "borrower")
    assert case["description"].startswith("saya peminjam di KreditPro, dana blm cair udh 3 hari")
    three_days_ago = (sent_at.astimezone(WIB) - timedelta(days=3)).day
    assert f"Waktu kejadian: {three_days_ago} " in case["description"]
    assert "Kerugian: Rp5.000.000" in case["description"]
    if not agents_are_working(sent_at):
        assert "di luar jam operasional" in chat.texts and "pukul 09.00 WIB" in chat.texts


def test_a_threat_is_recognised_and_emergency_is_proposed_but_the_customer_decides(
    chat: Chat, api: httpx.Client
) -> None:
    chat.say("dc nya ngancem nyebarin data sy")
    chat.click("Bukan pengguna")
    chat.say("kemarin")
    chat.click("Tidak ada kerugian")
    assert "menyarankan prioritas Darurat" in chat.texts
    chat.say("tidak terlalu mendesak")
    chat.say("Siti Aminah")
    chat.say("siti@yahoo.co.id")
    chat.click("Ya")
    case = registered_case(chat, api)
    assert (case["category"], case["priority"], case["complainant_type"]) == (
        "debt_collection",
        "low",
        "reporter",
    )
    assert case["user_role"] is None and case["email"] == "siti@yahoo.co.id"


def fill_until_summary(chat: Chat) -> None:
    chat.say("saya mau mengadu")
    chat.click("Peminjam")
    chat.say("Bunga dan dendanya jauh lebih besar dari perjanjian")
    chat.say("2 minggu lalu")
    chat.say("Rp 1.500.000")
    chat.click("Sedang")
    chat.say("Budi Santoso")
    chat.say("0812-3456-7890")
    assert "Apakah data sudah benar" in chat.texts


def test_at_the_summary_one_field_is_changed_without_starting_again(
    chat: Chat, api: httpx.Client
) -> None:
    fill_until_summary(chat)
    chat.say("ganti nomor hp")
    assert "Nomor ponsel atau alamat e-mail" in chat.texts
    chat.say("0813-1111-2222")
    assert "• Kontak: +6281311112222" in chat.texts
    chat.click("Ubah data")
    assert "Data mana yang ingin Anda ubah?" in chat.texts
    chat.click("Prioritas")
    chat.click("Tinggi")
    assert "• Prioritas: Tinggi" in chat.texts and "• Nama lengkap: Budi Santoso" in chat.texts
    chat.click("Ya")

    case = registered_case(chat, api)
    assert case["phone"] == "+6281311112222"
    assert case["priority"] == "high" and case["category"] == "fees_interest"


def test_batal_at_any_question_stops_and_creates_nothing(chat: Chat, api: httpx.Client) -> None:
    chat.say("saya mau mengadu")
    chat.click("Peminjam")
    chat.say("Dana saya belum cair sudah seminggu")
    chat.say("batal")
    assert "Tidak ada data yang kami daftarkan" in chat.texts
    fill_until_summary(chat)
    chat.click("Batal")
    assert "Tidak ada data yang kami daftarkan" in chat.texts
    assert cases_of(chat, api) == []


def test_two_wrong_answers_are_explained_and_then_a_person_is_offered(chat: Chat) -> None:
    chat.say("saya mau mengadu")
    chat.click("Peminjam")
    chat.say("Dana saya belum cair sudah seminggu")
    chat.say("kemarin")
    chat.say("tidak ada")
    chat.click("Rendah")
    chat.say("Budi Santoso")
    chat.say("0812")
    assert "bukan nomor ponsel yang valid" in chat.texts
    assert "/request_human" not in payloads(chat)
    chat.say("budi@gmail")
    assert "alamat e-mail itu tidak valid" in chat.texts
    assert "/request_human" in payloads(chat), "the second wrong answer offers a person"
    chat.say("budi@gmail.com")
    assert "• Kontak: budi@gmail.com" in chat.texts


def test_the_complaint_button_opens_the_intake_with_its_intro(chat: Chat) -> None:
    chat.say("halo")
    chat.click("Sampaikan pengaduan")

    assert "kami akan mencatat pengaduan Anda" in chat.texts, "the payload /complain gets the intro"
    assert "sebagai siapa" in chat.texts, "and the form asks its first question"
