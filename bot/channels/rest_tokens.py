"""Per-sender tokens of the REST pull: what proves a REST client is the one that opened the chat.

The token is an HMAC of the sender id under a key of its own, derived from `APP_API_TOKEN`
with a label no other key uses, so nothing is stored and a leaked token opens one chat
only. The gateway hands it out (`X-Conversation-Token`) with the answer that opened the
conversation; the client sends it back as `Authorization: Bearer <token>` to pull the
agent's messages.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

TOKEN_HEADER = "X-Conversation-Token"  # noqa: S105  (a header name, not a secret)


class RestTokens:
    """Issues and checks the REST channel's per-sender pull tokens."""

    def __init__(self, secret: str) -> None:
        self._key = hashlib.sha256(b"aduan rest pull\x00" + secret.encode()).digest()

    def token(self, sender: str) -> str:
        """The pull token of a REST sender (URL-safe base64 of an HMAC-SHA256)."""
        digest = hmac.new(self._key, sender.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    def matches(self, sender: str, token: str) -> bool:
        """Whether `token` is this sender's (constant time)."""
        return hmac.compare_digest(self.token(sender).encode(), token.encode())
