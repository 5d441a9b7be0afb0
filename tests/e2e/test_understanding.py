"""Customers as they really type, through the real servers: English and chat Indonesian.

Every request is completed by typing (not clicking) where a customer would type, and the
case is checked through the case API. An unclear summary never loops.
"""

from __future__ import annotations

import httpx
import pytest

from tests.e2e.conftest import Chat
from tests.e2e.flows import cases_of, payloads, registered_case

pytestmark = pytest.mark.e2e


def test_an_english_complaint_typed_throughout_is_registered(chat: Chat, api: httpx.Client) -> None:
    chat.say("hi, i have a complaint")
    assert "May we ask who you are contacting us as?" in chat.texts
    chat.say("i'm a borrower")
    chat.say("A collector called my manager at work and said I was a thief")
    chat.say("two days ago")
    chat.say("no loss")
    chat.say("very urgent")
    chat.say("Mary Johnson")
    chat.say("mary.j@example.com")
    assert "Please check your details" in chat.texts
    chat.say("yes, that's correct")
    assert "registered under number" in chat.texts, chat.texts
    case = registered_case(chat, api)
    assert (case["complaint_type"], case["category"]) == ("complaint", "debt_collection")
    assert (case["complainant_type"], case["user_role"]) == ("user", "borrower")
    assert case["email"] == "mary.j@example.com"


def test_english_feedback_typed_throughout_is_registered(chat: Chat, api: httpx.Client) -> None:
    chat.say("i would like to give you some feedback")
    chat.say("i'm a lender")
    chat.say("Please show the expected returns before I fund a loan")
    chat.say("Peter Brown")
    chat.say("peter.brown@example.com")
    assert "Please check your details" in chat.texts
    chat.say("yes please")
    case = registered_case(chat, api)
    assert (case["complaint_type"], case["user_role"]) == ("feedback", "lender")


def test_an_english_question_for_an_officer_is_registered(chat: Chat, api: httpx.Client) -> None:
    chat.say("what is the interest rate for a 9 month loan?")
    assert "/register_question" in payloads(chat)
    chat.click("Yes, pass it on")
    chat.say("i'm a borrower")
    chat.say("Anna Lee")
    chat.say("+62 812 3456 7890")
    assert "Please check your details" in chat.texts
    chat.say("yes")
    case = registered_case(chat, api)
    assert case["complaint_type"] == "question"
    assert case["phone"] == "+6281234567890"


def test_an_indonesian_complaint_in_chat_register_is_registered(
    chat: Chat, api: httpx.Client
) -> None:
    chat.say("min gw mau ngadu")
    assert "sebagai siapa" in chat.texts
    chat.say("gw peminjam")
    chat.say("udh bayar cicilan lwt alfamart tp di apk msh nunggak, malah kena denda")
    chat.say("kmrn")
    chat.say("sekitar 150000")
    chat.say("lumayan penting")
    chat.say("Dimas Anggara")
    chat.say("0812 7777 6666")
    assert "Apakah data sudah benar" in chat.texts
    chat.say("udh bener kak")
    case = registered_case(chat, api)
    assert (case["complaint_type"], case["user_role"]) == ("complaint", "borrower")
    assert case["category"] == "transaction"
    assert case["phone"] == "+6281277776666"


def test_an_unclear_summary_ends_with_buttons_and_a_person_never_a_loop(
    chat: Chat, api: httpx.Client
) -> None:
    chat.say("saya mau kasih saran")
    chat.say("saya peminjam")
    chat.say("Sebaiknya ada pengingat jatuh tempo lewat SMS juga")
    chat.say("Dewi Lestari")
    chat.say("dewi@contoh.com")
    assert "Apakah data sudah benar" in chat.texts
    chat.say("hmm")
    assert "belum menangkap jawabannya" in chat.texts
    chat.say("entahlah")
    second = chat.texts
    assert "/request_human" in payloads(chat) and "/affirm" in payloads(chat)
    assert "Apakah data sudah benar" not in second, "the question is not asked a third time"
    chat.say("qwerty")
    assert "/request_human" in payloads(chat) and "/affirm" in payloads(chat)
    assert "Apakah data sudah benar" not in chat.texts
    assert cases_of(chat, api) == []
    chat.click("Ya")
    assert registered_case(chat, api)["complaint_type"] == "feedback"
