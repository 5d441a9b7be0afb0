"""Everyday chat Indonesian made plain: "sy blm trima dana, dc nya ngancem" → standard words.

Customers write "sy", "gk", "blm", "udh", "dc", "pinjol", drop punctuation and make typos.
The readers of dates, amounts and choice answers work on `plain(text)`: lower case,
punctuation removed, slang replaced word by word (actions/words/chat_words.yml). What a
message means is the NLU model's to say; this only makes values readable.
"""

from __future__ import annotations

import re

from actions.words import word_list

REDUPLICATION = re.compile(r"\b([a-z]{2,})2\b")  # "cair2" is "cair-cair"
PUNCTUATION = re.compile(r"[^\w\s@+.,/-]|(?<!\d)[.,/-]|[.,/-](?!\d)")
REPEATED_LETTERS = re.compile(r"([a-z])\1{2,}")


def plain(text: object) -> str:
    """Lower case, punctuation gone (but not inside numbers), slang words replaced."""
    lowered = REDUPLICATION.sub(r"\1 \1", str(text or "").lower())
    lowered = REPEATED_LETTERS.sub(r"\1", PUNCTUATION.sub(" ", lowered))
    slang: dict[str, str] = word_list("chat_words")["slang"]
    words = []
    for word in lowered.split():
        stem = word[:-3] if word.endswith("nya") and word[:-3] in slang else word
        words.append(slang.get(stem, word))
    return " ".join(words)


def mentions(text: str, phrase: str) -> bool:
    """Whether the plain `text` contains `phrase` as whole words (a suffix -nya allowed)."""
    return re.search(rf"(?<!\w){re.escape(phrase)}(?:nya)?(?!\w)", text) is not None
