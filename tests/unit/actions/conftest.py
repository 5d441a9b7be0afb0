"""Fixtures of the action tests: a fake case API, the real domain, fresh settings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from actions.settings import get_settings
from tests.unit.actions.fakes import FakeBackend

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def backend() -> FakeBackend:
    return FakeBackend()


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    """The real domain.yml, as the action server receives it."""
    return yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    """Settings are read once per process; each test reads them afresh."""
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()
