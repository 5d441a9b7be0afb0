"""The intake form: the opening message, typed and clicked answers, re-asks, the summary."""

from __future__ import annotations

import inspect
from datetime import datetime
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import understanding
from actions.backend_client import BackendUnavailable
from actions.dates import WIB
from actions.forms import (
    ActionAskConfirmed,
    ActionAskDescription,
    ActionAskPriority,
    ValidateIntakeForm,
    intake_slots,
    reset_intake,
)
from tests.unit.actions.fakes import FakeBackend, sent, texts, tracker

SUNDAY = datetime(2026, 11, 22, 10, 0, tzinfo=WIB)
FORM = ValidateIntakeForm(FakeBackend(), clock=lambda: SUNDAY)
BANK = {
    "institution_name": "Bank Nusantara Digital",
    "institution_kind": "bank",
    "institution_roles": ["customer", "representative"],
}
OK = {"invalid_answers": None}


async def validate(
    slot: str, value: Any, slots: dict[str, Any] | None = None, **message: Any
) -> tuple[dict, list]:
    """Run the form's validation of one slot; return the slots it sets and the messages.

    `message` is what NLU understood of the typed answer (intent, entities, category).
    """
    dispatcher = CollectingDispatcher()
    method = getattr(FORM, f"validate_{slot}")
    result = method(value, dispatcher, tracker(slots, text=str(value), **message), {})
    if inspect.isawaitable(result):
        result = await result
    return result, sent(dispatcher)


async def opening(text: str, slots: dict[str, Any] | None = None, **message: Any) -> dict[str, Any]:
    """What the form takes from the message that started it."""
    return await FORM.from_opening(
        tracker({"complaint_type": "complaint", **(slots or {})}, text=text, **message)
    )


@pytest.mark.parametrize("value", ["user", "Pengguna", "saya pengguna KreditPro"])
async def test_a_user_answer_by_button_or_typed_is_a_user(value: str) -> None:
    assert await validate("complainant_type", value) == (
        {"complainant_type": "user", "user_role": None, **OK},
        [],
    )


@pytest.mark.parametrize(
    "value", ["reporter", "Pelapor", "saya bukan pengguna", "pihak luar", "bukan peminjam"]
)
async def test_a_reporter_has_no_user_role(value: str) -> None:
    result, _ = await validate("complainant_type", value)
    assert result == {"complainant_type": "reporter", "user_role": None, **OK}


async def test_typing_saya_peminjam_answers_the_role_question_too() -> None:
    result, _ = await validate("complainant_type", "saya peminjam")
    assert result == {"complainant_type": "user", "user_role": "borrower", **OK}


async def test_the_borrower_button_sets_the_role_along_with_the_user() -> None:
    result, _ = await validate("complainant_type", "user", {"user_role": "borrower"})
    assert result == {"complainant_type": "user", "user_role": "borrower", **OK}


async def test_an_unclear_complainant_answer_is_explained_and_asked_again() -> None:
    assert await validate("complainant_type", "apa maksudnya?") == (
        {"complainant_type": None, "invalid_answers": 1},
        ["invalid_choice"],
    )


