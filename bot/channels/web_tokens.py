"""Widget sessions: a random `web-…` conversation id and the secret token that proves it.

The token is an HMAC of the conversation id under a key derived from `APP_API_TOKEN`, so
nothing is stored: the server issues both at a visitor's first connect, the widget keeps
them in localStorage, and only their holder can resume the chat or read its transcript.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

CONVERSATION_PREFIX = "web-"
WEB_CONVERSATION_ID = re.compile(r"^web-[A-Za-z0-9_-]{16,64}$")


class WidgetTokens:
    """Issues and checks per-conversation tokens of the web widget."""

    def __init__(self, secret: str) -> None:
        self._key = hashlib.sha256(b"aduan web widget\x00" + secret.encode()).digest()

    def new_conversation(self) -> tuple[str, str]:
        """A fresh, unguessable conversation id and its token."""
        conversation_id = CONVERSATION_PREFIX + secrets.token_urlsafe(18)
        return conversation_id, self.token(conversation_id)

    def token(self, conversation_id: str) -> str:
        """The token of a conversation (URL-safe base64 of an HMAC-SHA256)."""
        digest = hmac.new(self._key, conversation_id.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    def matches(self, conversation_id: object, token: object) -> bool:
        """Whether `token` is the one of this web conversation (constant time)."""
        if not isinstance(conversation_id, str) or not isinstance(token, str):
            return False
        if not WEB_CONVERSATION_ID.match(conversation_id):
            return False
        return hmac.compare_digest(self.token(conversation_id).encode(), token.encode())
