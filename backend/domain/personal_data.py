"""Personal numbers in free text (NIK, card and account numbers, phones) and how they are hidden.

Agents read a customer's words with NIK, card and account numbers masked unless they reveal
them on purpose; logs lose phone numbers and every other number of 10 digits or more as well.
Register numbers (KP-2611-00042M, nine digits) stay: agents and logs name cases by them.
"""

from __future__ import annotations

import re

from stdnum import luhn

# A number as people type it: digit groups, maybe split by single spaces or dashes.
NUMBER = re.compile(r"(?<!\d)\+?\d+(?:[ -]\d+)*")
# Words that say the number after them is an account, a card or a virtual account.
ACCOUNT_WORDS = re.compile(
    r"\b(?:rekening|rek|norek|account|acct|a/c|va|virtual account|kartu|card)\b", re.IGNORECASE
)
CONTEXT_CHARS = 24
NIK_DIGITS = 16
CARD_DIGITS = range(13, 20)
ACCOUNT_DIGITS = range(8, 20)
UNLABELLED_ACCOUNT_MIN_DIGITS = 10
LOG_MIN_DIGITS = 10
VISIBLE_DIGITS = 4
MASK = "*"
LONG_NUMBER = re.compile(r"\d{6,}")


def looks_like_phone(digits: str, *, international: bool = False) -> bool:
    """An Indonesian mobile number (08…, 628…) or any number written with a leading `+`."""
    if international:
        return len(digits) <= 15
    if digits.startswith("08"):
        return 10 <= len(digits) <= 13
    return digits.startswith("628") and 11 <= len(digits) <= 14


def is_personal_number(digits: str, *, before: str = "", international: bool = False) -> bool:
    """A NIK (16 digits), a card number (13-19 digits, Luhn), or an account number.

    An account number is 8-19 digits after a word such as "rekening", or 10-19 digits that
    are not shaped like a phone number (agents need the customer's phone; logs mask it anyway).
    """
    if len(digits) == NIK_DIGITS:
        return True
    if len(digits) in CARD_DIGITS and luhn.is_valid(digits):
        return True
    if len(digits) not in ACCOUNT_DIGITS:
        return False
    if ACCOUNT_WORDS.search(before[-CONTEXT_CHARS:]):
        return True
    return len(digits) >= UNLABELLED_ACCOUNT_MIN_DIGITS and not looks_like_phone(
        digits, international=international
    )


def mask_personal_numbers(text: str) -> str:
    """`text` with NIK, card and account numbers masked but for their last four digits."""
    return _mask_numbers(text, for_logs=False)


def has_personal_numbers(text: str | None) -> bool:
    """Whether masking would hide anything in `text`."""
    return bool(text) and mask_personal_numbers(text or "") != text


def mask_for_logs(text: str) -> str:
    """`text` as a log may keep it: personal numbers, phones, every number of 10+ digits masked."""
    return _mask_numbers(text, for_logs=True)


def mask_digits(text: str) -> str:
    """Hide the middle of every run of 6+ digits: `6281234567890` becomes `62*********90`."""
    return LONG_NUMBER.sub(_mask_middle, text)


def _mask_numbers(text: str, *, for_logs: bool) -> str:
    if not text:
        return text
    pieces: list[str] = []
    last = 0
    for match in NUMBER.finditer(text):
        start, end = match.span()
        pieces.append(text[last:start])
        pieces.append(_mask_candidate(match.group(), text[:start], for_logs=for_logs))
        last = end
    pieces.append(text[last:])
    return "".join(pieces)


def _mask_candidate(number: str, before: str, *, for_logs: bool) -> str:
    """The number masked as a whole if it is personal, else each of its groups on its own."""
    if _hidden(number, before, for_logs=for_logs):
        return _mask_all_but_last(number)
    groups = re.split(r"([ -])", number)
    if len(groups) == 1:
        return number
    masked: list[str] = []
    for index, group in enumerate(groups):
        if index % 2 == 0 and _hidden(group, before + "".join(groups[:index]), for_logs=for_logs):
            masked.append(_mask_all_but_last(group))
        else:
            masked.append(group)
    return "".join(masked)


def _hidden(number: str, before: str, *, for_logs: bool) -> bool:
    digits = re.sub(r"\D", "", number)
    international = number.startswith("+")
    if is_personal_number(digits, before=before, international=international):
        return True
    return for_logs and len(digits) >= LOG_MIN_DIGITS


def _mask_all_but_last(number: str) -> str:
    """Every digit but the last four replaced by `*`; separators and a leading `+` kept."""
    total = sum(char.isdigit() for char in number)
    seen = 0
    out: list[str] = []
    for char in number:
        if char.isdigit():
            seen += 1
            out.append(char if seen > total - VISIBLE_DIGITS else MASK)
        else:
            out.append(char)
    return "".join(out)


def _mask_middle(match: re.Match[str]) -> str:
    digits = match.group()
    return digits[:2] + MASK * (len(digits) - 4) + digits[-2:]
