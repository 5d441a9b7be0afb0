"""Questions and feedback through the real servers, also in the middle of a complaint."""

from __future__ import annotations

import httpx
import pytest

from tests.e2e.conftest import Chat
from tests.e2e.flows import cases_of, payloads, registered_case

pytestmark = pytest.mark.e2e


def test_questions_about_the_service_are_answered_from_the_seeds(chat: Chat) -> None:
    chat.say("cs buka jam brp")
    assert "Senin–Jumat pukul 09.00–17.00 WIB, kecuali hari libur nasional" in chat.texts
    chat.click("Ya")
    chat.say("berapa lama pengaduan saya diproses")
    assert "2 hari kerja" in chat.texts and "10 hari kerja" in chat.texts
    chat.click("Ya")
    chat.say("kapan pengaduan bisa ditolak")
    assert "secara tertulis" in chat.texts
    chat.click("Ya")
    chat.say("kalau tidak puas saya harus ke mana")
    assert "LAPS SJK" in chat.texts and "/disagree_resolution" in payloads(chat)


def test_a_question_in_the_middle_of_a_complaint_is_answered_and_the_form_resumes(
    chat: Chat, api: httpx.Client
) -> None:
    chat.say("saya mau mengadu")
    chat.click("Peminjam")
    chat.say("Penagih menelepon kantor saya setiap hari")
    chat.say("apakah data pengaduan saya dirahasiakan")
    assert "kecuali kepada regulator (BI, OJK)" in chat.texts
    assert "Kapan kejadiannya?" in chat.texts, "the form asks its question again"
    chat.say("kemarin")
    chat.say("tidak ada")
    chat.click("Tinggi")
    chat.say("Rahmat Hidayat")
    chat.say("0857-1234-9876")
    chat.click("Ya")
    assert registered_case(chat, api)["category"] == "debt_collection"


def test_feedback_gets_a_short_form_and_a_feedback_case(chat: Chat, api: httpx.Client) -> None:
    chat.say("saya mau kasih saran")
    chat.click("Peminjam")
    chat.say("Sebaiknya ada notifikasi jatuh tempo lewat email juga")
    chat.say("Dewi Lestari")
    chat.say("dewi@contoh.com")
    assert "• Jenis penyampaian: Kritik dan saran" in chat.texts
    assert "Prioritas" not in chat.texts
    chat.click("Ya")
    case = registered_case(chat, api)
    assert (case["complaint_type"], case["priority"]) == ("feedback", "low")


def test_a_question_the_bot_cannot_answer_becomes_a_question_case(
    chat: Chat, api: httpx.Client
) -> None:
    chat.say("berapa bunga untuk tenor 6 bulan")
    assert "/register_question" in payloads(chat)
    chat.click("Ya, teruskan")
    chat.click("Peminjam")
    chat.say("Nur Aisyah")
    chat.say("0812-3456-7890")
    assert "• Uraian: berapa bunga untuk tenor 6 bulan" in chat.texts
    chat.click("Ya")
    case = registered_case(chat, api)
    assert case["complaint_type"] == "question"
    assert case["description"] == "berapa bunga untuk tenor 6 bulan"


def test_an_english_speaker_is_answered_in_english_throughout(
    chat: Chat, api: httpx.Client
) -> None:
    chat.say("hello, i want to file a complaint")
    assert "May we ask who you are contacting us as?" in chat.texts
    chat.click("Borrower")
    chat.say("My loan was approved but the money has not been disbursed")
    assert "When did it happen?" in chat.texts
    chat.say("yesterday")
    chat.click("No money lost")
    chat.click("High")
    chat.say("John Smith")
    chat.say("john.smith@example.com")
    assert "Please check your details" in chat.texts
    chat.click("Yes")
    assert "Your complaint has been registered under number" in chat.texts
    case = registered_case(chat, api)
    assert (case["category"], case["priority"]) == ("transaction", "high")
    assert cases_of(chat, api)[0]["email"] == "john.smith@example.com"
