"""The chat rating: stored through the case API, thanked in the institution's words."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.backend_client import BackendUnavailable
from actions.rating import ActionSaveRating
from tests.unit.actions.fakes import FakeBackend, sent, tracker


async def rate(
    backend: FakeBackend, text: str, entities: list[dict[str, Any]] | None = None, **kw: Any
) -> tuple[list[str], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = await ActionSaveRating(backend).run(
        dispatcher, tracker(text=text, intent="rate", entities=entities, **kw), {}
    )
    return sent(dispatcher), events


async def test_a_button_rating_is_stored_and_thanked(backend: FakeBackend) -> None:
    responses, events = await rate(backend, '/rate{"rating":5}', [{"entity": "rating", "value": 5}])
    assert backend.ratings == [("chat-1", 5)]
    assert responses == ["rating_thanks"]
    assert events[0]["name"] == "rating" and events[0]["value"] == 5


@pytest.mark.parametrize(
    ("text", "rating"),
    [
        ("4", 4),
        ("bintang 3", 3),
        ("saya kasih 1", 1),
        ("5/5 mantap", 5),
        ("4 dari 5", 4),
        ("9/10", 5),
        ("6/10", 3),
        ("⭐⭐⭐⭐", 4),
        ("★★", 2),
        ("bintang lima", 5),
        ("five stars", 5),
        ("i'd give it a 4", 4),
        ("3 stars, could be faster", 3),
    ],
)
async def test_a_typed_rating_is_understood(backend: FakeBackend, text: str, rating: int) -> None:
    await rate(backend, text)
    assert backend.ratings == [("chat-1", rating)]


@pytest.mark.parametrize(
    "text", ["9", "bintang", "4 atau 5", "0/5", "⭐⭐⭐⭐⭐⭐", "dua atau tiga"]
)
async def test_a_rating_outside_one_to_five_is_asked_again(backend: FakeBackend, text: str) -> None:
    responses, events = await rate(backend, text)
    assert responses == ["invalid_rating", "utter_ask_rating"]
    assert backend.ratings == [] and events == []


async def test_the_customer_is_thanked_even_when_the_rating_cannot_be_stored(
    backend: FakeBackend,
) -> None:
    backend.failure = BackendUnavailable("down")
    responses, _ = await rate(backend, "5")
    assert responses == ["rating_thanks"]


async def test_a_conversation_unknown_to_the_app_is_still_thanked(backend: FakeBackend) -> None:
    responses, _ = await rate(backend, "5", sender_id="unknown")
    assert responses == ["rating_thanks"]
