"""WhatsApp deliveries become gateway messages; answers become Graph API messages."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from backend.services.ports import DeliveryFailed
from backend.settings import Settings
from bot.channels.button_payloads import ButtonPayloads, payload_key
from bot.channels.conventions import CHOOSE_PROMPT, EXPIRED_BUTTON_REPLY, UNSUPPORTED_REPLY
from bot.channels.whatsapp import WhatsAppChannel, signature_matches, whatsapp_enabled
from bot.channels.whatsapp_client import WhatsAppApiError, WhatsAppClient
from bot.channels.whatsapp_messages import graph_messages, translate, user_messages
from tests.fakes.gateway import FakeChannelStore, FakeIntake
from tests.fakes.payloads import (
    wa_button_reply,
    wa_document,
    wa_image,
    wa_list_reply,
    wa_location,
    wa_status,
    wa_sticker,
    wa_text,
    whatsapp_body,
    whatsapp_delivery,
    whatsapp_signature,
)
from tests.fakes.platforms import WHATSAPP_PHONE_NUMBER_ID

WA_ID = "6281234567890"
CONVERSATION = f"whatsapp-{WA_ID}"
NOW = datetime.now(UTC)
SECRET = "meta-app-secret"
SETTINGS = Settings(
    database_url="sqlite+aiosqlite:///:memory:",
    app_api_token="a" * 32,
    rasa_auth_token="b" * 32,
    rasa_url="http://127.0.0.1:9",
    actions_url="http://127.0.0.1:9",
    whatsapp_verify_token="verify-me",
    whatsapp_app_secret=SECRET,
    whatsapp_access_token="EAAG-test-token",
    whatsapp_phone_number_id=WHATSAPP_PHONE_NUMBER_ID,
)
LONG_PAYLOAD = "/inform" + json.dumps({"description": "x" * 300})


class RecordingClient:
    """Stands in for WhatsAppClient: keeps the Graph messages it is asked to send."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    async def send(self, message: dict[str, Any]) -> str:
        self.sent.append(message)
        return f"wamid.OUT{len(self.sent)}"

    async def aclose(self) -> None:
        """Nothing to close."""


def payloads() -> ButtonPayloads:
    async def nothing(conversation_id: str) -> list[str]:
        return []

    return ButtonPayloads(nothing)


def buttons(*titles: str) -> list[dict[str, str]]:
    return [{"title": title, "payload": f'/choose{{"n":{i}}}'} for i, title in enumerate(titles)]


def channel(
    intake: FakeIntake,
    store: FakeChannelStore,
    client: RecordingClient,
    kicked: list[str] | None = None,
    **changes: str,
) -> WhatsAppChannel:
    return WhatsAppChannel(
        replace(SETTINGS, **changes),
        intake,
        store,  # type: ignore[arg-type]
        client,  # type: ignore[arg-type]
        kick=kicked.append if kicked is not None else None,
        clock=lambda: NOW,
    )


def test_a_body_signed_with_the_app_secret_passes_the_signature_check() -> None:
    body = whatsapp_body(whatsapp_delivery(wa_text(WA_ID, "halo")))

    assert signature_matches(SECRET, body, whatsapp_signature(SECRET, body))


@pytest.mark.parametrize(
    "forge",
    [
        lambda body: whatsapp_signature("another-secret", body),
        lambda body: whatsapp_signature(SECRET, body + b" "),
        lambda body: whatsapp_signature(SECRET, body).removeprefix("sha256="),
        lambda body: "sha256=",
    ],
    ids=["wrong secret", "altered body", "no prefix", "empty digest"],
)
def test_a_forged_or_malformed_signature_fails_the_check(forge: Any) -> None:
    body = whatsapp_body(whatsapp_delivery(wa_text(WA_ID, "halo")))

    assert not signature_matches(SECRET, body, forge(body))


def test_a_text_message_is_read_from_the_delivery_with_its_sender_and_time() -> None:
    text = wa_text(WA_ID, "halo", "wamid.A1") | {"timestamp": "1795000000"}

    [message] = user_messages(whatsapp_delivery(text), WHATSAPP_PHONE_NUMBER_ID)

    assert (message.id, message.conversation_id, message.type) == ("wamid.A1", CONVERSATION, "text")
    assert message.sent_at == datetime(2026, 11, 18, 11, 6, 40, tzinfo=UTC)
    assert translate(message).text == "halo"


