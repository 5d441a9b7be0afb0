"""Each institution's canned responses load from institutions/<key>/canned_responses.yml."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend.canned_response_files import load_canned_responses
from backend.domain.canned_responses import CannedResponseError
from backend.institutions import available_profiles


@pytest.mark.parametrize("key", available_profiles())
def test_every_shipped_institution_has_valid_canned_responses(key: str) -> None:
    responses = load_canned_responses(key)

    assert len(responses) >= 3
    assert any("{nama}" in response.text for response in responses)
    assert any("{nomor_register}" in response.text for response in responses)


def test_an_institution_without_a_file_has_none(tmp_path: Path) -> None:
    assert load_canned_responses("other", tmp_path) == ()


def test_an_invalid_file_is_refused_naming_it(tmp_path: Path) -> None:
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "canned_responses.yml").write_text("responses: [1]\n")

    with pytest.raises(CannedResponseError, match=r"canned_responses\.yml"):
        load_canned_responses("other", tmp_path)


def test_the_folders_of_canned_responses_are_not_taken_for_profiles() -> None:
    assert set(available_profiles()) == {"bank", "kreditpro"}
