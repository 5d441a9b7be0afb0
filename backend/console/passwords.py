"""Password hashing for the console: argon2id (argon2-cffi) with its recommended parameters."""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# Each check takes ~0.2 s of CPU and 64 MiB; a flood of logins queues for half the cores
# instead of taking every core (and the memory) the customers' messages need.
HASHING_THREADS = max(1, (os.cpu_count() or 2) // 2)


class Argon2Passwords:
    """Hashes and verifies passwords; a malformed stored hash never verifies."""

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher()
        self._threads = ThreadPoolExecutor(HASHING_THREADS, thread_name_prefix="argon2")
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

    async def check(self, password_hash: str, password: str) -> bool:
        """`verify` in the hashing threads, so the event loop stays free meanwhile."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._threads, self.verify, password_hash, password)