@pytest.mark.parametrize(
    "delivery",
    [
        whatsapp_delivery(statuses=[wa_status(WA_ID, "sent"), wa_status(WA_ID, "read")]),
        whatsapp_delivery(wa_text(WA_ID, "halo"), phone_number_id="999999999999999"),
        {"object": "page", "entry": []},
        {"object": "whatsapp_business_account", "entry": "nonsense"},
        [],
    ],
    ids=["statuses", "another number", "not whatsapp", "odd entry", "not an object"],
)
def test_statuses_other_numbers_and_odd_shapes_carry_no_user_message(delivery: Any) -> None:
    assert user_messages(delivery, WHATSAPP_PHONE_NUMBER_ID) == []


@pytest.mark.parametrize(
    "message",
    [wa_button_reply(WA_ID, "/affirm", "Ya"), wa_list_reply(WA_ID, "/affirm", "Ya", "Data benar")],
    ids=["reply button", "list row"],
)
def test_a_tap_on_a_reply_button_or_list_row_carries_its_id_as_a_click(message: Any) -> None:
    [parsed] = user_messages(whatsapp_delivery(message), WHATSAPP_PHONE_NUMBER_ID)

    translated = translate(parsed)

    assert (translated.text, translated.clicked) == ("/affirm", True)


def test_an_image_becomes_a_supporting_document_with_its_media_id() -> None:
    [parsed] = user_messages(whatsapp_delivery(wa_image(WA_ID, "KTP")), WHATSAPP_PHONE_NUMBER_ID)

    translated = translate(parsed)

    assert translated.text == "/send_document"
    assert translated.metadata["attachment"] == {
        "kind": "image",
        "media_id": "2754859441498128",
        "mime_type": "image/jpeg",
        "sha256": "81d3bd8a8db4868c9520ed47186e8b7c5789e61ff79f7f834be6950b808a90d3",
        "caption": "KTP",
    }


def test_a_document_keeps_its_file_name_and_type() -> None:
    [parsed] = user_messages(whatsapp_delivery(wa_document(WA_ID)), WHATSAPP_PHONE_NUMBER_ID)

    attachment = translate(parsed).metadata["attachment"]

    assert attachment["file_name"] == "surat_kuasa.pdf"
    assert attachment["mime_type"] == "application/pdf"


@pytest.mark.parametrize("message", [wa_sticker(WA_ID), wa_location(WA_ID)])
def test_stickers_and_locations_are_unsupported(message: Any) -> None:
    [parsed] = user_messages(whatsapp_delivery(message), WHATSAPP_PHONE_NUMBER_ID)

    assert translate(parsed).text is None


def test_a_plain_answer_is_a_text_message_without_link_preview() -> None:
    [message] = graph_messages(WA_ID, {"text": "Halo!"}, payloads())

    assert message == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": WA_ID,
        "type": "text",
        "text": {"preview_url": False, "body": "Halo!"},
    }


def test_up_to_three_buttons_become_reply_buttons_whose_ids_are_the_payloads() -> None:
    answer = {"text": "Anda siapa?", "buttons": buttons("Pengguna", "Pelapor")}

    [message] = graph_messages(WA_ID, answer, payloads())

    assert message["type"] == "interactive"
    assert message["interactive"] == {
        "type": "button",
        "body": {"text": "Anda siapa?"},
        "action": {
            "buttons": [
                {"type": "reply", "reply": {"id": '/choose{"n":0}', "title": "Pengguna"}},
                {"type": "reply", "reply": {"id": '/choose{"n":1}', "title": "Pelapor"}},
            ]
        },
    }


def test_a_button_title_over_20_characters_is_cut_with_an_ellipsis() -> None:
    answer = {"text": "Benar?", "buttons": buttons("Ya, data sudah benar semua", "Tidak")}

    [message] = graph_messages(WA_ID, answer, payloads())

    titles = [b["reply"]["title"] for b in message["interactive"]["action"]["buttons"]]
    assert titles == ["Ya, data sudah bena…", "Tidak"]
    assert all(len(title) <= 20 for title in titles)


