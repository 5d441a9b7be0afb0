"""The trained model follows every test story in tests/stories (NLU and dialogue policy)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from backend.settings import ROOT
from backend.stack import rasa_bin

pytestmark = pytest.mark.e2e


def test_the_model_predicts_every_intent_and_action_of_the_test_stories(
    model: Path, tmp_path: Path
) -> None:
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}
    finished = subprocess.run(
        [
            str(rasa_bin()),
            "test",
            "core",
            "--model",
            str(model),
            "--stories",
            "tests/stories",
            "--fail-on-prediction-errors",
            "--out",
            str(tmp_path),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    failed = tmp_path / "failed_test_stories.yml"
    details = failed.read_text(encoding="utf-8") if failed.exists() else finished.stderr[-3000:]
    assert finished.returncode == 0, details
