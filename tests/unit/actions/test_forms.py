"""The intake form: the opening message, typed and clicked answers, re-asks, the summary."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import is_cancel
from actions.dates import WIB
from actions.forms import (
    ActionAskConfirmed,
    ActionAskDescription,
    ActionAskPriority,
    ValidateIntakeForm,
    intake_slots,
    reset_intake,
)
from tests.unit.actions.fakes import sent, texts, tracker

SUNDAY = datetime(2026, 11, 22, 10, 0, tzinfo=WIB)
FORM = ValidateIntakeForm(clock=lambda: SUNDAY)
BANK = {
    "institution_name": "Bank Nusantara Digital",
    "institution_kind": "bank",
    "institution_roles": ["customer", "representative"],
}
OK = {"invalid_answers": None}


def validate(slot: str, value: Any, slots: dict[str, Any] | None = None) -> tuple[dict, list]:
    """Run the form's validation of one slot; return the slots it sets and the messages."""
    dispatcher = CollectingDispatcher()
    method = getattr(FORM, f"validate_{slot}")
    result = method(value, dispatcher, tracker(slots, text=str(value)), {})
    return result, sent(dispatcher)


def opening(text: str, slots: dict[str, Any] | None = None, **message: Any) -> dict[str, Any]:
    """What the form takes from the message that started it."""
    return FORM.from_opening(
        tracker({"complaint_type": "complaint", **(slots or {})}, text=text, **message)
    )


@pytest.mark.parametrize("value", ["user", "Pengguna", "saya pengguna KreditPro"])
def test_a_user_answer_by_button_or_typed_is_a_user(value: str) -> None:
    assert validate("complainant_type", value) == (
        {"complainant_type": "user", "user_role": None, **OK},
        [],
    )


@pytest.mark.parametrize(
    "value", ["reporter", "Pelapor", "saya bukan pengguna", "pihak luar", "bukan peminjam"]
)
def test_a_reporter_has_no_user_role(value: str) -> None:
    result, _ = validate("complainant_type", value)
    assert result == {"complainant_type": "reporter", "user_role": None, **OK}


def test_typing_saya_peminjam_answers_the_role_question_too() -> None:
    result, _ = validate("complainant_type", "saya peminjam")
    assert result == {"complainant_type": "user", "user_role": "borrower", **OK}


def test_the_borrower_button_sets_the_role_along_with_the_user() -> None:
    result, _ = validate("complainant_type", "user", {"user_role": "borrower"})
    assert result == {"complainant_type": "user", "user_role": "borrower", **OK}


def test_an_unclear_complainant_answer_is_explained_and_asked_again() -> None:
    assert validate("complainant_type", "apa maksudnya?") == (
        {"complainant_type": None, "invalid_answers": 1},
        ["invalid_choice"],
    )


def test_a_second_wrong_answer_in_a_row_also_offers_a_person() -> None:
    dispatcher = CollectingDispatcher()
    result = FORM.validate_contact(
        "belum punya", dispatcher, tracker({"invalid_answers": 1}, text="belum punya"), {}
    )
    assert result == {"contact": None, "invalid_answers": 2}
    assert sent(dispatcher) == ["invalid_contact", "offer_human_after_failures"]
    [button] = dispatcher.messages[-1]["buttons"]
    assert button["payload"] == "/request_human"


@pytest.mark.parametrize(
    ("kind", "complainant", "slots"),
    [
        ("complaint", "user", list(intake_slots("complaint", "user"))),
        (
            "feedback",
            "user",
            ["complainant_type", "description", "full_name", "contact", "confirmed"],
        ),
        (
            "question",
            None,
            ["complainant_type", "description", "full_name", "contact", "confirmed"],
        ),
    ],
)
async def test_a_complaint_gets_the_full_form_and_feedback_or_a_question_a_short_one(
    kind: str, complainant: str | None, slots: list[str]
) -> None:
    form_slots = await FORM.required_slots(
        [],
        CollectingDispatcher(),
        tracker({"complaint_type": kind, "complainant_type": complainant}),
        {},
    )
    assert form_slots == slots
    if kind == "complaint":
        assert {"category", "incident_date", "loss_amount", "priority"} <= set(form_slots)


