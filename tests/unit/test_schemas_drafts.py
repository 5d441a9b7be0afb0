"""The draft sent with a handoff is checked like a case's fields."""

from __future__ import annotations

import pytest

from backend.schemas import InvalidField
from backend.schemas_drafts import parse_draft


def test_a_draft_is_normalised_like_a_case() -> None:
    draft = parse_draft(
        {
            "complainant_type": "reporter",
            "category": "fraud",
            "full_name": "  Budi  ",
            "contact": "0812-3456-7890",
            "priority": None,
            "description": "",
        }
    )

    assert draft == {
        "complainant_type": "reporter",
        "category": "fraud",
        "full_name": "Budi",
        "phone": "+6281234567890",
    }


def test_an_email_contact_becomes_the_email() -> None:
    assert parse_draft({"contact": "Budi@Example.COM"}) == {"email": "Budi@example.com"}


@pytest.mark.parametrize(
    ("draft", "field"),
    [
        ({"nik": "3171234567890001"}, "draft.nik"),
        ({"category": "weather"}, "draft.category"),
        ({"contact": "12"}, "draft.contact"),
        ({"full_name": 42}, "draft.full_name"),
        ({"description": "x" * 4001}, "draft.description"),
        ("user", "draft"),
    ],
)
def test_an_unknown_field_or_an_invalid_value_is_refused_and_named(
    draft: object, field: str
) -> None:
    with pytest.raises(InvalidField) as refused:
        parse_draft(draft)

    assert refused.value.field == field
