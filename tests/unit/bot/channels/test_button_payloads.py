"""Long button payloads travel as short keys; a conversation's messages keep their order."""

from __future__ import annotations

import asyncio

from bot.channels.button_payloads import KEY_PREFIX, ButtonPayloads, payload_key
from bot.channels.ordering import ConversationLocks

LONG = '/inform{"description":"' + "penagih datang ke kantor " * 5 + '"}'


def payloads(*offered: str) -> ButtonPayloads:
    async def recent(conversation_id: str) -> list[str]:
        return list(offered)

    return ButtonPayloads(recent)


async def test_a_payload_that_fits_is_sent_as_it_is() -> None:
    assert payloads().encode("/affirm", 64) == "/affirm"
    assert await payloads().decode("telegram-1", "/affirm") == "/affirm"


async def test_a_payload_too_long_becomes_a_key_that_decodes_back() -> None:
    buttons = payloads()

    key = buttons.encode(LONG, 64)

    assert key == payload_key(LONG)
    assert len(key.encode()) <= 64
    assert await buttons.decode("telegram-1", key) == LONG


async def test_a_key_is_found_again_among_the_buttons_offered_lately() -> None:
    assert await payloads("/deny", LONG).decode("telegram-1", payload_key(LONG)) == LONG


async def test_a_key_of_no_button_offered_decodes_to_nothing() -> None:
    assert await payloads("/deny").decode("telegram-1", payload_key(LONG)) is None


def test_a_short_payload_that_looks_like_a_key_is_keyed_too() -> None:
    tricky = KEY_PREFIX + "abc"

    assert payloads().encode(tricky, 64) == payload_key(tricky)


def test_non_ascii_payloads_are_measured_in_bytes() -> None:
    assert payloads().encode("é" * 40, 64) == payload_key("é" * 40)


async def test_one_conversations_work_runs_in_arrival_order_and_its_lock_is_freed() -> None:
    locks, seen = ConversationLocks(), []

    async def work(n: int, pause: float) -> None:
        async with locks.hold("whatsapp-1"):
            await asyncio.sleep(pause)
            seen.append(n)

    await asyncio.gather(work(1, 0.03), work(2, 0.0), work(3, 0.01))

    assert seen == [1, 2, 3]
    assert len(locks) == 0
