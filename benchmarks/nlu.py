"""NLU benchmark: cross-validated intents and categories, and scores on frozen fresh messages.

    .venv/bin/python -m benchmarks.nlu [--folds 5] [--no-cv]

1. Cross-validation on data/nlu (`rasa test nlu --cross-validation`): intent accuracy,
   macro-F1 and F1 per intent; the complaint category (the response selector's
   complain/<category>) accuracy and the service topic of questions (faq/<topic>); the ten
   worst intent confusions.
2. A model trained on all of data/nlu (the project's model, trained first if missing, as
   `make run` does) scored on each frozen file in benchmarks/data: the fresh files of
   2026-12-02 and 2026-12-01 (chat-style messages, each written before a round of tuning)
   and the older held-out file.
   Besides accuracy and macro-F1 it counts non-complaints predicted as complaints: each of
   them would open the complaint form.

The frozen files are never trained on nor edited (their older faq_<topic> labels are read
as faq/<topic>, see `relabelled`); the script refuses to run if one of their texts is
in data/nlu (so does tests/unit/test_nlu_heldout.py). Not part of the test suite.
"""

from __future__ import annotations

import argparse
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

from backend.settings import ROOT
from backend.stack import rasa_bin
from backend.training import ensure_model

DATA = Path(__file__).resolve().parent / "data"
FRESH = DATA / "nlu_fresh_2026-12-01.yml"
# Written 2026-12-02 before the second round of data work (the first fresh file had been
# partly seen by the helpers who wrote training data): the figure to trust.
FRESH_SECOND = DATA / "nlu_fresh_2026-12-02.yml"
HELD_OUT = DATA / "nlu_heldout.yml"
FROZEN = (FRESH_SECOND, FRESH, HELD_OUT)
TRAINING = ROOT / "data" / "nlu"
COMPLAINT = "complain"
FAQ = "faq"
NO_CATEGORY = "none"
# The frozen files were written when each service topic was an intent of its own
# (faq_hours); the questions are now the retrieval intent faq/<topic> (faq/hours).
OLD_FAQ_LABEL = re.compile(r"^(\s*- intent: )faq_(\w+)", re.MULTILINE)
MIN_CATEGORY_CONFIDENCE = 0.5  # as actions/understanding.py
WORST_CONFUSIONS = 10


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


def training_texts() -> set[str]:
    """Every example text of the training data, lower case."""
    return {text for path in TRAINING.rglob("*.yml") for _, text in examples(path)}


def leaked_examples(path: Path = HELD_OUT) -> set[str]:
    """Texts of a frozen file that also appear in the training data (must be none)."""
    return {text for _, text in examples(path)} & training_texts()


def run_rasa(*arguments: str) -> None:
    """Run the Rasa CLI of the engine environment in the repository."""
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}
    command = [str(rasa_bin()), *arguments]
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)  # noqa: S603


def read_json(path: Path) -> Any:
    """A JSON report of `rasa test`, or an empty list when it was not written."""
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []


def cross_validate(folds: int, out: Path) -> dict[str, Any]:
    """The reports of `rasa test nlu --cross-validation` on data/nlu."""
    run_rasa(
        "test", "nlu", "--nlu", str(TRAINING), "--config", "config.yml",
        "--cross-validation", "--folds", str(folds), "--out", str(out), "--successes",
    )  # fmt: skip
    return reports(out)


def evaluate(model: Path, path: Path, out: Path) -> dict[str, Any]:
    """The reports of `rasa test nlu` of the model on one frozen file, successes included."""
    run_rasa(
        "test", "nlu", "--model", str(model), "--nlu", str(path), "--out", str(out),
        "--successes", "--no-plot",
    )  # fmt: skip
    return reports(out)


def reports(out: Path) -> dict[str, Any]:
    """Intent and response-selection reports and per-example predictions in `out`."""
    return {
        "intent": read_json(out / "intent_report.json"),
        "predictions": [
            *read_json(out / "intent_successes.json"),
            *read_json(out / "intent_errors.json"),
        ],
        "errors": read_json(out / "intent_errors.json"),
        "selector": [
            *read_json(out / "response_selection_successes.json"),
            *read_json(out / "response_selection_errors.json"),
        ],
        "selector_report": read_json(out / "response_selection_report.json"),
    }


def relabelled(path: Path, directory: Path) -> Path:
    """A copy of a frozen file, its faq_<topic> labels written faq/<topic>, texts unchanged."""
    copy = directory / path.name
    copy.write_text(OLD_FAQ_LABEL.sub(r"\1faq/\2", path.read_text(encoding="utf-8")), "utf-8")
    return copy


