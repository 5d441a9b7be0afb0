"""Word lists that must stay lists, as data files beside the code, each read once on first use."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

DIRECTORY = Path(__file__).resolve().parent


@cache
def word_list(name: str) -> dict[str, Any]:
    """The contents of `actions/words/<name>.yml`."""
    return yaml.safe_load((DIRECTORY / f"{name}.yml").read_text(encoding="utf-8"))
