"""Rupiah amounts as customers write them: "5jt", "Rp 1.500.000", "1,5 juta", "500rb", "2 M"."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from actions.chat_words import plain

MULTIPLIERS = {
    "rb": 1_000,
    "ribu": 1_000,
    "k": 1_000,
    "thousand": 1_000,
    "jt": 1_000_000,
    "juta": 1_000_000,
    "million": 1_000_000,
    "mio": 1_000_000,
    "m": 1_000_000_000,
    "miliar": 1_000_000_000,
    "milyar": 1_000_000_000,
    "billion": 1_000_000_000,
}
AMOUNT = re.compile(
    r"(?:rp\.?\s*|idr\s*)?(?P<number>\d{1,3}(?:[.,]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d+)?)"
    r"\s*(?P<unit>rb|ribu|k|jt|juta|million|mio|miliar|milyar|billion|m)?(?![a-z])",
    re.IGNORECASE,
)
NO_LOSS = re.compile(
    r"^(?:tidak|belum|no|none|nothing|nol|zero|0|rp\s*0)"
    r"(?:\s+(?:ada|rugi|kerugian|loss|money|lost|uang|apa apa))*$"
)


def parse_amount(text: object) -> int | None:
    """The amount in whole Rupiah, or None when the text names no amount."""
    raw = " ".join(str(text or "").lower().split())
    found = AMOUNT.search(raw)
    if found is None:
        return None
    number, unit = found.group("number"), (found.group("unit") or "").lower()
    value = _decimal(number, has_unit=bool(unit))
    if value is None:
        return None
    return int(value * MULTIPLIERS.get(unit, 1))


def parse_loss(text: object) -> int | None:
    """The loss in Rupiah; 0 for "tidak ada" / "none"; None when unreadable."""
    words = plain(str(text or "").lower().replace("no ", "tidak "))
    if NO_LOSS.match(words):
        return 0
    return parse_amount(text)


def rupiah(amount: int) -> str:
    """Rp1.500.000 (Indonesian digit grouping)."""
    return "Rp" + f"{amount:,}".replace(",", ".")


def _decimal(number: str, *, has_unit: bool) -> Decimal | None:
    """`1.500.000`, `1,500,000` and `1500000` are whole; with a unit, `1,5`/`1.5` is a fraction.

    Cents after grouped thousands (`2.000.000,00`, `1,250,000.50`) are dropped: whole Rupiah.
    """
    cents = re.fullmatch(r"(\d{1,3}(?:([.,])\d{3})+)(?!\2)[.,]\d{1,2}", number)
    if cents:
        number = cents.group(1)
    groups = re.fullmatch(r"\d{1,3}(?:([.,])\d{3})+", number)
    if groups and not (has_unit and number.count(groups.group(1)) == 1 and len(number) <= 5):
        digits = number.replace(".", "").replace(",", "")
    else:
        digits = number.replace(",", ".")
        if digits.count(".") > 1:
            return None
    try:
        return Decimal(digits)
    except InvalidOperation:
        return None
