"""Inbound messages are checked the same way whatever channel they come from."""

import pytest

from bot.inbound import Inbound, InvalidMessage


def test_a_plain_message_is_accepted_and_trimmed() -> None:
    inbound = Inbound.checked("web-1", "rest", "  halo  ", None, max_chars=100)
    assert inbound == Inbound("web-1", "rest", "halo", {})


@pytest.mark.parametrize("sender", [None, "", "a b", "x" * 129, 42, "<script>"])
def test_a_missing_or_odd_sender_is_refused_naming_the_sender(sender: object) -> None:
    with pytest.raises(InvalidMessage) as raised:
        Inbound.checked(sender, "rest", "halo", None, max_chars=100)
    assert raised.value.field == "sender"


@pytest.mark.parametrize("text", [None, "", "   ", 5, ["halo"]])
def test_an_empty_or_non_text_message_is_refused(text: object) -> None:
    with pytest.raises(InvalidMessage) as raised:
        Inbound.checked("web-1", "rest", text, None, max_chars=100)
    assert raised.value.field == "message"
    assert not raised.value.too_large


def test_a_message_over_the_limit_is_refused_as_too_large() -> None:
    with pytest.raises(InvalidMessage) as raised:
        Inbound.checked("web-1", "rest", "x" * 101, None, max_chars=100)
    assert raised.value.too_large


def test_metadata_must_be_an_object() -> None:
    with pytest.raises(InvalidMessage) as raised:
        Inbound.checked("web-1", "rest", "halo", ["x"], max_chars=100)
    assert raised.value.field == "metadata"


def test_tabs_newlines_and_windows_line_ends_are_kept_as_text() -> None:
    inbound = Inbound.checked("budi", "rest", "baris 1\r\n\tbaris 2", None, max_chars=100)
    assert inbound.text == "baris 1\n\tbaris 2"


def test_the_metadata_the_channels_send_is_accepted() -> None:
    caption = "Bukti transfer 🧾 " * 60  # Telegram and WhatsApp allow 1024-character captions
    metadata = {"language": "en-US", "attachment": {"kind": "photo", "caption": caption[:1024]}}
    inbound = Inbound.checked("telegram-1", "telegram", "/send_document", metadata, max_chars=100)
    assert inbound.metadata == metadata