async def test_a_reporter_is_not_asked_for_a_role() -> None:
    reporter = tracker({"complainant_type": "reporter"})
    slots = await FORM.required_slots([], CollectingDispatcher(), reporter, {})
    assert "user_role" not in slots and "complainant_type" in slots


@pytest.mark.parametrize(
    ("value", "role"),
    [("lender", "lender"), ("Pemberi pinjaman", "lender"), ("peminjam", "borrower")],
)
def test_a_p2p_user_is_a_lender_or_a_borrower(value: str, role: str) -> None:
    assert validate("user_role", value) == ({"user_role": role, **OK}, [])


def test_a_bank_customer_or_representative_is_understood() -> None:
    assert validate("user_role", "Perwakilan nasabah", BANK)[0]["user_role"] == "representative"
    assert validate("user_role", "nasabah", BANK)[0]["user_role"] == "customer"


def test_a_role_of_another_kind_of_institution_is_asked_again() -> None:
    assert validate("user_role", "peminjam", BANK) == (
        {"user_role": None, "invalid_answers": 1},
        ["invalid_choice"],
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
    assert validate("full_name", typed) == ({"full_name": name, **OK}, [])


@pytest.mark.parametrize(
    "typed", ["0812345", "budi@contoh.com", '/inform{"priority":"high"}', "x", "halo"]
)
def test_something_that_is_not_a_name_is_asked_again(typed: str) -> None:
    assert validate("full_name", typed) == (
        {"full_name": None, "invalid_answers": 1},
        ["invalid_full_name"],
    )


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
    assert validate("contact", typed) == ({"contact": "+6281234567890", **OK}, [])


def test_an_email_is_accepted_with_its_domain_in_lower_case() -> None:
    assert validate("contact", "email saya Budi.S@Gmail.COM.")[0]["contact"] == "Budi.S@gmail.com"


@pytest.mark.parametrize(
    ("typed", "explanation"),
    [
        ("12345", "invalid_phone"),
        ("0812", "invalid_phone"),
        ("budi@gmail", "invalid_email"),
        ("belum punya", "invalid_contact"),
    ],
)
def test_a_bad_contact_is_explained_for_what_it_looks_like(typed: str, explanation: str) -> None:
    assert validate("contact", typed) == ({"contact": None, "invalid_answers": 1}, [explanation])


def test_a_too_short_description_is_asked_again_with_the_minimum_length() -> None:
    dispatcher = CollectingDispatcher()
    result = FORM.validate_description("dana belum", dispatcher, tracker(text="dana belum"), {})
    assert result == {"description": None, "invalid_answers": 1}
    assert "15" in texts(dispatcher)


@pytest.mark.parametrize(
    ("description", "category"),
    [
        ("Dana pinjaman saya belum cair padahal sudah disetujui", "transaction"),
        ("dana blm cair udh 3 hari", "transaction"),
        ("Debt collector menelepon kantor saya dan mengancam", "debt_collection"),
        ("dc nya ngancem nyebarin data sy", "debt_collection"),
        ("penagihnya kasar bgt", "debt_collection"),
        ("Ada yang mengaku CS KreditPro meminta kode OTP saya", "fraud"),
        ("akun sy kebobol ada pinjaman yg bkn sy", "fraud"),
        ("Kontak darurat saya dihubungi dan data saya disebar", "personal_data"),
        ("Bunga dan dendanya jauh lebih besar dari perjanjian", "fees_interest"),
        ("Saya minta keringanan cicilan karena sakit", "restructuring"),
        ("Nama saya masih jelek di SLIK padahal sudah lunas", "credit_report"),
        ("gk bisa login ke aplikasi dari kemarin", "account"),
        ("cs nya lambat bgt bales chat", "service"),
        ("Aplikasi bagus, tapi saya ingin tahu jam kerja kantor", None),
    ],
)
def test_the_description_gives_the_category(description: str, category: str | None) -> None:
    result, _ = validate("description", description)
    assert (result["description"], result["category"]) == (description, category)


def test_a_day_named_in_the_description_is_not_asked_again() -> None:
    result, _ = validate("description", "Dana belum cair padahal disetujui tiga hari yang lalu")
    assert result["incident_date"] == "2026-11-19"


def test_a_category_already_known_is_kept_by_the_description() -> None:
    result, _ = validate(
        "description", "saya ditelepon terus tiap hari", {"category": "personal_data"}
    )
    assert "category" not in result


@pytest.mark.parametrize(
    ("typed", "category"),
    [
        ("debt_collection", "debt_collection"),
        ("soal penagihan", "debt_collection"),
        ("lainnya", "other"),
    ],
)
def test_a_category_is_taken_from_its_button_or_words(typed: str, category: str) -> None:
    assert validate("category", typed) == ({"category": category, **OK}, [])


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("kemarin", "2026-11-21"),
        ("3 hari lalu", "2026-11-19"),
        ("udh seminggu", "2026-11-15"),
        ("12 nov", "2026-11-12"),
        ("03/11/2026", "2026-11-03"),
        ("two days ago", "2026-11-20"),
        ("lupa tanggalnya", "unknown"),
    ],
)
def test_the_day_of_the_incident_is_read_from_everyday_words(typed: str, day: str) -> None:
    assert validate("incident_date", typed) == ({"incident_date": day, **OK}, [])


