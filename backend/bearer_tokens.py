"""The constant-time check of a bearer token, for the case API and the REST pull alike."""

from __future__ import annotations

import hmac


def token_matches(header: str | None, expected: str) -> bool:
    """Whether `header` is `Bearer <expected>`, compared in constant time."""
    if not expected or not header:
        return False
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(token.strip().encode(), expected.encode())
