"""Settings of the action server, read once from the environment (and `.env` when present)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from dotenv import dotenv_values

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class ActionSettings:
    """What the custom actions need: where the case API is and its token (it knows the rest)."""

    app_url: str = "http://127.0.0.1:8000"
    app_api_token: str = ""
    http_timeout_seconds: float = 10.0
    # One call to the case API, its retries and back-off included, ends within this budget:
    # the first link of the turn's timeout chain (backend/timeouts.py sets them all).
    case_api_budget_seconds: float = 10.0

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, env_file: Path | None = None
    ) -> ActionSettings:
        """Read `environ` (default: the process) over the `.env` file in the repository root."""
        values: dict[str, str] = {}
        path = env_file if env_file is not None else ROOT / ".env"
        if path.is_file():
            values.update({k: v for k, v in dotenv_values(path).items() if v is not None})
        values.update(os.environ if environ is None else environ)
        port = values.get("APP_PORT") or "8000"
        host = values.get("APP_HOST") or "127.0.0.1"
        return cls(
            app_url=(values.get("APP_URL") or f"http://{host}:{port}").rstrip("/"),
            app_api_token=values.get("APP_API_TOKEN", ""),
            http_timeout_seconds=float(values.get("ACTIONS_HTTP_TIMEOUT_SECONDS") or 10.0),
            case_api_budget_seconds=float(values.get("ACTIONS_CASE_API_BUDGET_SECONDS") or 10.0),
        )


@lru_cache(maxsize=1)
def get_settings() -> ActionSettings:
    """The settings of this process, read on first use."""
    return ActionSettings.from_env()
