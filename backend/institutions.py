"""Loads institution profiles from `institutions/{key}.yml`."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from backend.domain.policy import InstitutionProfile, ProfileError

PROFILE_DIRECTORY = Path(__file__).resolve().parent.parent / "institutions"
_KEY = re.compile(r"[a-z][a-z0-9_]*")


def available_profiles(directory: Path | None = None) -> tuple[str, ...]:
    """The keys of the profiles in `directory`, sorted."""
    directory = directory or PROFILE_DIRECTORY
    return tuple(sorted(path.stem for path in directory.glob("*.yml")))


def load_profile(key: str, directory: Path | None = None) -> InstitutionProfile:
    """The validated profile `key`; ProfileError if it is unknown or invalid."""
    directory = directory or PROFILE_DIRECTORY
    path = directory / f"{key}.yml"
    if not _KEY.fullmatch(key) or not path.is_file():
        available = ", ".join(available_profiles(directory)) or "none"
        raise ProfileError("key", f"unknown institution {key!r}; available: {available}")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ProfileError("profile", f"{path.name} is not valid YAML: {error}") from error
    if not isinstance(data, dict):
        raise ProfileError("profile", f"{path.name} must hold a mapping of fields")
    data.setdefault("key", key)
    if data["key"] != key:
        raise ProfileError("key", f"{path.name} says {data['key']!r}, expected {key!r}")
    return InstitutionProfile.from_mapping(data)
