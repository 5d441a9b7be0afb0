"""The intake form's validation: typed and clicked answers, re-asks, and the summary."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import is_cancel
from actions.forms import ActionAskConfirmed, ValidateIntakeForm, reset_intake
from tests.unit.actions.fakes import sent, tracker

FORM = ValidateIntakeForm()
BANK = {
    "institution_name": "Bank Nusantara Digital",
    "institution_kind": "bank",
    "institution_roles": ["customer", "representative"],
}


def validate(slot: str, value: Any, slots: dict[str, Any] | None = None) -> tuple[dict, list]:
    """Run the form's validation of one slot; return the slots it sets and the responses."""
    dispatcher = CollectingDispatcher()
    method = getattr(FORM, f"validate_{slot}")
    result = method(value, dispatcher, tracker(slots, text=str(value)), {})
    return result, sent(dispatcher)


@pytest.mark.parametrize("value", ["user", "Pengguna", "saya pengguna KreditPro"])
def test_a_user_answer_by_button_or_typed_is_a_user(value: str) -> None:
    assert validate("complainant_type", value) == ({"complainant_type": "user"}, [])


@pytest.mark.parametrize("value", ["reporter", "Pelapor", "saya bukan pengguna", "pihak luar"])
def test_a_reporter_has_no_user_role(value: str) -> None:
    result, _ = validate("complainant_type", value)
    assert result == {"complainant_type": "reporter", "user_role": None}


def test_typing_saya_peminjam_answers_the_role_question_too() -> None:
    result, _ = validate("complainant_type", "saya peminjam")
    assert result == {"complainant_type": "user", "user_role": "borrower"}


def test_an_unclear_complainant_answer_is_explained_and_asked_again() -> None:
    assert validate("complainant_type", "apa maksudnya?") == (
        {"complainant_type": None},
        ["utter_invalid_choice"],
    )


async def test_a_reporter_is_not_asked_for_a_role() -> None:
    domain_slots = ["complainant_type", "user_role", "full_name", "confirmed"]
    reporter = tracker({"complainant_type": "reporter"})
    user = tracker({"complainant_type": "user"})
    dispatcher = CollectingDispatcher()
    assert await FORM.required_slots(domain_slots, dispatcher, reporter, {}) == [
        "complainant_type",
        "full_name",
        "confirmed",
    ]
    assert await FORM.required_slots(domain_slots, dispatcher, user, {}) == domain_slots


@pytest.mark.parametrize(
    ("value", "role"),
    [("lender", "lender"), ("Pemberi pinjaman", "lender"), ("peminjam", "borrower")],
)
def test_a_p2p_user_is_a_lender_or_a_borrower(value: str, role: str) -> None:
    assert validate("user_role", value) == ({"user_role": role}, [])


def test_a_bank_customer_or_representative_is_understood() -> None:
    assert validate("user_role", "Perwakilan nasabah", BANK)[0] == {"user_role": "representative"}
    assert validate("user_role", "nasabah", BANK)[0] == {"user_role": "customer"}


def test_a_role_of_another_kind_of_institution_is_asked_again() -> None:
    assert validate("user_role", "peminjam", BANK) == (
        {"user_role": None},
        ["utter_invalid_choice"],
    )


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("Budi Santoso", "Budi Santoso"),
        ("  nama saya   Siti Aminah ", "Siti Aminah"),
        ("andi wijaya", "Andi Wijaya"),
        ("Ni Putu Ayu D'Souza", "Ni Putu Ayu D'Souza"),
    ],
)
def test_a_name_is_kept_without_its_preamble(typed: str, name: str) -> None:
    assert validate("full_name", typed) == ({"full_name": name}, [])


@pytest.mark.parametrize(
    "typed", ["0812345", "budi@contoh.com", '/inform{"priority":"high"}', "x", "halo"]
)
def test_something_that_is_not_a_name_is_asked_again(typed: str) -> None:
    assert validate("full_name", typed) == ({"full_name": None}, ["utter_invalid_full_name"])


@pytest.mark.parametrize(
    "typed",
    [
        "0812-3456-7890",
        "081234567890",
        "+62 812 3456 7890",
        "6281234567890",
        "nomor saya 0812 3456 7890",
    ],
)
def test_indonesian_phone_numbers_are_normalised_to_plus_62(typed: str) -> None:
    assert validate("contact", typed) == ({"contact": "+6281234567890"}, [])


def test_an_email_is_accepted_with_its_domain_in_lower_case() -> None:
    assert validate("contact", "email saya Budi.S@Gmail.COM.")[0] == {"contact": "Budi.S@gmail.com"}


@pytest.mark.parametrize("typed", ["12345", "budi@gmail", "belum punya", "0812"])
def test_a_bad_contact_is_explained_and_asked_again(typed: str) -> None:
    assert validate("contact", typed) == ({"contact": None}, ["utter_invalid_contact"])


def test_a_too_short_description_is_asked_again() -> None:
    assert validate("description", "dana belum") == (
        {"description": None},
        ["utter_invalid_description"],
    )


