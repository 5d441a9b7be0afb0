"""The benchmark's customer answers what the bot asks: buttons by payload, free text typed."""

from __future__ import annotations

from typing import Any

from benchmarks.intake_flow import PERSONAS, Answer, Customer, Persona, question_of

REGISTER_NUMBER = "KP-2612-00042-7"
GREETING: Answer = [
    {
        "text": "Hi 👋! Anda sedang tersambung dengan Customer Service KreditPro. "
        "Silakan beritahu kami kebutuhan Anda.",
        "buttons": [
            {"title": "Sampaikan pengaduan", "payload": "/complain"},
            {"title": "Ajukan pertanyaan", "payload": "/ask_question"},
        ],
    }
]
WHO: Answer = [
    {"text": "Baik, kami akan mencatat penyampaian Anda."},
    {
        "text": "Boleh kami tahu, Anda menghubungi kami sebagai siapa?",
        "buttons": [
            {
                "title": "Peminjam",
                "payload": '/inform{"complainant_type":"user","user_role":"borrower"}',
            },
            {
                "title": "Bukan pengguna (pelapor)",
                "payload": '/inform{"complainant_type":"reporter"}',
            },
        ],
    },
]
WHAT: Answer = [
    {"text": "Silakan ceritakan masalah Anda: apa yang terjadi dan produk atau layanan apa."}
]
WHEN: Answer = [{"text": "Kapan kejadiannya? Misalnya: hari ini, kemarin, 3 hari lalu."}]
LOSS: Answer = [
    {
        "text": "Apakah Anda mengalami kerugian uang? Jika ya, berapa jumlahnya?",
        "buttons": [{"title": "Tidak ada kerugian uang", "payload": "tidak ada kerugian"}],
    }
]
PRIORITY: Answer = [
    {
        "text": "Seberapa mendesak masalah ini bagi Anda?",
        "buttons": [
            {"title": "Rendah", "payload": '/inform{"priority":"low"}'},
            {"title": "Tinggi", "payload": '/inform{"priority":"high"}'},
            {"title": "Darurat", "payload": '/inform{"priority":"emergency"}'},
        ],
    }
]
NAME: Answer = [{"text": "Siapa nama lengkap Anda?"}]
CONTACT: Answer = [{"text": "Nomor ponsel atau alamat e-mail mana yang dapat kami hubungi?"}]
SUMMARY: Answer = [
    {
        "text": "Mohon periksa kembali data Anda:\n• Nama lengkap: Budi Santoso\n\n"
        "Apakah data sudah benar dan dapat kami daftarkan?",
        "buttons": [
            {"title": "Ya", "payload": "/affirm"},
            {"title": "Ubah data", "payload": "/change_detail"},
        ],
    }
]
ANYTHING_ELSE: dict[str, Any] = {
    "text": "Apakah ada hal lain yang dapat kami bantu?",
    "buttons": [{"title": "Ya", "payload": "/affirm"}, {"title": "Tidak", "payload": "/deny"}],
}
REGISTERED: Answer = [
    {"text": f"Pengaduan Anda telah kami terima dengan nomor register {REGISTER_NUMBER}."},
    ANYTHING_ELSE,
]
STATUS: Answer = [{"text": f"Pengaduan {REGISTER_NUMBER} telah kami terima."}, ANYTHING_ELSE]
RATING: Answer = [
    {
        "text": "Terima kasih telah menghubungi kami. Jika berkenan, mohon luangkan waktu "
        "sebentar untuk menilai percakapan ini:",
        "buttons": [{"title": str(n), "payload": f'/rate{{"rating":{n}}}'} for n in range(1, 6)],
    }
]
THANKS: Answer = [{"text": "Terima kasih, penilaian Anda sangat berharga bagi kami."}]


def persona(**changes: Any) -> Persona:
    base = PERSONAS[0]
    return Persona(**{**base.__dict__, "before": (), "after": (), **changes})


def test_a_whole_complaint_is_driven_by_the_bots_questions_and_buttons() -> None:
    customer = Customer(persona(after=("status {register_number}",)))
    said: list[str | None] = [customer.opening()]
    for answer in (GREETING, WHO, WHAT, WHEN, LOSS, PRIORITY, NAME, CONTACT, SUMMARY):
        said.append(customer.reply(answer))
    said += [customer.reply(REGISTERED), customer.reply(STATUS), customer.reply(RATING)]
    assert said == [
        "halo",
        "/complain",
        '/inform{"complainant_type":"user","user_role":"borrower"}',
        PERSONAS[0].description,
        "3 hari lalu",
        "tidak ada kerugian",
        '/inform{"priority":"high"}',
        "Budi Santoso",
        "0812-3456-7890",
        "/affirm",
        f"status {REGISTER_NUMBER}",
        "/deny",
        '/rate{"rating":5}',
    ]
    assert customer.reply(THANKS) is None
    assert customer.outcome == "finished"
    assert customer.register_number == REGISTER_NUMBER
    assert customer.turns == len(said)