async def test_a_second_wrong_answer_in_a_row_also_offers_a_person() -> None:
    dispatcher = CollectingDispatcher()
    result = await FORM.validate_contact(
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
async def test_a_p2p_user_is_a_lender_or_a_borrower(value: str, role: str) -> None:
    assert await validate("user_role", value) == ({"user_role": role, **OK}, [])


async def test_a_bank_customer_or_representative_is_understood() -> None:
    representative, _ = await validate("user_role", "Perwakilan nasabah", BANK)
    customer, _ = await validate("user_role", "nasabah", BANK)
    assert (representative["user_role"], customer["user_role"]) == ("representative", "customer")


async def test_a_role_of_another_kind_of_institution_is_asked_again() -> None:
    assert await validate("user_role", "peminjam", BANK) == (
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
async def test_a_name_is_kept_without_its_preamble(typed: str, name: str) -> None:
    assert await validate("full_name", typed) == ({"full_name": name, **OK}, [])


@pytest.mark.parametrize(
    "typed", ["0812345", "budi@contoh.com", '/inform{"priority":"high"}', "x", "halo"]
)
async def test_something_that_is_not_a_name_is_asked_again(typed: str) -> None:
    assert await validate("full_name", typed) == (
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
async def test_indonesian_phone_numbers_are_normalised_to_plus_62(typed: str) -> None:
    assert await validate("contact", typed) == ({"contact": "+6281234567890", **OK}, [])


async def test_an_email_is_accepted_with_its_domain_in_lower_case() -> None:
    result, _ = await validate("contact", "email saya Budi.S@Gmail.COM.")
    assert result["contact"] == "Budi.S@gmail.com"


@pytest.mark.parametrize(
    ("typed", "explanation"),
    [
        ("12345", "invalid_phone"),
        ("0812", "invalid_phone"),
        ("budi@gmail", "invalid_email"),
        ("belum punya", "invalid_contact"),
    ],
)
async def test_a_bad_contact_is_explained_for_what_it_looks_like(
    typed: str, explanation: str
) -> None:
    assert await validate("contact", typed) == (
        {"contact": None, "invalid_answers": 1},
        [explanation],
    )


async def test_the_contact_shown_is_the_form_the_case_api_keeps() -> None:
    backend = FakeBackend()
    form = ValidateIntakeForm(backend, clock=lambda: SUNDAY)
    typed = "hp saya 0812 3456 7890 ya"
    result = await form.validate_contact(typed, CollectingDispatcher(), tracker(text=typed), {})
    assert backend.contacts == ["0812 3456 7890"]
    assert result == {"contact": "+6281234567890", **OK}


async def test_while_the_case_api_is_down_the_contact_found_is_kept_as_typed() -> None:
    backend = FakeBackend()
    backend.failure = BackendUnavailable("down")
    form = ValidateIntakeForm(backend, clock=lambda: SUNDAY)
    typed = "0812-3456-7890"
    result = await form.validate_contact(typed, CollectingDispatcher(), tracker(text=typed), {})
    assert result == {"contact": "0812-3456-7890", **OK}


def test_a_too_short_description_is_asked_again_with_the_minimum_length() -> None:
    dispatcher = CollectingDispatcher()
    result = FORM.validate_description("dana belum", dispatcher, tracker(text="dana belum"), {})
    assert result == {"description": None, "invalid_answers": 1}
    assert "15" in texts(dispatcher)


@pytest.mark.parametrize(
    ("read", "confidence", "category"),
    [
        ("transaction", 0.9, "transaction"),
        ("debt_collection", 0.6, "debt_collection"),
        ("fraud", 0.3, None),
        ("none", 0.95, None),
        (None, 0.0, None),
    ],
)
async def test_the_description_gets_the_category_the_model_reads_when_it_is_sure(
    read: str | None, confidence: float, category: str | None
) -> None:
    description = "Dana pinjaman saya belum cair padahal sudah disetujui"
    result, _ = await validate(
        "description", description, category=read, category_confidence=confidence
    )
    assert (result["description"], result["category"]) == (description, category)


async def test_a_day_named_in_the_description_is_not_asked_again() -> None:
    result, _ = await validate(
        "description", "Dana belum cair padahal disetujui tiga hari yang lalu"
    )
    assert result["incident_date"] == "2026-11-19"


async def test_a_category_already_known_is_kept_by_the_description() -> None:
    result, _ = await validate(
        "description",
        "saya ditelepon terus tiap hari",
        {"category": "personal_data"},
        category="debt_collection",
    )
    assert "category" not in result


@pytest.mark.parametrize(
    ("typed", "category"),
    [
        ("debt_collection", "debt_collection"),
        ("Lainnya", "other"),
        ("penagihan / debt collector", "debt_collection"),
        ("Problem with my account", None),
    ],
)
async def test_a_category_is_taken_from_its_button_or_its_buttons_words(
    typed: str, category: str | None
) -> None:
    result, _ = await validate("category", typed)
    assert result["category"] == category


async def test_a_typed_category_is_read_by_the_model() -> None:
    result, _ = await validate("category", "soal penagihan", category="debt_collection")
    assert result == {"category": "debt_collection", **OK}


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
async def test_the_day_of_the_incident_is_read_from_everyday_words(typed: str, day: str) -> None:
    assert await validate("incident_date", typed) == ({"incident_date": day, **OK}, [])


@pytest.mark.parametrize("typed", ["besok", "pokoknya", "12/13/2026"])
async def test_a_future_or_unreadable_day_is_asked_again(typed: str) -> None:
    assert (await validate("incident_date", typed))[1] == ["invalid_incident_date"]


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("5jt", 5_000_000),
        ("Rp 1.500.000", 1_500_000),
        ("1,5 juta", 1_500_000),
        ("sekitar 750rb", 750_000),
        ("tidak ada kerugian", 0),
        ("no loss", 0),
        ("350000", 350_000),
        ("kepotong 850 ribu", 850_000),
        ("Rp2.000.000,00", 2_000_000),
        ("around 3 million", 3_000_000),
    ],
)
async def test_a_loss_is_read_in_rupiah_as_customers_write_it(typed: str, amount: int) -> None:
    assert await validate("loss_amount", typed) == ({"loss_amount": amount, **OK}, [])


async def test_an_unreadable_loss_is_asked_again() -> None:
    assert (await validate("loss_amount", "banyak pokoknya"))[1] == ["invalid_loss_amount"]


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
async def test_a_typed_priority_is_understood(typed: str, priority: str) -> None:
    assert await validate("priority", typed) == ({"priority": priority, **OK}, [])


async def test_an_unknown_priority_is_asked_again() -> None:
    assert (await validate("priority", "entahlah"))[1] == ["invalid_choice"]


@pytest.mark.parametrize(
    ("value", "intent", "confirmed"),
    [
        ("/affirm", "affirm", True),
        ("/deny", "deny", False),
        ("iya benar", "affirm", True),
        ("yes, that's correct", "affirm", True),
        ("tidak", "deny", False),
        (True, "affirm", True),
    ],
)
async def test_the_confirmation_is_the_yes_or_no_intent_clicked_or_typed(
    value: Any, intent: str, confirmed: bool
) -> None:
    assert await validate("confirmed", value, intent=intent) == (
        {"confirmed": confirmed, "correcting": None, **OK},
        [],
    )


@pytest.mark.parametrize(
    ("value", "intent", "confidence"),
    [("hmm", "affirm", 0.45), ("entahlah", "out_of_scope", 0.8), ("Kevin", "inform", 0.9)],
)
async def test_an_unsure_confirmation_is_asked_again_and_neither_registers_nor_cancels(
    value: str, intent: str, confidence: float
) -> None:
    assert await validate("confirmed", value, intent=intent, confidence=confidence) == (
        {"confirmed": None, "invalid_answers": 1},
        ["invalid_confirmation"],
    )


async def test_the_second_unclear_confirmation_also_offers_buttons_and_a_person() -> None:
    result, sent_messages = await validate(
        "confirmed", "hmm", {"invalid_answers": 1}, intent="greet"
    )
    assert result == {"confirmed": None, "invalid_answers": 2}
    assert sent_messages == ["invalid_confirmation", "offer_human_after_failures"]


@pytest.mark.parametrize(
    ("typed", "field"),
    [
        ("ganti nomor hp", "contact"),
        ("nama saya salah tulis", "full_name"),
        ("ubah kerugian", "loss_amount"),
        ("ubah prioritas", "priority"),
        ("the date is wrong", "incident_date"),
    ],
)
async def test_at_the_summary_a_change_request_asks_its_field_again(typed: str, field: str) -> None:
    result, messages = await validate(
        "confirmed",
        typed,
        {"complaint_type": "complaint"},
        intent="change_detail",
        entities=[{"entity": "field", "value": field}],
    )
    assert result == {"confirmed": None, "correcting": None, field: None, **OK}
    assert messages == []


async def test_yes_thats_correct_is_never_taken_for_a_change_request() -> None:
    result, _ = await validate("confirmed", "yes, that's correct", intent="affirm", confidence=0.97)
    assert result["confirmed"] is True


async def test_a_new_number_given_with_the_correction_is_taken_at_once() -> None:
    entities = [
        {"entity": "field", "value": "contact"},
        {"entity": "phone_number", "value": "0813-1111-2222"},
    ]
    result, _ = await validate(
        "confirmed", "ganti nomor hp jadi 0813-1111-2222", intent="change_detail", entities=entities
    )
    assert result == {"confirmed": None, "correcting": None, "contact": "+6281311112222", **OK}


async def test_a_change_request_without_a_field_asks_which_field_then_takes_the_answer() -> None:
    asked, _ = await validate("confirmed", "ubah data", intent="change_detail")
    assert asked == {"confirmed": None, "correcting": True, **OK}
    named = [{"entity": "field", "value": "contact"}]
    chosen, _ = await validate("confirmed", "kontak", {"correcting": True}, entities=named)
    assert chosen == {"confirmed": None, "correcting": None, "contact": None, **OK}


@pytest.mark.parametrize("text", ["batal", "Batalkan!", "cancel it", "gak jadi deh", "/cancel"])
async def test_a_cancel_ends_the_form_unconfirmed_at_any_question(text: str) -> None:
    dispatcher = CollectingDispatcher()
    asked = tracker({"requested_slot": "full_name"}, text=text, intent="cancel", confidence=0.95)
    events = await FORM.run(dispatcher, asked, {})
    assert [(e["name"], e["value"]) for e in events] == [
        ("confirmed", None),
        ("requested_slot", None),
    ]


@pytest.mark.parametrize(
    ("slot", "text", "confidence"),
    [
        ("description", "saya batal bayar karena dana belum cair sejak senin", 0.9),
        ("full_name", "Tono Batalyon", 0.55),
    ],
)
def test_a_long_story_or_an_unsure_cancel_is_not_a_cancel(
    slot: str, text: str, confidence: float
) -> None:
    asked = tracker({"requested_slot": slot}, text=text, intent="cancel", confidence=confidence)
    assert not understanding.is_cancel(asked)


async def test_the_opening_message_gives_the_story_its_category_and_its_day() -> None:
    assert await opening("dana blm cair udh 3 hari", category="transaction") == {
        "description": "dana blm cair udh 3 hari",
        "category": "transaction",
        "incident_date": "2026-11-19",
    }


async def test_the_opening_message_says_who_is_complaining() -> None:
    found = await opening(
        "saya peminjam di KreditPro, dc nya ngancem nyebarin data sy", category="debt_collection"
    )
    assert found["complainant_type"] == "user" and found["user_role"] == "borrower"
    assert found["category"] == "debt_collection"


async def test_a_reporter_says_so_in_the_opening_message() -> None:
    found = await opening("saya bukan peminjam tapi dc nelpon saya terus sebagai kontak darurat")
    assert (found["complainant_type"], found["user_role"]) == ("reporter", None)


async def test_an_opening_that_only_asks_to_complain_fills_nothing() -> None:
    assert await opening("halo kak saya mau komplain", category="none") == {}
    assert await opening("/complain", category="transaction") == {}


async def test_the_opening_amount_and_phone_come_from_their_entities() -> None:
    entities = [
        {"entity": "amount", "value": "5jt"},
        {"entity": "phone_number", "value": "0812-3456-7890"},
    ]
    found = await opening(
        "saldo sy kepotong 5jt tanpa transaksi, hub 0812-3456-7890", entities=entities
    )
    assert found["loss_amount"] == 5_000_000
    assert found["contact"] == "+6281234567890"


async def test_a_question_passed_on_is_already_the_description() -> None:
    found = await FORM.from_opening(
        tracker({"complaint_type": "question", "pending_question": "berapa bunga 6 bulan?"})
    )
    assert found == {"description": "berapa bunga 6 bulan?"}


async def test_the_form_validates_what_the_opening_message_gave() -> None:
    dispatcher = CollectingDispatcher()
    events = await FORM.run(
        dispatcher,
        tracker(
            {"complaint_type": "complaint"},
            text="sy peminjam, dana blm cair udh 3 hari",
            intent="complain",
            category="transaction",
        ),
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


async def test_after_two_unclear_answers_the_offer_replaces_the_question() -> None:
    result, sent_messages = await validate(
        "priority", "entahlah", {"invalid_answers": 1}, intent="out_of_scope"
    )
    assert sent_messages == ["invalid_choice", "offer_human_after_failures"]
    dispatcher = CollectingDispatcher()
    validate_tracker = tracker({"invalid_answers": result["invalid_answers"]})
    FORM.refuse("priority", "invalid_choice", dispatcher, validate_tracker)
    offer = dispatcher.messages[-1]
    titles = [button["title"] for button in offer["buttons"]]
    assert titles == ["Bicara dengan petugas", "Rendah", "Sedang", "Tinggi", "Darurat"]
    asked = CollectingDispatcher()
    await ActionAskPriority().run(asked, tracker({"invalid_answers": 2}), {})
    assert asked.messages == []


async def test_an_unclear_summary_the_second_time_offers_its_buttons_and_a_person() -> None:
    dispatcher = CollectingDispatcher()
    FORM.refuse("confirmed", "invalid_confirmation", dispatcher, tracker({"invalid_answers": 1}))
    payloads = [button["payload"] for button in dispatcher.messages[-1]["buttons"]]
    assert payloads == ["/request_human", "/affirm", "/change_detail", "/cancel"]
    asked = CollectingDispatcher()
    await ActionAskConfirmed().run(asked, tracker({"invalid_answers": 3}), {})
    assert asked.messages == []
