"""NLU benchmark on held-out examples: intent and entity F1, and per-category accuracy.

    .venv/bin/python -m benchmarks.nlu

The held-out examples (benchmarks/data/nlu_heldout.yml) are written apart from the
training data and never trained on; the script refuses to run if one of them appears in
data/nlu. It uses the model of the current training data (trained first if missing, as
`make run` does), runs `rasa test nlu` on the held-out file, and prints the intent and
entity F1. The complaint category is read by actions/categories.py, so its accuracy per
category is measured on benchmarks/data/categories_heldout.yml. Not part of the test suite.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from actions.categories import detect_category
from backend.settings import ROOT
from backend.stack import rasa_bin
from backend.training import ensure_model

DATA = Path(__file__).resolve().parent / "data"
HELD_OUT = DATA / "nlu_heldout.yml"
CATEGORIES = DATA / "categories_heldout.yml"


def examples(path: Path) -> list[tuple[str, str]]:
    """(intent, text) of every example in a Rasa NLU file, entity annotations removed."""
    found = []
    for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
        if "intent" not in block:
            continue
        for line in str(block["examples"]).splitlines():
            text = line.strip().removeprefix("- ").strip()
            if text:
                plain = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text)
                found.append((block["intent"], plain.lower()))
    return found


def leaked_examples() -> set[str]:
    """Held-out texts that also appear in the training data (must be none)."""
    trained = {text for path in (ROOT / "data" / "nlu").glob("*.yml") for _, text in examples(path)}
    return {text for _, text in examples(HELD_OUT)} & trained


def evaluate_nlu(model: Path, out: Path) -> dict[str, Any]:
    """Run `rasa test nlu` on the held-out file; the intent and entity reports."""
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}
    command = [
        str(rasa_bin()),
        "test",
        "nlu",
        "--model",
        str(model),
        "--nlu",
        str(HELD_OUT),
        "--out",
        str(out),
    ]
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)
    entity_reports = {
        path.stem.removesuffix("_report"): json.loads(path.read_text())
        for path in out.glob("*Extractor_report.json")
    }
    return {"intent": json.loads((out / "intent_report.json").read_text()), **entity_reports}


def category_accuracy() -> dict[str, tuple[int, int]]:
    """(correct, total) per category of actions/categories.py on the held-out openings."""
    labelled = yaml.safe_load(CATEGORIES.read_text(encoding="utf-8"))
    scores: dict[str, tuple[int, int]] = {}
    for category, texts in labelled.items():
        correct = sum(detect_category(text) == category for text in texts)
        scores[category] = (correct, len(texts))
    return scores


def main() -> int:
    leaked = leaked_examples()
    if leaked:
        print("Held-out examples found in the training data:", *sorted(leaked), sep="\n  ")
        return 1
    model = ensure_model(ROOT, rasa_bin())
    with tempfile.TemporaryDirectory() as out:
        reports = evaluate_nlu(model, Path(out))
        intent = reports.pop("intent")
        errors = (
            Counter(
                (e["intent"], e["intent_prediction"]["name"])
                for e in json.loads((Path(out) / "intent_errors.json").read_text())
            )
            if (Path(out) / "intent_errors.json").exists()
            else Counter()
        )
    held_out = examples(HELD_OUT)
    print(f"model: {model.name}; held-out examples: {len(held_out)}")
    print(
        f"intent  accuracy {intent['accuracy']:.3f}  "
        f"weighted F1 {intent['weighted avg']['f1-score']:.3f}  "
        f"macro F1 {intent['macro avg']['f1-score']:.3f}"
    )
    for extractor, report in reports.items():
        avg = report.get("weighted avg") or report.get("micro avg") or {}
        per_entity = ", ".join(
            f"{name} {scores['f1-score']:.2f}"
            for name, scores in report.items()
            if isinstance(scores, dict) and name not in ("micro avg", "macro avg", "weighted avg")
        )
        print(f"entity  {extractor}: weighted F1 {avg.get('f1-score', 0):.3f}  ({per_entity})")
    for (gold, predicted), count in errors.most_common(8):
        print(f"  confused: {gold} -> {predicted} ({count})")
    scores = category_accuracy()
    correct = sum(c for c, _ in scores.values())
    total = sum(t for _, t in scores.values())
    print(f"category accuracy {correct / total:.3f} ({correct}/{total})")
    for category, (right, count) in scores.items():
        print(f"  {category:16} {right}/{count}  {right / count:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
