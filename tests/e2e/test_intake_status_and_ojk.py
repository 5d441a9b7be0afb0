"""Status checks (mistyped vs unknown numbers) and the OJK route, through the real servers."""

from __future__ import annotations

from datetime import date

import httpx
import pytest

from backend.domain.register_number import make_register_number
from tests.e2e.conftest import Chat
from tests.e2e.flows import registered_case

pytestmark = pytest.mark.e2e


def complain(chat: Chat) -> None:
    chat.say("saya mau mengadu")
    chat.click("Peminjam")
    chat.say("Pembayaran saya sudah dipotong tapi belum tercatat")
    chat.say("kemarin")
    chat.say("Rp 2.000.000")
    chat.click("Sedang")
    chat.say("Agus Salim")
    chat.say("0812-3456-7890")
    chat.click("Ya")


def test_a_mistyped_number_and_an_unknown_one_are_told_apart(chat: Chat, api: httpx.Client) -> None:
    complain(chat)
    number = registered_case(chat, api)["register_number"]
    mistyped = number[:-1] + ("A" if number[-1] != "A" else "B")
    chat.say(f"status {mistyped}")
    assert "salah ketik" in chat.texts
    prefix, period, _ = number.split("-")
    unknown = make_register_number(prefix, date(2000 + int(period[:2]), int(period[2:]), 1), 99999)
    chat.say(f"status {unknown}")
    assert "tidak menemukan pengaduan" in chat.texts
    chat.say(f"status {number.lower()}")
    assert f"Pengaduan {number} telah kami terima" in chat.texts


def test_a_status_check_in_the_middle_of_a_complaint_and_the_form_goes_on(
    chat: Chat, api: httpx.Client
) -> None:
    complain(chat)
    number = registered_case(chat, api)["register_number"]
    chat.say("saya mau mengadu")
    chat.click("Peminjam")
    chat.say("Denda saya dihitung dua kali bulan ini")
    chat.say(f"cek status {number}")
    assert f"Pengaduan {number}" in chat.texts
    # The form goes on with its next question: the category when the model was not sure
    # of it (asked with buttons), else the day.
    assert "Masalah Anda paling dekat" in chat.texts or "Kapan kejadiannya?" in chat.texts


def test_a_register_number_in_any_message_outside_a_form_checks_that_case(
    chat: Chat, api: httpx.Client
) -> None:
    complain(chat)
    number = registered_case(chat, api)["register_number"]
    # Whatever the classifier made of the words, the number decides (payloads fix the intent).
    for intent in ("complain", "inform", "ask_question", "give_feedback", "out_of_scope"):
        chat.say(f'/{intent}{{"register_number":"{number}"}}')
        assert f"Pengaduan {number} telah kami terima" in chat.texts, (intent, chat.texts)
    chat.say(f"min aduan gw {number.lower().replace('-', '')} kok blm ada kabar ya")
    assert f"Pengaduan {number} telah kami terima" in chat.texts


def test_a_customer_who_rejects_the_resolution_is_guided_to_ojk_facilitation(
    chat: Chat, api: httpx.Client
) -> None:
    complain(chat)
    number = registered_case(chat, api)["register_number"]
    resolved = api.post(
        f"/api/cases/{number}/resolve",
        json={"response": "Pembayaran sudah kami catat.", "actor": "rina"},
    )
    assert resolved.status_code == 200, resolved.text
    chat.say(f"status {number}")
    assert "telah selesai ditangani" in chat.texts
    chat.click("tidak setuju")
    assert "difasilitasi oleh OJK" in chat.texts
    chat.click("Ya")
    chat.say("25 juta")
    chat.click("Tidak")
    chat.click("Ya")
    chat.click("Tidak")
    chat.say("kemarin")
    answer = chat.texts
    assert "memenuhi persyaratan fasilitasi OJK" in answer
    assert "Surat pernyataan bermeterai" in answer and "30 hari kerja" in answer


def test_a_loss_above_the_limit_points_to_laps_sjk_or_court(chat: Chat) -> None:
    chat.say("saya tidak setuju dengan penyelesaiannya")
    chat.click("Ya")
    chat.say("Rp 750.000.000")
    assert "lebih dari Rp500.000.000" in chat.texts
    assert "LAPS SJK" in chat.texts and "pengadilan" in chat.texts
