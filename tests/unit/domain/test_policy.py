"""Institution profiles: validation and the policy they answer."""

import dataclasses
from typing import Any

import pytest

from backend.domain.lifecycle import Channel
from backend.domain.policy import DEFAULT_CHANNEL_MODES, InstitutionProfile, ProfileError


def valid(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "key": "kreditpro",
        "name": "KreditPro",
        "kind": "p2p",
        "register_prefix": "KP",
        "roles": ["lender", "borrower"],
        "products": ["Pinjaman produktif", "Pinjaman konsumtif"],
        "first_response_days": 2,
        "oral_resolution_days": 5,
        "written_resolution_days": 10,
        "extension_days": 10,
        "document_days": 10,
        "cuti_bersama_counts": False,
        "channel_modes": {"phone": "oral", "email": "written"},
        "priority_targets": {"emergency": 1, "high": 3, "medium": 5, "low": 10},
        "escalation_bodies": ["LAPS SJK", "OJK"],
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not ...}


def test_a_valid_mapping_becomes_a_profile():
    profile = InstitutionProfile.from_mapping(valid())
    assert profile.name == "KreditPro"
    assert profile.roles == ("lender", "borrower")
    assert profile.products == ("Pinjaman produktif", "Pinjaman konsumtif")
    assert profile.priority_targets["high"] == 3
    assert profile.escalation_bodies == ("LAPS SJK", "OJK")


@pytest.mark.parametrize(
    ("channel", "mode"),
    [
        ("web", "written"),
        ("telegram", "written"),
        ("whatsapp", "written"),
        ("rest", "written"),
        ("letter", "written"),
        ("email", "written"),
        ("phone", "oral"),
        ("walk_in", "oral"),
    ],
)
def test_electronic_media_count_as_written_and_phone_or_walk_in_as_oral(channel, mode):
    assert InstitutionProfile.from_mapping(valid()).submission_mode(channel) == mode


def test_a_profile_may_make_a_channel_oral():
    profile = InstitutionProfile.from_mapping(valid(channel_modes={"whatsapp": "oral"}))
    assert profile.submission_mode("whatsapp") == "oral"
    assert profile.submission_mode("web") == "written"


def test_every_channel_has_a_default_mode():
    assert set(DEFAULT_CHANNEL_MODES) == {channel.value for channel in Channel}


def test_an_unknown_channel_has_no_submission_mode():
    with pytest.raises(ValueError, match="channel"):
        InstitutionProfile.from_mapping(valid()).submission_mode("pigeon")


@pytest.mark.parametrize(
    ("kind", "roles"),
    [("p2p", ("lender", "borrower")), ("bank", ("customer", "representative"))],
)
def test_the_roles_default_to_those_of_the_kind_of_institution(kind, roles):
    assert InstitutionProfile.from_mapping(valid(kind=kind, roles=...)).roles == roles


def test_the_calendar_follows_the_cuti_bersama_setting():
    assert not InstitutionProfile.from_mapping(valid()).working_calendar().cuti_bersama
    on = InstitutionProfile.from_mapping(valid(cuti_bersama_counts=True))
    assert on.working_calendar().cuti_bersama


def test_a_profile_cannot_be_changed():
    profile = InstitutionProfile.from_mapping(valid())
    with pytest.raises(dataclasses.FrozenInstanceError):
        profile.first_response_days = 20  # type: ignore[misc]
    with pytest.raises(TypeError):
        profile.channel_modes["phone"] = "written"  # type: ignore[index]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": ...}, "name"),
        ({"name": "  "}, "name"),
        ({"key": "Kredit Pro"}, "key"),
        ({"kind": "insurer"}, "kind"),
        ({"register_prefix": "kp"}, "register_prefix"),
        ({"register_prefix": "KPROX"}, "register_prefix"),
        ({"roles": ["customer"]}, "roles"),
        ({"products": []}, "products"),
        ({"products": ["Pinjaman", "Pinjaman"]}, "products"),
        ({"products": "Pinjaman"}, "products"),
        ({"first_response_days": 0}, "first_response_days"),
        ({"oral_resolution_days": "5"}, "oral_resolution_days"),
        ({"written_resolution_days": True}, "written_resolution_days"),
        ({"extension_days": -1}, "extension_days"),
        ({"document_days": ...}, "document_days"),
        ({"cuti_bersama_counts": "no"}, "cuti_bersama_counts"),
        ({"channel_modes": {"fax": "written"}}, "channel_modes"),
        ({"channel_modes": {"phone": "spoken"}}, "channel_modes"),
        ({"priority_targets": {"high": 1}}, "priority_targets"),
        (
            {"priority_targets": {"emergency": 5, "high": 3, "medium": 5, "low": 10}},
            "priority_targets",
        ),
        (
            {"priority_targets": {"emergency": 0, "high": 3, "medium": 5, "low": 10}},
            "priority_targets.emergency",
        ),
        ({"escalation_bodies": [""]}, "escalation_bodies"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_an_invalid_profile_is_refused_naming_the_bad_field(changes, field):
    with pytest.raises(ProfileError) as caught:
        InstitutionProfile.from_mapping(valid(**changes))
    assert caught.value.field == field
    assert repr(field) in str(caught.value)


def test_a_profile_must_be_a_mapping():
    with pytest.raises(ProfileError):
        InstitutionProfile.from_mapping(["kreditpro"])  # type: ignore[arg-type]


def test_an_extension_of_zero_days_means_no_extension():
    assert InstitutionProfile.from_mapping(valid(extension_days=0)).extension_days == 0