@pytest.mark.parametrize(
    ("description", "category"),
    [
        ("Dana pinjaman saya belum cair padahal sudah disetujui", "transaction"),
        ("Debt collector menelepon kantor saya dan mengancam", "debt_collection"),
        ("Ada yang mengaku CS KreditPro meminta kode OTP saya", "fraud"),
        ("Kontak darurat saya dihubungi dan data saya disebar", "personal_data"),
        ("Bunga dan dendanya jauh lebih besar dari perjanjian", "fees_interest"),
        ("Saya minta keringanan cicilan karena sakit", "restructuring"),
        ("Nama saya masih jelek di SLIK padahal sudah lunas", "credit_report"),
        ("Aplikasi bagus, tapi saya ingin tahu jam kerja kantor", "other"),
    ],
)
def test_the_description_gives_the_category(description: str, category: str) -> None:
    result, _ = validate("description", description)
    assert result == {"description": description, "category": category}


@pytest.mark.parametrize(
    ("typed", "priority"),
    [
        ("low", "low"),
        ("Rendah", "low"),
        ("tidak mendesak", "low"),
        ("medium", "medium"),
        ("tinggi", "high"),
        ("mendesak", "high"),
        ("darurat", "emergency"),
        ("urgent banget", "emergency"),
        ("emergency", "emergency"),
    ],
)
def test_a_typed_priority_is_understood(typed: str, priority: str) -> None:
    assert validate("priority", typed) == ({"priority": priority}, [])


def test_an_unknown_priority_is_asked_again() -> None:
    assert validate("priority", "entahlah") == ({"priority": None}, ["utter_invalid_choice"])


@pytest.mark.parametrize(
    ("value", "confirmed"),
    [("/affirm", True), ("/deny", False), ("iya benar", True), ("Ya", True), ("tidak", False)],
)
def test_the_confirmation_is_a_yes_or_a_no_clicked_or_typed(value: Any, confirmed: bool) -> None:
    assert validate("confirmed", value) == ({"confirmed": confirmed}, [])


@pytest.mark.parametrize("value", ["hmm", "entahlah", "tidak tahu", "Kevin"])
def test_an_unsure_confirmation_is_asked_again_and_neither_registers_nor_cancels(
    value: str,
) -> None:
    assert validate("confirmed", value) == ({"confirmed": None}, ["utter_invalid_choice"])


@pytest.mark.parametrize("text", ["batal", "Batalkan!", "tidak jadi", "gak jadi deh", "stop saja"])
async def test_batal_ends_the_form_unconfirmed_at_any_question(text: str) -> None:
    dispatcher = CollectingDispatcher()
    events = await FORM.run(dispatcher, tracker({"requested_slot": "full_name"}, text=text), {})
    assert [(e["name"], e["value"]) for e in events] == [
        ("confirmed", None),
        ("requested_slot", None),
    ]


@pytest.mark.parametrize("text", ["Tono Batalyon", "saya batal bayar karena dana belum cair"])
def test_a_name_or_story_with_cancel_words_is_not_a_cancel(text: str) -> None:
    assert not is_cancel(text)


ANSWERS = {
    "complainant_type": "user",
    "user_role": "borrower",
    "full_name": "Budi Santoso",
    "contact": "+6281234567890",
    "description": "Dana pinjaman saya belum cair",
    "priority": "high",
}


async def test_the_summary_repeats_the_answers_in_the_words_of_the_buttons(
    domain: dict[str, Any],
) -> None:
    dispatcher = CollectingDispatcher()
    await ActionAskConfirmed().run(dispatcher, tracker(ANSWERS), domain)
    [message] = dispatcher.messages
    assert message["response"] == "utter_intake_summary"
    assert message["complainant"] == "Pengguna (Peminjam)"
    assert message["priority"] == "Tinggi"
    assert message["full_name"] == "Budi Santoso"
    assert message["contact"] == "+6281234567890"
    assert message["description"] == "Dana pinjaman saya belum cair"


async def test_the_summary_uses_the_english_and_bank_words_of_such_a_conversation(
    domain: dict[str, Any],
) -> None:
    slots = {**ANSWERS, **BANK, "user_role": "representative", "language": "en"}
    dispatcher = CollectingDispatcher()
    await ActionAskConfirmed().run(dispatcher, tracker(slots), domain)
    assert dispatcher.messages[0]["complainant"] == "User (Representative)"
    assert dispatcher.messages[0]["priority"] == "High"


async def test_a_reporter_summary_names_no_role(domain: dict[str, Any]) -> None:
    dispatcher = CollectingDispatcher()
    slots = {**ANSWERS, "complainant_type": "reporter", "user_role": None}
    await ActionAskConfirmed().run(dispatcher, tracker(slots), domain)
    assert dispatcher.messages[0]["complainant"] == "Pelapor"


async def test_after_a_failed_submission_the_confirmation_offers_a_retry(
    domain: dict[str, Any],
) -> None:
    dispatcher = CollectingDispatcher()
    slots = {**ANSWERS, "intake_submission_key": "chat-1:m-1"}
    await ActionAskConfirmed().run(dispatcher, tracker(slots), domain)
    assert sent(dispatcher) == ["utter_ask_retry_submission"]


def test_resetting_the_intake_empties_every_answer_and_the_submission_key() -> None:
    emptied = {event["name"] for event in reset_intake() if event["value"] is None}
    assert set(ANSWERS) | {"complaint_type", "category", "confirmed", "intake_submission_key"} <= (
        emptied
    )