def test_more_than_three_buttons_become_a_list_with_full_titles_in_descriptions() -> None:
    titles = ["Penagihan", "Transaksi", "Penipuan", "Data pribadi disalahgunakan pihak lain"]
    answer = {"text": "Kategori?", "buttons": buttons(*titles)}

    [message] = graph_messages(WA_ID, answer, payloads())

    interactive = message["interactive"]
    assert interactive["type"] == "list"
    assert interactive["body"] == {"text": "Kategori?"}
    assert interactive["action"]["button"] == "Pilih / Choose"
    rows = interactive["action"]["sections"][0]["rows"]
    assert [row["id"] for row in rows] == [f'/choose{{"n":{i}}}' for i in range(4)]
    assert rows[3] == {
        "id": '/choose{"n":3}',
        "title": "Data pribadi disalahgun…",
        "description": "Data pribadi disalahgunakan pihak lain",
    }
    assert all(len(row["title"]) <= 24 for row in rows)


def test_titles_that_collide_once_cut_fall_back_to_a_list() -> None:
    answer = {
        "text": "?",
        "buttons": buttons("Pinjaman tunai tenor 3 bulan", "Pinjaman tunai tenor 6 bulan"),
    }

    [message] = graph_messages(WA_ID, answer, payloads())

    assert message["interactive"]["type"] == "list"


def test_a_list_holds_at_most_ten_rows() -> None:
    answer = {"text": "Produk?", "buttons": buttons(*(f"Produk {n}" for n in range(12)))}

    [message] = graph_messages(WA_ID, answer, payloads())

    assert len(message["interactive"]["action"]["sections"][0]["rows"]) == 10


def test_a_payload_too_long_for_a_button_id_travels_as_its_key() -> None:
    answer = {"text": "Kirim?", "buttons": [{"title": "Kirim", "payload": LONG_PAYLOAD}]}

    [message] = graph_messages(WA_ID, answer, payloads())

    assert message["interactive"]["action"]["buttons"][0]["reply"]["id"] == payload_key(
        LONG_PAYLOAD
    )


def test_buttons_without_text_get_a_prompt_and_a_long_text_goes_first_on_its_own() -> None:
    assert graph_messages(WA_ID, {"buttons": buttons("Ya")}, payloads())[0]["interactive"][
        "body"
    ] == {"text": CHOOSE_PROMPT}

    messages = graph_messages(WA_ID, {"text": "a " * 700, "buttons": buttons("Ya")}, payloads())

    assert [m["type"] for m in messages] == ["text", "interactive"]
    assert len(messages[1]["interactive"]["body"]["text"]) <= 1024


def test_an_image_answer_is_sent_by_link() -> None:
    [message] = graph_messages(WA_ID, {"image": "https://example.com/alur.png"}, payloads())

    assert message["image"] == {"link": "https://example.com/alur.png"}


async def test_answers_inside_the_24_hour_window_are_sent_as_they_are() -> None:
    store, client = FakeChannelStore(), RecordingClient()
    store.inbound_at[CONVERSATION] = NOW - timedelta(hours=23, minutes=59)

    await channel(FakeIntake(store), store, client).send(CONVERSATION, [{"text": "Baik."}])

    assert [m["text"]["body"] for m in client.sent] == ["Baik."]


async def test_outside_the_window_only_the_configured_template_is_sent() -> None:
    store, client = FakeChannelStore(), RecordingClient()
    store.inbound_at[CONVERSATION] = NOW - timedelta(hours=25)
    whatsapp = channel(
        FakeIntake(store), store, client, whatsapp_template_name="lanjutkan_percakapan"
    )

    await whatsapp.send(CONVERSATION, [{"text": "Ada kabar terbaru."}])

    assert client.sent == [
        {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": WA_ID,
            "type": "template",
            "template": {"name": "lanjutkan_percakapan", "language": {"code": "id"}},
        }
    ]


async def test_outside_the_window_without_a_template_nothing_is_sent_and_the_caller_is_told() -> (
    None
):
    store, client = FakeChannelStore(), RecordingClient()

    with pytest.raises(DeliveryFailed, match="24-hour window"):
        await channel(FakeIntake(store), store, client).send(CONVERSATION, [{"text": "?"}])

    assert client.sent == []


