"""What the bot promises about confidentiality is what the code does: numbers are masked on
agents' screens and in logs (not "wherever shown": the customer and the case API see them),
and an agent who reveals them is recorded."""

from __future__ import annotations

import pytest

from actions.messages import variation
from backend.domain.personal_data import mask_for_logs, mask_personal_numbers

# What each language must say, and what it may no longer claim.
PROMISES = {
    "id": {
        "says": ("disamarkan di layar petugas", "tidak dicatat di log", "tercatat"),
        "never": ("disamarkan saat ditampilkan",),
    },
    "en": {
        "says": ("masked on our agents' screens", "kept out of our logs", "recorded"),
        "never": ("masked wherever they are shown",),
    },
}


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_answer_promises_masking_where_the_code_masks_and_no_further(language: str) -> None:
    answer = variation("faq_confidentiality", language)["text"]

    for claim in PROMISES[language]["says"]:
        assert claim in answer
    for claim in PROMISES[language]["never"]:
        assert claim not in answer


def test_the_masking_the_answer_promises_covers_nik_card_and_account_numbers() -> None:
    words = "NIK 3201012345670001 kartu 4111111111111111 rekening 5432109876"

    assert mask_personal_numbers(words) == (
        "NIK ************0001 kartu ************1111 rekening ******9876"
    )
    assert mask_for_logs(words) == mask_personal_numbers(words)
