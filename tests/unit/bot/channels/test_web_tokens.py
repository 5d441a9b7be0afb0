"""Widget tokens: only the holder of a conversation's token can resume it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.channels.web_tokens import WEB_CONVERSATION_ID, WidgetTokens

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
LIFETIME = timedelta(days=30)
tokens = WidgetTokens("widget-secret-" + "x" * 24, lifetime=LIFETIME, clock=lambda: NOW)


def test_a_new_conversation_has_an_unguessable_web_id_and_its_token() -> None:
    first, second = tokens.new_conversation(), tokens.new_conversation()

    assert first[0] != second[0]
    assert WEB_CONVERSATION_ID.match(first[0])
    assert tokens.matches(*first)


def test_the_token_of_one_conversation_does_not_open_another() -> None:
    mine, theirs = tokens.new_conversation(), tokens.new_conversation()

    assert not tokens.matches(mine[0], theirs[1])


def test_a_token_from_another_server_secret_is_refused() -> None:
    conversation_id, token = WidgetTokens(
        "another-secret-" + "y" * 24, lifetime=LIFETIME, clock=lambda: NOW
    ).new_conversation()

    assert not tokens.matches(conversation_id, token)


def test_ids_that_are_no_web_conversation_are_refused_whatever_the_token() -> None:
    for conversation_id in ("telegram-5123456789", "rest-budi", "web-short", None, 42):
        token = tokens.token(str(conversation_id))
        assert not tokens.matches(conversation_id, token)


def test_a_missing_or_non_text_token_is_refused() -> None:
    conversation_id, _ = tokens.new_conversation()

    assert not tokens.matches(conversation_id, None)
    assert not tokens.matches(conversation_id, "")
    assert not tokens.matches(conversation_id, 12345)
