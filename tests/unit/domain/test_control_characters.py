"""Control characters: which ones are refused on input and how exports write them out."""

from __future__ import annotations

import pytest

from backend.domain.control_characters import escape_control_characters, has_control_characters


@pytest.mark.parametrize("control", ["\x00", "\x07", "\x0b", "\x1b", "\x7f", "\x85", "\x9f"])
def test_c0_del_and_c1_controls_are_found(control: str) -> None:
    assert has_control_characters(f"a{control}b")


def test_tabs_and_line_breaks_are_ordinary_text() -> None:
    assert not has_control_characters("Kronologi:\r\n1.\tDitelepon")


def test_exports_write_controls_out_and_keep_the_rest() -> None:
    assert escape_control_characters("Budi\x1b[31m\tSantoso\x85") == "Budi\\x1b[31m\tSantoso\\x85"
