"""Loading institution profiles from institutions/*.yml."""

from datetime import datetime

import pytest

from backend.domain.calendar import WIB
from backend.domain.deadlines import case_deadlines
from backend.domain.policy import ProfileError
from backend.institutions import PROFILE_DIRECTORY, available_profiles, load_profile


def test_the_shipped_profiles_are_kreditpro_and_a_bank():
    assert {"kreditpro", "bank"} <= set(available_profiles())


def test_kreditpro_answers_within_two_working_days_and_resolves_by_pojk_22_2023():
    profile = load_profile("kreditpro")
    assert (profile.name, profile.kind, profile.register_prefix) == ("KreditPro", "p2p", "KP")
    assert profile.roles == ("lender", "borrower")
    assert profile.first_response_days == 2
    assert (profile.oral_resolution_days, profile.written_resolution_days) == (5, 10)
    assert (profile.extension_days, profile.document_days) == (10, 10)
    assert profile.cuti_bersama_counts is False
    assert profile.submission_mode("whatsapp") == "written"
    assert profile.submission_mode("phone") == "oral"


def test_the_bank_serves_customers_and_their_representatives():
    profile = load_profile("bank")
    assert profile.kind == "bank"
    assert profile.roles == ("customer", "representative")
    assert (profile.oral_resolution_days, profile.written_resolution_days) == (5, 10)
    assert profile.extension_days == 10
    assert profile.submission_mode("walk_in") == "oral"


def test_the_shipped_profiles_have_distinct_register_prefixes():
    prefixes = [load_profile(key).register_prefix for key in available_profiles()]
    assert len(set(prefixes)) == len(prefixes)


def test_a_kreditpro_chat_complaint_gets_both_deadlines():
    profile = load_profile("kreditpro")
    received_at = datetime(2026, 11, 20, 10, tzinfo=WIB)
    mode = profile.submission_mode("web")
    deadlines = case_deadlines(received_at, mode, profile, profile.working_calendar())
    assert deadlines.first_response_due_at.isoformat() == "2026-11-24T17:00:00+07:00"
    assert deadlines.resolution_due_at.isoformat() == "2026-12-04T17:00:00+07:00"


@pytest.mark.parametrize("key", ["insurer", "../institutions/kreditpro", "KreditPro", ""])
def test_an_unknown_institution_is_refused_listing_the_available_ones(key):
    with pytest.raises(ProfileError, match="available: bank, kreditpro") as caught:
        load_profile(key)
    assert caught.value.field == "key"


def test_the_key_defaults_to_the_file_name(tmp_path):
    text = (PROFILE_DIRECTORY / "kreditpro.yml").read_text(encoding="utf-8")
    (tmp_path / "demo.yml").write_text(text.replace("key: kreditpro\n", ""), encoding="utf-8")
    assert load_profile("demo", tmp_path).key == "demo"


def test_a_file_whose_key_differs_from_its_name_is_refused(tmp_path):
    text = (PROFILE_DIRECTORY / "kreditpro.yml").read_text(encoding="utf-8")
    (tmp_path / "demo.yml").write_text(text, encoding="utf-8")
    with pytest.raises(ProfileError, match="expected 'demo'"):
        load_profile("demo", tmp_path)


def test_a_bad_field_in_a_file_is_named(tmp_path):
    text = (PROFILE_DIRECTORY / "bank.yml").read_text(encoding="utf-8")
    (tmp_path / "bank.yml").write_text(text.replace("register_prefix: BND", "register_prefix: B"))
    with pytest.raises(ProfileError) as caught:
        load_profile("bank", tmp_path)
    assert caught.value.field == "register_prefix"


@pytest.mark.parametrize("text", ["key: [unclosed", "- just\n- a list\n", ""])
def test_a_file_that_is_not_a_yaml_mapping_is_refused(tmp_path, text):
    (tmp_path / "broken.yml").write_text(text, encoding="utf-8")
    with pytest.raises(ProfileError):
        load_profile("broken", tmp_path)