def category_scores(
    selector: list[dict[str, Any]], retrieval_intent: str = COMPLAINT
) -> tuple[int, int, int]:
    """(right, total, silently wrong) over complaints that name a category (or questions
    on a service topic, for the retrieval intent faq)."""
    right = total = silently_wrong = 0
    for item in selector:
        target = str(item.get("intent_response_key_target") or "")
        if not target.startswith(f"{retrieval_intent}/") or target.endswith(f"/{NO_CATEGORY}"):
            continue
        predicted = item.get("intent_response_key_prediction") or {}
        total += 1
        if predicted.get("name") == target:
            right += 1
        elif float(predicted.get("confidence") or 0) >= MIN_CATEGORY_CONFIDENCE and not str(
            predicted.get("name")
        ).endswith(f"/{NO_CATEGORY}"):
            silently_wrong += 1
    return right, total, silently_wrong


def category_from_report(report: Any) -> tuple[int, int]:
    """(right, total) of categories from a response-selection report (cross-validation)."""
    right = total = 0
    if not isinstance(report, dict):
        return 0, 0
    for key, scores in report.items():
        if not key.startswith(f"{COMPLAINT}/") or key.endswith(f"/{NO_CATEGORY}"):
            continue
        support = int(scores.get("support") or 0)
        total += support
        right += round(float(scores.get("recall") or 0) * support)
    return right, total


def print_intents(title: str, result: dict[str, Any]) -> None:
    """Accuracy, macro-F1, F1 per intent and the worst confusions."""
    intent = result["intent"]
    print(
        f"{title}: intent accuracy {intent['accuracy']:.3f}  "
        f"macro-F1 {intent['macro avg']['f1-score']:.3f}  "
        f"weighted-F1 {intent['weighted avg']['f1-score']:.3f}"
    )
    per_intent = {
        name: scores
        for name, scores in intent.items()
        if isinstance(scores, dict) and not name.endswith(" avg")
    }
    print(
        "  F1 per intent: "
        + ", ".join(f"{name} {s['f1-score']:.2f}" for name, s in sorted(per_intent.items()))
    )
    confusions = Counter(
        (e["intent"], e["intent_prediction"]["name"]) for e in result["errors"] or []
    )
    for (gold, predicted), count in confusions.most_common(WORST_CONFUSIONS):
        print(f"  confused: {gold} -> {predicted} ({count})")


def fallback_threshold() -> float:
    """The FallbackClassifier's threshold in config.yml."""
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    found = [c for c in config["pipeline"] if c.get("name") == "FallbackClassifier"]
    return float(found[0].get("threshold", 0.3)) if found else 0.0


def below_fallback(result: dict[str, Any], threshold: float) -> int:
    """How many messages the bot would answer with "not understood" (confidence too low)."""
    return sum(
        1
        for p in result["predictions"]
        if float((p.get("intent_prediction") or {}).get("confidence") or 0) < threshold
    )


def complaint_false_positives(result: dict[str, Any]) -> list[str]:
    """Texts that are not complaints but were predicted as one."""
    return [
        str(p["text"])
        for p in result["predictions"]
        if p["intent"] != COMPLAINT and (p.get("intent_prediction") or {}).get("name") == COMPLAINT
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--no-cv", action="store_true", help="only score the frozen files")
    args = parser.parse_args(argv)
    for path in FROZEN:
        leaked = leaked_examples(path)
        if leaked:
            print(f"{path.name}: texts found in the training data:", *sorted(leaked), sep="\n  ")
            return 1
    with tempfile.TemporaryDirectory() as tmp:
        if not args.no_cv:
            result = cross_validate(args.folds, Path(tmp) / "cv")
            print_intents(f"cross-validation ({args.folds} folds)", result)
            right, total = category_from_report(result["selector_report"])
            if result["selector"]:
                right, total, _ = category_scores(result["selector"])
            if total:
                print(f"  category accuracy {right / total:.3f} ({right}/{total})")
            right, total, _ = category_scores(result["selector"], FAQ)
            if total:
                print(f"  service-topic accuracy {right / total:.3f} ({right}/{total})")
        model = ensure_model(ROOT, rasa_bin())
        print(f"model: {model.name}")
        for path in FROZEN:
            result = evaluate(model, relabelled(path, Path(tmp)), Path(tmp) / path.stem)
            print_intents(f"{path.name} ({len(examples(path))} messages)", result)
            right, total, silently_wrong = category_scores(result["selector"])
            if total:
                print(
                    f"  category accuracy {right / total:.3f} ({right}/{total}); "
                    f"filed under a wrong category with confidence: {silently_wrong}"
                )
            right, total, _ = category_scores(result["selector"], FAQ)
            if total:
                print(f"  service-topic accuracy {right / total:.3f} ({right}/{total})")
            threshold = fallback_threshold()
            print(
                f"  below the fallback threshold {threshold}: {below_fallback(result, threshold)}"
                " (counted above with the intent the classifier named)"
            )
            false_positives = complaint_false_positives(result)
            print(f"  non-complaints predicted as complaints: {len(false_positives)}")
            for text in false_positives:
                print(f"    {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