async def test_a_message_is_stored_with_its_id_and_time_and_nothing_is_sent_yet() -> None:
    store, client = FakeChannelStore(), RecordingClient()
    intake = FakeIntake(store)
    text = wa_text(WA_ID, "halo", "wamid.A1") | {"timestamp": "1795000000"}

    assert await channel(intake, store, client).take(whatsapp_delivery(text)) == 1

    [(inbound, external_id, sent_at)] = intake.taken
    assert (inbound.conversation_id, inbound.channel, inbound.text) == (
        CONVERSATION,
        "whatsapp",
        "halo",
    )
    assert external_id == "wamid.A1"
    assert sent_at == datetime(2026, 11, 18, 11, 6, 40, tzinfo=UTC)
    assert client.sent == [], "the outbox sends the answers, not the webhook"


async def test_a_retried_delivery_is_stored_once() -> None:
    store, client = FakeChannelStore(), RecordingClient()
    intake = FakeIntake(store)
    whatsapp = channel(intake, store, client)
    delivery = whatsapp_delivery(wa_text(WA_ID, "halo", "wamid.SAME"))

    assert await whatsapp.take(delivery) == 1
    assert await whatsapp.take(delivery) == 0

    assert intake.texts == ["halo"]


async def test_a_delivery_whose_storing_fails_raises_and_its_retry_is_taken_in() -> None:
    store, client = FakeChannelStore(), RecordingClient()
    intake = FakeIntake(store)
    whatsapp = channel(intake, store, client)
    delivery = whatsapp_delivery(
        wa_text(WA_ID, "satu", "wamid.ONE"), wa_text(WA_ID, "dua", "wamid.TWO")
    )
    intake.broken = 1

    with pytest.raises(ConnectionError):
        await whatsapp.take(delivery)
    assert await whatsapp.take(delivery) == 2
    assert await whatsapp.take(delivery) == 0

    assert intake.texts == ["satu", "dua"]


async def test_the_messages_of_a_delivery_are_stored_in_order() -> None:
    store, client = FakeChannelStore(), RecordingClient()
    intake = FakeIntake(store)
    whatsapp = channel(intake, store, client)
    texts = [f"pesan {n}" for n in range(8)]

    await whatsapp.take(whatsapp_delivery(*(wa_text(WA_ID, text) for text in texts)))

    assert intake.texts == texts


async def test_a_click_resolves_its_key_and_an_unknown_key_gets_the_reply_to_type() -> None:
    store, client, kicked = FakeChannelStore(), RecordingClient(), []
    intake = FakeIntake(store)
    store.offered[CONVERSATION] = [LONG_PAYLOAD]
    whatsapp = channel(intake, store, client, kicked)

    await whatsapp.take(
        whatsapp_delivery(wa_button_reply(WA_ID, payload_key(LONG_PAYLOAD), "Kirim"))
    )
    await whatsapp.take(whatsapp_delivery(wa_button_reply(WA_ID, payload_key("/gone"), "Lama")))

    assert intake.texts == [LONG_PAYLOAD]
    assert store.replies == [(CONVERSATION, EXPIRED_BUTTON_REPLY)]
    assert kicked == [CONVERSATION]


async def test_an_unsupported_message_gets_a_polite_reply_once_and_never_reaches_the_bot() -> None:
    store, client, kicked = FakeChannelStore(), RecordingClient(), []
    intake = FakeIntake(store)
    whatsapp = channel(intake, store, client, kicked)
    sticker = whatsapp_delivery(wa_sticker(WA_ID))

    await whatsapp.take(sticker)
    await whatsapp.take(sticker)

    assert intake.inbound == []
    assert store.replies == [(CONVERSATION, UNSUPPORTED_REPLY)]
    assert kicked == [CONVERSATION]
    assert client.sent == []


async def test_logs_show_masked_phone_numbers_only(caplog: pytest.LogCaptureFixture) -> None:
    store = FakeChannelStore()
    whatsapp = channel(FakeIntake(store), store, RecordingClient())
    delivery = whatsapp_delivery(wa_text(WA_ID, "halo", "wamid.TWICE"))

    with caplog.at_level("INFO"):
        await whatsapp.take(delivery)
        await whatsapp.take(delivery)

    assert "62*********90" in caplog.text
    assert WA_ID not in caplog.text


