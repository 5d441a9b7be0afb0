"""Widget sessions: a random `web-…` conversation id and the expiring token that proves it.

A token is `<expiry, Unix seconds>.<HMAC of the id and the expiry>` under a key derived from
`WIDGET_SECRET`, a secret of the widget's own, so nothing is stored: the server issues both
at a visitor's first connect, the widget keeps them in localStorage, and only their holder
can resume the chat or read its transcript until the token expires. Each connect with a
valid token gets a fresh one, so an active visitor never loses the chat.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import cache

log = logging.getLogger(__name__)

CONVERSATION_PREFIX = "web-"  # the web channel's namespace (backend/domain/conversation_ids.py)
WEB_CONVERSATION_ID = re.compile(r"^web-[A-Za-z0-9_-]{16,64}$")
TOKEN = re.compile(r"^(\d{1,12})\.([A-Za-z0-9_-]{43})$")


@cache
def process_key() -> bytes:
    """A random key for this process: tokens signed with it die with the process."""
    log.warning("WIDGET_SECRET is not set: widget sessions last only until the app restarts")
    return secrets.token_bytes(32)


class WidgetTokens:
    """Issues and checks the expiring per-conversation tokens of the web widget."""

    def __init__(self, secret: str, *, lifetime: timedelta, clock: Callable[[], datetime]) -> None:
        seed = secret.encode() if secret else process_key()
        self._key = hashlib.sha256(b"aduan web widget\x00" + seed).digest()
        self._lifetime = lifetime
        self._clock = clock

    def new_conversation(self) -> tuple[str, str]:
        """A fresh, unguessable conversation id and its token."""
        conversation_id = CONVERSATION_PREFIX + secrets.token_urlsafe(18)
        return conversation_id, self.token(conversation_id)

    def token(self, conversation_id: str) -> str:
        """A token of the conversation, valid for the lifetime from now."""
        expires = int((self._clock() + self._lifetime).timestamp())
        return f"{expires}.{self._signature(conversation_id, expires)}"

    def matches(self, conversation_id: object, token: object) -> bool:
        """Whether `token` is an unexpired one of this web conversation (constant time)."""
        if not isinstance(conversation_id, str) or not isinstance(token, str):
            return False
        found = TOKEN.match(token)
        if not WEB_CONVERSATION_ID.match(conversation_id) or found is None:
            return False
        expires = int(found.group(1))
        signed = hmac.compare_digest(
            self._signature(conversation_id, expires).encode(), found.group(2).encode()
        )
        return signed and self._clock().timestamp() < expires

    def _signature(self, conversation_id: str, expires: int) -> str:
        message = f"{conversation_id}\x00{expires}".encode()
        digest = hmac.new(self._key, message, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
