"""Answers reach users through the sender of their channel; long texts are cut sensibly."""

from __future__ import annotations

import pytest

from backend.services.ports import UnknownChannel
from bot.channel_senders import ChannelSenders, split_text
from bot.masking import mask_digits
from tests.fakes.gateway import FakeSender


async def test_an_agents_message_goes_through_the_sender_of_the_conversations_channel() -> None:
    senders = ChannelSenders()
    telegram, whatsapp = FakeSender("telegram"), FakeSender("whatsapp")
    senders.register(telegram)
    senders.register(whatsapp)

    await senders.send("whatsapp", "whatsapp-6281234567890", [{"text": "Halo, saya Rina."}])

    assert whatsapp.sent == [("whatsapp-6281234567890", [{"text": "Halo, saya Rina."}])]
    assert telegram.sent == []
    assert "telegram" in senders
    assert "rest" not in senders


async def test_a_channel_without_a_sender_is_named_in_the_error() -> None:
    with pytest.raises(UnknownChannel, match="rest"):
        await ChannelSenders().send("rest", "budi", [{"text": "?"}])


async def test_closing_the_registry_closes_every_sender() -> None:
    senders = ChannelSenders()
    sender = FakeSender("telegram")
    senders.register(sender)

    await senders.aclose()

    assert sender.closed
    assert "telegram" not in senders


def test_a_long_text_is_cut_at_word_breaks_within_the_limit() -> None:
    pieces = split_text("satu dua tiga empat lima", 10)

    assert pieces == ["satu dua", "tiga empat", "lima"]
    assert all(len(piece) <= 10 for piece in pieces)


def test_a_text_without_breaks_is_cut_hard_and_a_short_text_stays_whole() -> None:
    assert split_text("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]
    assert split_text("halo", 10) == ["halo"]


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("whatsapp-6281234567890", "whatsapp-62*********90"),
        ("NIK 3174012345678901", "NIK 31************01"),
        ("telegram-5123456789", "telegram-51******89"),
        ("kode 12345", "kode 12345"),
    ],
)
def test_phone_numbers_nik_and_chat_ids_are_masked_for_logs(text: str, masked: str) -> None:
    assert mask_digits(text) == masked