@pytest.mark.parametrize("typed", ["besok", "pokoknya", "12/13/2026"])
def test_a_future_or_unreadable_day_is_asked_again(typed: str) -> None:
    assert validate("incident_date", typed)[1] == ["invalid_incident_date"]


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("5jt", 5_000_000),
        ("Rp 1.500.000", 1_500_000),
        ("1,5 juta", 1_500_000),
        ("sekitar 750rb", 750_000),
        ("tidak ada kerugian", 0),
        ("no loss", 0),
    ],
)
def test_a_loss_is_read_in_rupiah_as_customers_write_it(typed: str, amount: int) -> None:
    assert validate("loss_amount", typed) == ({"loss_amount": amount, **OK}, [])


def test_an_unreadable_loss_is_asked_again() -> None:
    assert validate("loss_amount", "banyak pokoknya")[1] == ["invalid_loss_amount"]


@pytest.mark.parametrize(
    ("typed", "priority"),
    [
        ("low", "low"),
        ("Rendah", "low"),
        ("tidak mendesak", "low"),
        ("tidak terlalu mendesak", "low"),
        ("gk terlalu mendesak sih", "low"),
        ("medium", "medium"),
        ("biasa aja", "medium"),
        ("tinggi", "high"),
        ("mendesak", "high"),
        ("darurat", "emergency"),
        ("urgent banget", "emergency"),
        ("urgent bgt kak", "emergency"),
        ("emergency", "emergency"),
    ],
)
def test_a_typed_priority_is_understood(typed: str, priority: str) -> None:
    assert validate("priority", typed) == ({"priority": priority, **OK}, [])


def test_an_unknown_priority_is_asked_again() -> None:
    assert validate("priority", "entahlah")[1] == ["invalid_choice"]


@pytest.mark.parametrize(
    ("value", "confirmed"),
    [("/affirm", True), ("/deny", False), ("iya benar", True), ("Ya", True), ("tidak", False)],
)
def test_the_confirmation_is_a_yes_or_a_no_clicked_or_typed(value: Any, confirmed: bool) -> None:
    assert validate("confirmed", value) == (
        {"confirmed": confirmed, "correcting": None, **OK},
        [],
    )


@pytest.mark.parametrize("value", ["hmm", "entahlah", "tidak tahu", "Kevin"])
def test_an_unsure_confirmation_is_asked_again_and_neither_registers_nor_cancels(
    value: str,
) -> None:
    assert validate("confirmed", value) == (
        {"confirmed": None, "invalid_answers": 1},
        ["invalid_confirmation"],
    )


