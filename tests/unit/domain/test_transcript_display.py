"""What a customer's message looked like to them: button titles and file names."""

from __future__ import annotations

from backend.domain.transcript_display import (
    button_title,
    clicked_title,
    file_label,
    offered_buttons,
)

WHO = '/inform{"complainant_type":"user"}'
BUTTONS = [
    {"title": "Pengguna layanan KreditPro (peminjam/pemberi dana)", "payload": WHO},
    {"title": "Bukan pengguna", "payload": '/inform{"complainant_type":"reporter"}'},
]


def test_a_payload_maps_to_the_title_of_the_button_that_carries_it() -> None:
    assert button_title(WHO, BUTTONS) == BUTTONS[0]["title"]


def test_text_no_button_carries_maps_to_nothing() -> None:
    assert button_title("/affirm", BUTTONS) is None


def test_the_offered_title_wins_over_the_platform_s_cut_one() -> None:
    assert clicked_title(WHO, BUTTONS, "Pengguna layanan Kr") == BUTTONS[0]["title"]


def test_the_platform_s_title_stands_in_when_the_offer_is_unknown() -> None:
    assert clicked_title('/rate{"rating":3}', [], " 3 ") == "3"


def test_a_click_whose_title_is_its_payload_needs_no_display_text() -> None:
    assert clicked_title("Ya", [{"title": "Ya", "payload": "Ya"}]) is None


def test_typed_text_has_no_clicked_title() -> None:
    assert clicked_title("saya peminjam", BUTTONS) is None


def test_offered_buttons_drop_the_malformed_and_give_a_title_as_payload() -> None:
    answer = {"buttons": ["x", {"payload": "/y"}, {"title": "Ya"}, *BUTTONS]}

    assert offered_buttons(answer) == [{"title": "Ya", "payload": "Ya"}, *BUTTONS]
    assert offered_buttons({"buttons": "nope"}) == [] == offered_buttons(None)


def test_a_file_is_labelled_by_its_name_from_any_channel() -> None:
    assert file_label({"filename": "bukti.pdf"}) == "bukti.pdf"
    assert file_label({"file_name": "surat.pdf", "kind": "document"}) == "surat.pdf"
    assert file_label({"kind": "photo", "file_id": "AgAD"}) is None
    assert file_label(None) is None
