"""Register numbers (nomor register) such as KP-2611-00042M, with a check character.

The check character is computed over the alphanumeric characters (PREFIX + YYMM + SEQ)
with the Damm algorithm over a totally anti-symmetric quasigroup of order 36, so it is
itself one of 0-9A-Z and it detects every single substituted character and every swap
of two neighbouring characters, the check character included. ISO 7064 MOD 37,36 was
considered and refused: it misses some neighbour swaps (KP-2611-00067N and
KP-2611-00076N are both valid under it); MOD 37-2 would need `*` as a check character.

The quasigroup is Z2² x Z9 with x ∘ y = φ(x) + y, where φ multiplies the Z2² part by
ω in GF(4) and the Z9 part by 2; φ and φ - 1 are both bijective, which gives the
two detection properties.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from backend.domain.calendar import WIB
from backend.domain.refusal import Refused

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_TIMES_OMEGA = (0, 2, 3, 1)  # ω·u in GF(4) = {0, 1, ω, ω²}, encoded 0..3, addition = XOR
_SEPARATOR = "[-‐‑–— ]?"

PREFIX_PATTERN = re.compile(r"[A-Z]{2,4}")
SEQUENCE_WIDTH = 5
MAX_INPUT_LENGTH = 80

REGISTER_NUMBER_PATTERN = (
    r"(?<![0-9A-Za-z])[A-Za-z]{2,4}"
    + _SEPARATOR
    + r"[0-9]{4}"
    + _SEPARATOR
    + r"[0-9]{5,}"
    + _SEPARATOR
    + r"[0-9A-Za-z](?![0-9A-Za-z])"
)

_CANONICAL_PARTS = re.compile(r"([A-Z]{2,4})([0-9]{2})([0-9]{2})([0-9]{5,})([0-9A-Z])")
_NOT_ALPHANUMERIC = re.compile(r"[^0-9A-Z]")


class RegisterNumberError(Refused, ValueError):
    """A register number that is malformed (wrong shape) or mistyped (wrong check character)."""

    error = "invalid_register_number"

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(
            f"{reason} register number" + (f": {detail}" if detail else ""),
            field="register_number",
            reason=reason,
        )


def _combine(interim: int, value: int) -> int:
    """The quasigroup operation interim ∘ value on 0..35."""
    high = _TIMES_OMEGA[interim // 9] ^ (value // 9)
    low = (2 * (interim % 9) + value % 9) % 9
    return high * 9 + low


def checksum(text: str) -> int:
    """The Damm checksum of uppercase alphanumeric `text`; 0 for a text ending in its check."""
    interim = 0
    for char in text:
        interim = _combine(interim, ALPHABET.index(char))
    return interim


def check_character(text: str) -> str:
    """The character that makes `text` + it have checksum 0."""
    interim = checksum(text)
    high = _TIMES_OMEGA[interim // 9]
    low = (-2 * (interim % 9)) % 9
    return ALPHABET[high * 9 + low]


def make_register_number(prefix: str, received_at: datetime | date, sequence: int) -> str:
    """The register number `{PREFIX}-{YYMM}-{SEQ}{CHECK}` of a case (YYMM of receipt in WIB)."""
    if not isinstance(prefix, str) or not PREFIX_PATTERN.fullmatch(prefix):
        raise ValueError(f"prefix must be 2 to 4 uppercase letters, not {prefix!r}")
    if isinstance(sequence, bool) or not isinstance(sequence, int) or sequence < 1:
        raise ValueError(f"sequence must be a positive int, not {sequence!r}")
    if isinstance(received_at, datetime):
        if received_at.tzinfo is None or received_at.utcoffset() is None:
            raise ValueError("received_at must be timezone-aware")
        received_at = received_at.astimezone(WIB).date()
    body = f"{prefix}{received_at:%y%m}{sequence:0{SEQUENCE_WIDTH}d}"
    return f"{prefix}-{received_at:%y%m}-{sequence:0{SEQUENCE_WIDTH}d}{check_character(body)}"


def parse_register_number(text: str) -> str:
    """The canonical form of a register number typed by a person; RegisterNumberError if wrong."""
    if len(text) > MAX_INPUT_LENGTH:
        raise RegisterNumberError("malformed", "too long")
    compact = _NOT_ALPHANUMERIC.sub("", unicodedata.normalize("NFKC", text).upper())
    parts = _CANONICAL_PARTS.fullmatch(compact)
    if parts is None:
        raise RegisterNumberError("malformed", "expected e.g. KP-2611-00042M")
    prefix, year, month, sequence, check = parts.groups()
    if not 1 <= int(month) <= 12:
        raise RegisterNumberError("malformed", "no such month")
    if int(sequence) == 0 or (len(sequence) > SEQUENCE_WIDTH and sequence.startswith("0")):
        raise RegisterNumberError("malformed", "bad sequence number")
    if checksum(compact) != 0:
        raise RegisterNumberError("mistyped", "the check character does not match")
    return f"{prefix}-{year}{month}-{sequence}{check}"
