"""How many widget uploads may wait for their case: per conversation and in total, and how long.

Pure rules over what is pending; `web_documents.py` reads the files and applies them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from backend.settings import Settings

MIB = 1024 * 1024


@dataclass(frozen=True)
class PendingQuota:
    """The caps on uploads waiting for a case, and their lifetime."""

    files_per_conversation: int
    bytes_per_conversation: int
    files_total: int
    bytes_total: int
    lifetime_seconds: float

    @classmethod
    def from_settings(cls, settings: Settings) -> PendingQuota:
        return cls(
            files_per_conversation=settings.pending_documents_per_conversation,
            bytes_per_conversation=settings.pending_documents_mib_per_conversation * MIB,
            files_total=settings.pending_documents_total,
            bytes_total=settings.pending_documents_total_mib * MIB,
            lifetime_seconds=settings.pending_documents_hours * 3600.0,
        )


@dataclass(frozen=True)
class PendingFile:
    """One upload waiting for its case: whose, its file name, size and when saved (epoch s)."""

    conversation_id: str
    name: str
    size: int
    saved_at: float


class PendingRefused(Exception):
    """No room for one more pending upload: 429 (try later) while some expire, else 413."""

    def __init__(self, reason: str, detail: str, *, retry_after: int | None = None) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail
        self.retry_after = retry_after

    @property
    def status(self) -> int:
        return 429 if self.retry_after is not None else 413


def expired(files: Sequence[PendingFile], quota: PendingQuota, now: float) -> list[PendingFile]:
    """The uploads older than the quota's lifetime: never attached, to be removed."""
    return [file for file in files if now - file.saved_at >= quota.lifetime_seconds]


def check_room(
    files: Sequence[PendingFile],
    conversation_id: str,
    size: int,
    quota: PendingQuota,
    now: float,
) -> None:
    """Raise PendingRefused unless one more upload of `size` bytes fits beside the live `files`."""
    own = [file for file in files if file.conversation_id == conversation_id]
    if len(own) >= quota.files_per_conversation:
        raise PendingRefused(
            "too_many_pending",
            f"at most {quota.files_per_conversation} documents wait for a case per chat; "
            "send more once the complaint is registered",
            retry_after=_until_first_expires(own, quota, now),
        )
    if sum(file.size for file in own) + size > quota.bytes_per_conversation:
        raise PendingRefused(
            "pending_too_large",
            f"the documents waiting for this chat's case may total "
            f"{quota.bytes_per_conversation // MIB} MiB",
        )
    if len(files) >= quota.files_total:
        raise PendingRefused(
            "too_many_pending",
            "too many documents wait for a case; try again later",
            retry_after=_until_first_expires(files, quota, now),
        )
    if sum(file.size for file in files) + size > quota.bytes_total:
        raise PendingRefused(
            "pending_too_large",
            "too many documents wait for a case; try again later",
            retry_after=_until_first_expires(files, quota, now),
        )


def _until_first_expires(
    files: Sequence[PendingFile], quota: PendingQuota, now: float
) -> int | None:
    if not files:
        return None
    oldest = min(file.saved_at for file in files)
    return max(1, math.ceil(oldest + quota.lifetime_seconds - now))