@pytest.mark.parametrize(
    ("typed", "field"),
    [
        ("ganti nomor hp", "contact"),
        ("salah nama", "full_name"),
        ("ubah kerugian", "loss_amount"),
        ("ubah prioritas", "priority"),
        ("change the date", "incident_date"),
    ],
)
def test_at_the_summary_naming_a_field_asks_that_field_again(typed: str, field: str) -> None:
    result, messages = validate("confirmed", typed, {"complaint_type": "complaint"})
    assert result == {"confirmed": None, "correcting": None, field: None}
    assert messages == []


def test_a_new_number_given_with_the_correction_is_taken_at_once() -> None:
    result, _ = validate("confirmed", "ganti nomor hp jadi 0813-1111-2222")
    assert result == {"confirmed": None, "correcting": None, "contact": "+6281311112222"}


def test_ubah_data_without_a_field_asks_which_field_then_takes_the_answer() -> None:
    asked, _ = validate("confirmed", "ubah data")
    assert asked == {"confirmed": None, "correcting": True}
    chosen, _ = validate("confirmed", "kontak", {"correcting": True})
    assert chosen == {"confirmed": None, "correcting": None, "contact": None}


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


def test_the_opening_message_gives_the_story_its_category_and_its_day() -> None:
    assert opening("dana blm cair udh 3 hari") == {
        "description": "dana blm cair udh 3 hari",
        "category": "transaction",
        "incident_date": "2026-11-19",
    }


def test_the_opening_message_says_who_is_complaining() -> None:
    found = opening("saya peminjam di KreditPro, dc nya ngancem nyebarin data sy")
    assert found["complainant_type"] == "user" and found["user_role"] == "borrower"
    assert found["category"] == "debt_collection"


def test_a_reporter_says_so_in_the_opening_message() -> None:
    found = opening("saya bukan peminjam tapi dc nelpon saya terus sebagai kontak darurat")
    assert (found["complainant_type"], found["user_role"]) == ("reporter", None)


def test_an_opening_that_only_asks_to_complain_fills_nothing() -> None:
    assert opening("halo kak saya mau komplain") == {}
    assert opening("/complain") == {}


def test_the_opening_amount_and_phone_come_from_their_entities() -> None:
    entities = [
        {"entity": "amount", "value": "5jt"},
        {"entity": "phone_number", "value": "0812-3456-7890"},
    ]
    found = opening("saldo sy kepotong 5jt tanpa transaksi, hub 0812-3456-7890", entities=entities)
    assert found["loss_amount"] == 5_000_000
    assert found["contact"] == "+6281234567890"


def test_a_question_passed_on_is_already_the_description() -> None:
    found = FORM.from_opening(
        tracker({"complaint_type": "question", "pending_question": "berapa bunga 6 bulan?"})
    )
    assert found == {"description": "berapa bunga 6 bulan?"}


async def test_the_form_validates_what_the_opening_message_gave() -> None:
    dispatcher = CollectingDispatcher()
    events = await FORM.run(
        dispatcher,
        tracker({"complaint_type": "complaint"}, text="sy peminjam, dana blm cair udh 3 hari"),
        {"forms": {"intake_form": {"required_slots": list(intake_slots("complaint", None))}}},
    )
    slots = {e["name"]: e["value"] for e in events}
    assert slots["complainant_type"] == "user" and slots["user_role"] == "borrower"
    assert slots["category"] == "transaction"
    assert slots["incident_date"] == "2026-11-19"
    assert slots["description"] == "sy peminjam, dana blm cair udh 3 hari"


@pytest.mark.parametrize(
    ("description", "category", "reason"),
    [
        ("dc nya ngancem nyebarin data sy", "debt_collection", "ancaman"),
        ("akun saya dibobol orang", "fraud", "akun yang diambil alih"),
        ("ada yang mengaku CS minta OTP", "fraud", "dugaan penipuan"),
    ],
)
async def test_the_bot_proposes_emergency_for_threats_takeovers_and_fraud(
    description: str, category: str, reason: str
) -> None:
    dispatcher = CollectingDispatcher()
    slots = {"description": description, "category": category}
    await ActionAskPriority().run(dispatcher, tracker(slots), {})
    assert sent(dispatcher) == ["propose_emergency", "ask_priority"]
    assert reason in texts(dispatcher)
    assert len(dispatcher.messages[-1]["buttons"]) == 4


