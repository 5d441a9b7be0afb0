"""The Rasa model: trained once per change of its training data, config or engine pins."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

TRAINING_INPUTS = (
    "config.yml",
    "domain.yml",
    "data",
    "engine/linear_intents.py",
    "engine/linear_model.py",
    "engine/linear_responses.py",
    "requirements/rasa-constraints.txt",
)


def fingerprint(root: Path) -> str:
    """A short digest of everything that changes the trained model."""
    digest = hashlib.sha256()
    for name in TRAINING_INPUTS:
        path = root / name
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            digest.update(str(file.relative_to(root)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def default_cache_dir() -> Path:
    """Where trained models are kept across clones of the repository on this machine."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "aduan-assistant" / "models"


def ensure_model(root: Path, rasa_bin: Path, cache_dir: Path | None = None) -> Path:
    """Return the model for the current training data, training it only when none exists."""
    name = f"model-{fingerprint(root)}"
    models = root / "models"
    target = models / f"{name}.tar.gz"
    if target.exists():
        return target
    cache = (cache_dir or default_cache_dir()) / f"{name}.tar.gz"
    models.mkdir(parents=True, exist_ok=True)
    if cache.exists():
        shutil.copyfile(cache, target)
        return target
    command = [
        str(rasa_bin),
        "train",
        "--fixed-model-name",
        name,
        "--out",
        str(models),
        "--config",
        "config.yml",
        "--domain",
        "domain.yml",
        "--data",
        "data",
    ]
    print(f"Training the Rasa model ({name}); this takes a few minutes…", flush=True)
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}
    # The argv is our own Rasa binary and project paths; no shell, nothing from a user.
    subprocess.run(command, cwd=root, env=env, check=True)  # noqa: S603
    cache.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(target, cache)
    return target
