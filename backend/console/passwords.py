"""Password hashing for the console: argon2id (argon2-cffi) with its recommended parameters."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


class Argon2Passwords:
    """Hashes and verifies passwords; a malformed stored hash never verifies."""

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher()
        self.dummy_hash = self._hasher.hash("not a password of anyone")

    def hash(self, password: str) -> str:
        """An argon2id hash of `password`, with its own salt."""
        return self._hasher.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        """Whether `password` matches `password_hash`."""
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False