async def test_no_emergency_is_proposed_for_a_late_disbursement() -> None:
    dispatcher = CollectingDispatcher()
    await ActionAskPriority().run(
        dispatcher, tracker({"description": "dana belum cair", "category": "transaction"}), {}
    )
    assert sent(dispatcher) == ["ask_priority"]


@pytest.mark.parametrize(
    ("kind", "key"),
    [
        ("complaint", "ask_description"),
        ("feedback", "ask_description_feedback"),
        ("question", "ask_description_question"),
    ],
)
async def test_the_description_is_asked_for_what_the_customer_brings(kind: str, key: str) -> None:
    dispatcher = CollectingDispatcher()
    await ActionAskDescription().run(dispatcher, tracker({"complaint_type": kind}), {})
    assert sent(dispatcher) == [key]


ANSWERS = {
    "complaint_type": "complaint",
    "complainant_type": "user",
    "user_role": "borrower",
    "category": "transaction",
    "incident_date": "2026-11-19",
    "loss_amount": 1_500_000,
    "full_name": "Budi Santoso",
    "contact": "+6281234567890",
    "description": "Dana pinjaman saya belum cair",
    "priority": "high",
}


async def summary(slots: dict[str, Any]) -> CollectingDispatcher:
    dispatcher = CollectingDispatcher()
    await ActionAskConfirmed().run(dispatcher, tracker(slots), {})
    return dispatcher


async def test_the_summary_repeats_the_answers_in_the_words_of_the_buttons() -> None:
    dispatcher = await summary(ANSWERS)
    assert sent(dispatcher) == ["summary"]
    text = texts(dispatcher)
    for line in (
        "• Pengadu: Peminjam",
        "• Jenis masalah: Transaksi, pencairan, pembayaran",
        "• Uraian: Dana pinjaman saya belum cair",
        "• Waktu kejadian: 19 November 2026",
        "• Kerugian: Rp1.500.000",
        "• Prioritas: Tinggi",
        "• Nama lengkap: Budi Santoso",
        "• Kontak: +6281234567890",
    ):
        assert line in text
    titles = [b["title"] for b in dispatcher.messages[0]["buttons"]]
    assert titles == ["Ya", "Ubah data", "Batal"]


async def test_the_summary_uses_the_english_and_bank_words_of_such_a_conversation() -> None:
    slots = {**ANSWERS, **BANK, "user_role": "representative", "language": "en"}
    text = texts(await summary(slots))
    assert "• Complainant: Customer's representative" in text
    assert "• Priority: High" in text


async def test_a_feedback_summary_is_short_and_names_the_kind() -> None:
    slots = {**ANSWERS, "complaint_type": "feedback", "category": None, "priority": None}
    text = texts(await summary(slots))
    assert "• Jenis penyampaian: Kritik dan saran" in text
    assert "Prioritas" not in text and "Kerugian" not in text


async def test_a_reporter_summary_names_no_role() -> None:
    slots = {**ANSWERS, "complainant_type": "reporter", "user_role": None}
    assert "• Pengadu: Pelapor (bukan pengguna)" in texts(await summary(slots))


async def test_asking_to_change_something_shows_the_fields_instead_of_the_summary() -> None:
    dispatcher = await summary({**ANSWERS, "correcting": True})
    assert sent(dispatcher) == ["ask_correction"]


async def test_after_a_failed_submission_the_confirmation_offers_a_retry() -> None:
    dispatcher = await summary({**ANSWERS, "intake_submission_key": "chat-1:m-1"})
    assert sent(dispatcher) == ["ask_retry_submission"]


def test_resetting_the_intake_empties_every_answer_and_the_submission_key() -> None:
    emptied = {event["name"] for event in reset_intake() if event["value"] is None}
    assert set(ANSWERS) | {"confirmed", "intake_submission_key", "pending_question"} <= emptied
