"""Loads an institution's canned responses from `institutions/{key}/canned_responses.yml`."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from backend.domain.canned_responses import (
    CannedResponse,
    CannedResponseError,
    parse_canned_responses,
)
from backend.institutions import PROFILE_DIRECTORY

FILE_NAME = "canned_responses.yml"


def load_canned_responses(key: str, directory: Path | None = None) -> tuple[CannedResponse, ...]:
    """The institution's responses; none when it has no file; CannedResponseError if invalid."""
    path = (directory or PROFILE_DIRECTORY) / key / FILE_NAME
    if not path.is_file():
        return ()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise CannedResponseError(f"{path} is not valid YAML: {error}") from error
    try:
        return parse_canned_responses(data)
    except CannedResponseError as error:
        raise CannedResponseError(f"{path}: {error}") from error


@cache
def canned_responses(key: str) -> tuple[CannedResponse, ...]:
    """The responses of the institution `key` from the project's folder, read once."""
    return load_canned_responses(key)
