"""Canned responses: the data file's shape, and placeholders filled with what is known."""

from __future__ import annotations

import pytest

from backend.domain.canned_responses import (
    CannedResponse,
    CannedResponseError,
    parse_canned_responses,
)

GREETING = CannedResponse("salam", "Salam", "Halo {nama}, kasus {nomor_register}.")


def test_known_placeholders_are_filled() -> None:
    filled = GREETING.filled({"nama": "Siti Rahayu", "nomor_register": "KP-2611-00042M"})

    assert filled == "Halo Siti Rahayu, kasus KP-2611-00042M."


def test_a_placeholder_without_a_value_stays_for_the_agent_to_fill() -> None:
    assert GREETING.filled({"nama": "Siti", "nomor_register": None}) == (
        "Halo Siti, kasus {nomor_register}."
    )


def test_a_value_is_inserted_as_it_is_never_read_as_a_placeholder() -> None:
    assert GREETING.filled({"nama": "{nomor_register}", "nomor_register": "X"}) == (
        "Halo {nomor_register}, kasus X."
    )


def test_a_file_s_responses_are_read_in_order_with_their_blanks_trimmed() -> None:
    data = {
        "responses": [
            {"key": "salam", "title": " Salam ", "text": "Halo {nama}.\n"},
            {"key": "penutup", "title": "Penutup", "text": "Terima kasih."},
        ]
    }

    assert parse_canned_responses(data) == (
        CannedResponse("salam", "Salam", "Halo {nama}."),
        CannedResponse("penutup", "Penutup", "Terima kasih."),
    )


def test_an_empty_file_has_no_responses() -> None:
    assert parse_canned_responses(None) == ()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "mapping"),
        ({"responses": [{"key": "Salam!", "title": "t", "text": "x"}]}, "key"),
        ({"responses": [{"key": "a", "title": "", "text": "x"}]}, "title"),
        ({"responses": [{"key": "a", "title": "t", "text": " "}]}, "text"),
        ({"responses": [{"key": "a", "title": "t", "text": "Halo {nik}"}]}, "nik"),
        ({"responses": [{"key": "a", "title": "t", "text": "x" * 4001}]}, "text"),
        (
            {"responses": [{"key": "a", "title": "t", "text": "x"}] * 2},
            "unique",
        ),
    ],
)
def test_a_malformed_file_is_refused_saying_where(data: object, message: str) -> None:
    with pytest.raises(CannedResponseError, match=message):
        parse_canned_responses(data)
