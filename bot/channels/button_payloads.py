"""Button payloads longer than a platform allows travel as short keys and are resolved on the click.

Telegram's callback_data holds 64 bytes, WhatsApp's button and row ids 256 and 200
characters; a Rasa payload with entities can be longer. The key is a hash of the
payload, so it can also be found again in the transcript after a restart.
"""

from __future__ import annotations

import base64
import hashlib
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable

KEY_PREFIX = "~k:"

RecentPayloads = Callable[[str], Awaitable[Iterable[str]]]


def payload_key(payload: str) -> str:
    """The short, stable key of a payload (23 ASCII characters)."""
    digest = hashlib.sha256(payload.encode()).digest()[:15]
    return KEY_PREFIX + base64.urlsafe_b64encode(digest).decode()


class ButtonPayloads:
    """Encodes payloads for a platform's limit and decodes what a click sends back."""

    def __init__(self, recent_payloads: RecentPayloads, cache_size: int = 4096) -> None:
        self._recent_payloads = recent_payloads
        self._cache: OrderedDict[str, str] = OrderedDict()
        self._cache_size = cache_size

    def encode(self, payload: str, max_bytes: int) -> str:
        """The payload itself when it fits in `max_bytes` of UTF-8, else its short key."""
        if len(payload.encode()) <= max_bytes and not payload.startswith(KEY_PREFIX):
            return payload
        key = payload_key(payload)
        self._remember(key, payload)
        return key

    async def decode(self, conversation_id: str, data: str) -> str | None:
        """The payload behind a click's data; None when a key matches no button offered lately."""
        if not data.startswith(KEY_PREFIX):
            return data
        if data in self._cache:
            self._cache.move_to_end(data)
            return self._cache[data]
        for payload in await self._recent_payloads(conversation_id):
            if payload_key(payload) == data:
                self._remember(data, payload)
                return payload
        return None

    def _remember(self, key: str, payload: str) -> None:
        self._cache[key] = payload
        self._cache.move_to_end(key)
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