@pytest.mark.parametrize(
    "missing",
    [
        "whatsapp_verify_token",
        "whatsapp_app_secret",
        "whatsapp_access_token",
        "whatsapp_phone_number_id",
    ],
)
def test_the_channel_is_off_while_any_of_its_secrets_is_unset(missing: str) -> None:
    assert whatsapp_enabled(SETTINGS)
    assert not whatsapp_enabled(replace(SETTINGS, **{missing: ""}))


def graph(*responses: httpx.Response | Exception) -> tuple[WhatsAppClient, list[httpx.Request]]:
    """A client whose Graph API answers with `responses` in turn, recording the requests."""
    seen: list[httpx.Request] = []
    queue = list(responses)

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        result = queue.pop(0)
        if isinstance(result, Exception):
            raise result
        return result

    client = WhatsAppClient(
        "https://graph.example/v21.0",
        WHATSAPP_PHONE_NUMBER_ID,
        "EAAG-test-token",
        transport=httpx.MockTransport(answer),
    )
    return client, seen


SENT = httpx.Response(200, json={"messaging_product": "whatsapp", "messages": [{"id": "wamid.OK"}]})


async def test_the_client_posts_to_the_phone_numbers_messages_with_the_access_token() -> None:
    client, seen = graph(SENT)

    assert await client.send({"to": WA_ID}) == "wamid.OK"

    assert str(seen[0].url) == f"https://graph.example/v21.0/{WHATSAPP_PHONE_NUMBER_ID}/messages"
    assert seen[0].headers["authorization"] == "Bearer EAAG-test-token"
    await client.aclose()


@pytest.mark.parametrize(
    "failure",
    [httpx.Response(503), httpx.ConnectError("refused"), httpx.ReadTimeout("slow")],
    ids=["server error", "refused connection", "timed out answer"],
)
async def test_the_client_tries_once_and_leaves_retrying_to_the_outbox(
    failure: httpx.Response | Exception,
) -> None:
    client, seen = graph(failure, SENT)

    with pytest.raises(DeliveryFailed):
        await client.send({"to": WA_ID})

    assert len(seen) == 1
    await client.aclose()


async def test_the_client_names_the_graph_error_of_a_refusal() -> None:
    error = {
        "error": {"message": "(#131030) Recipient phone number not in allowed list", "code": 131030}
    }
    client, seen = graph(httpx.Response(400, json=error))

    with pytest.raises(WhatsAppApiError, match="not in allowed list") as raised:
        await client.send({"to": WA_ID})

    assert (raised.value.status, raised.value.code) == (400, 131030)
    assert raised.value.permanent, "the same request would be refused again"
    assert len(seen) == 1
    await client.aclose()


async def test_a_graph_api_that_is_down_or_throttling_is_worth_a_retry() -> None:
    for status in (503, 429):
        client, _ = graph(httpx.Response(status, json={"error": {"message": "try later"}}))

        with pytest.raises(WhatsAppApiError) as raised:
            await client.send({"to": WA_ID})

        assert not raised.value.permanent
        await client.aclose()


def test_the_platform_urls_default_to_the_real_apis_and_can_point_at_fakes(tmp_path: Path) -> None:
    tokens = {"APP_API_TOKEN": "a" * 32, "RASA_AUTH_TOKEN": "b" * 32}
    none = tmp_path / "none"

    default = Settings.from_env(tokens, env_file=none)
    pointed = Settings.from_env(
        {
            **tokens,
            "TELEGRAM_API_URL": "http://127.0.0.1:8081/bot",
            "WHATSAPP_API_URL": "http://127.0.0.1:8082/v21.0/",
            "WHATSAPP_TEMPLATE_NAME": "tindak_lanjut",
        },
        env_file=none,
    )

    assert (default.telegram_api_url, default.whatsapp_api_url) == (
        "https://api.telegram.org/bot",
        "https://graph.facebook.com/v21.0",
    )
    assert (default.whatsapp_template_name, default.whatsapp_template_language) == ("", "id")
    assert pointed.telegram_api_url == "http://127.0.0.1:8081/bot"
    assert pointed.whatsapp_api_url == "http://127.0.0.1:8082/v21.0"
    assert pointed.whatsapp_template_name == "tindak_lanjut"