def test_a_question_before_the_complaint_is_asked_then_the_complaint_is_typed() -> None:
    customer = Customer(persona(before=("jam operasional kapan?",), start="saya mau mengadu"))
    customer.opening()
    assert customer.reply(GREETING) == "jam operasional kapan?"
    faq_answer = [{"text": "Layanan pengaduan beroperasi Senin–Jumat pukul 09.00–17.00 WIB."}]
    assert customer.reply(faq_answer) == "saya mau mengadu"
    assert customer.started


def test_a_typed_loss_is_sent_as_text_when_the_persona_lost_money() -> None:
    customer = Customer(persona(loss="5jt"))
    customer.opening()
    assert customer.reply(LOSS) == "5jt"


def test_a_button_the_bot_did_not_offer_is_typed_as_its_title() -> None:
    customer = Customer(persona())
    customer.opening()
    assert customer.reply([{"text": "Seberapa mendesak masalah ini bagi Anda?"}]) == "Tinggi"


def test_the_last_question_of_an_answer_decides_what_is_answered() -> None:
    answer = [
        {"text": "Maaf, itu bukan nomor ponsel yang valid. Contoh: 0812-3456-7890."},
        {"text": "Siapa nama lengkap Anda?"},
    ]
    assert question_of(answer) == "name"
    assert question_of([{"text": "Maaf, itu bukan nomor ponsel yang valid."}]) == "contact"


def test_an_unknown_answer_in_the_middle_of_the_form_loses_the_customer() -> None:
    customer = Customer(persona())
    customer.opening()
    customer.reply(GREETING)
    customer.reply(WHO)
    assert customer.reply([{"text": "Maaf, saya belum memahami pesan Anda."}]) is None
    assert customer.outcome == "lost"
    assert customer.lost_on == (f"{customer.last_sent!r} → 'Maaf, saya belum memahami pesan Anda.'")
    assert customer.last_sent == '/inform{"complainant_type":"user","user_role":"borrower"}'


def test_a_question_asked_again_and_again_ends_the_conversation_as_lost() -> None:
    customer = Customer(persona())
    customer.opening()
    assert customer.reply(NAME) == "Budi Santoso"
    assert customer.reply(NAME) == "Budi Santoso"
    assert customer.reply(NAME) is None
    assert customer.outcome == "lost"


def test_the_register_number_is_given_when_the_bot_asks_for_it() -> None:
    customer = Customer(persona())
    customer.opening()
    customer.reply(REGISTERED)
    ask = [
        {"text": "Silakan tuliskan nomor register pengaduan Anda, yaitu nomor yang kami berikan"}
    ]
    assert customer.reply(ask) == REGISTER_NUMBER


def test_the_personas_vary_and_never_choose_emergency_which_calls_an_agent() -> None:
    assert len({p.description for p in PERSONAS}) == len(PERSONAS) >= 4
    assert len({p.opening for p in PERSONAS}) >= 3
    assert all(p.priority != "Darurat" for p in PERSONAS)
    assert any(p.before for p in PERSONAS) and any(p.after for p in PERSONAS)


def test_after_the_case_an_answer_that_asks_nothing_is_thanked_for_then_rated() -> None:
    customer = Customer(persona())
    customer.opening()
    customer.reply(REGISTERED)
    status_only: Answer = [{"text": f"Pengaduan {REGISTER_NUMBER} sedang kami tangani."}]
    assert customer.reply(status_only) == "terima kasih"
    welcome: Answer = [{"text": "Sama-sama."}, ANYTHING_ELSE]
    assert customer.reply(welcome) == "/deny"


def test_answers_that_ask_nothing_again_and_again_end_the_conversation_as_lost() -> None:
    customer = Customer(persona())
    customer.opening()
    customer.reply(REGISTERED)
    default: Answer = [{"text": "Maaf, saya belum memahami pesan Anda."}]
    assert customer.reply(default) == "terima kasih"
    assert customer.reply(default) == "terima kasih"
    assert customer.reply(default) is None
    assert customer.outcome == "lost"
