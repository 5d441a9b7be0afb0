"""Runs a script on the Rasa environment's Python and reads the JSON object it printed last.

The engine's modules run inside Rasa (Python 3.10, Rasa 3.6); the tests drive them from
there, with the project importable (`PROJECT_ROOT`) and Rasa's telemetry off.
"""

from __future__ import annotations

import json
import os
import subprocess
from typing import Any

from backend.settings import ROOT
from backend.stack import rasa_python
from tests.conftest import unavailable


def run_in_rasa(
    script: str,
    *arguments: str,
    env: dict[str, str] | None = None,
    timeout: float = 300,
) -> dict[str, Any]:
    """The last line the script printed, read as a JSON object; the test fails on an error."""
    python = rasa_python()
    if not python.exists():
        unavailable("the Rasa environment is missing: run `make setup`")
    environment = {
        **os.environ,
        "PROJECT_ROOT": str(ROOT),
        "RASA_TELEMETRY_ENABLED": "false",
        **(env or {}),
    }
    done = subprocess.run(
        [str(python), "-c", script, *arguments],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))
