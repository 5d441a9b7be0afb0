"""What a private note on a case may hold."""

from __future__ import annotations

import pytest

from backend.domain.case_notes import MAX_NOTE_CHARS, NoteRefused, check_note


def test_a_note_is_kept_without_surrounding_blanks_and_with_its_lines() -> None:
    assert check_note("  Telepon sore.\nCek mutasi.\t ") == "Telepon sore.\nCek mutasi."


@pytest.mark.parametrize("text", ["", "   \n", None, 42])
def test_an_empty_note_is_refused_naming_the_field(text: object) -> None:
    with pytest.raises(NoteRefused) as refused:
        check_note(text)

    assert refused.value.field == "note"
    assert refused.value.status == 422


def test_a_note_over_the_limit_is_refused() -> None:
    assert check_note("x" * MAX_NOTE_CHARS)
    with pytest.raises(NoteRefused, match="at most"):
        check_note("x" * (MAX_NOTE_CHARS + 1))


def test_a_note_with_control_characters_is_refused() -> None:
    with pytest.raises(NoteRefused, match="control characters"):
        check_note("a\x1b[2Jb")
