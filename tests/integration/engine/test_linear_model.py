"""The linear model scores a text exactly as scikit-learn's TF-IDF transform would.

`LinearModel.probabilities` counts the text's known terms itself instead of building sparse
matrices (engine/linear_model.py). On the Rasa environment's Python, a small model is fitted,
stored and read back, and for texts of every kind (known words, unknown words, repeats,
capitals, accents, emoji, punctuation, empty) its probabilities are compared with those
from `TfidfVectorizer.transform` and the stacked coefficients, before and after storing.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.integration.engine.rasa_script import run_in_rasa

TEXTS = [
    "rekening saya dibobol penipu",
    "Rekening saya DIBOBOL!!! tolong, uang hilang 5jt",
    "penagihan penagihan penagihan kasar",
    "kartu kredit",
    "qwertyuiop zxcvb",
    "café résumé ñ 👍",
    "jam-berapa buka?",
    "",
    "   ",
]
COMPARE = """
import json, os, sys, tempfile, warnings
from pathlib import Path
sys.path.insert(0, os.environ["PROJECT_ROOT"])
warnings.simplefilter("ignore")
import numpy as np
import scipy.sparse
from engine.linear_model import fit, read, write

CONFIG = {"word_ngrams": [1, 2], "char_ngrams": [2, 5], "C": 20.0, "max_iter": 300,
          "tol": 1e-3, "random_seed": 1}
EXAMPLES = {
    "fraud": ["saya ditipu orang lewat telepon", "rekening saya dibobol penipu",
              "penipu minta kode otp"],
    "collection": ["penagih datang malam malam", "penagihan kasar sekali",
                   "debt collector mengancam"],
    "card": ["kartu kredit saya terblokir", "tagihan kartu kredit salah"],
    "hours": ["jam buka kapan", "buka jam berapa"],
}
texts = [text for texts in EXAMPLES.values() for text in texts]
labels = [label for label, texts in EXAMPLES.items() for _ in texts]


def reference(model, text):
    features = scipy.sparse.hstack([v.transform([text]) for v in model.parts.values()])
    scores = np.asarray(features @ model.coefficients.T).ravel() + model.intercepts
    if len(model.labels) == 2:
        scores = np.array([0.0, scores[0]])
    probabilities = np.exp(scores - scores.max())
    return probabilities / probabilities.sum()


def gap(model):
    return max(
        float(np.max(np.abs(model.probabilities(text) - reference(model, text))))
        for text in json.loads(os.environ["TEXTS"])
    )


fitted = fit(texts, labels, CONFIG)
binary = fit(texts[:6], labels[:6], CONFIG)
directory = Path(tempfile.mkdtemp())
write(fitted, directory)
stored, _ = read(directory, CONFIG)
print(json.dumps({
    "fitted": gap(fitted),
    "binary": gap(binary),
    "stored": gap(stored),
    "labels": stored.labels,
    "top": stored.ranking("rekening dibobol penipu", 1)[0][0],
}))
"""


@pytest.fixture(scope="module")
def compared() -> dict[str, Any]:
    return run_in_rasa(COMPARE, env={"TEXTS": json.dumps(TEXTS)})


def test_a_fitted_model_scores_as_scikit_learns_transform(compared: dict[str, Any]) -> None:
    assert compared["fitted"] < 1e-12


def test_a_binary_model_scores_as_scikit_learns_transform(compared: dict[str, Any]) -> None:
    assert compared["binary"] < 1e-12


def test_a_stored_and_read_model_scores_as_scikit_learns_transform(
    compared: dict[str, Any],
) -> None:
    assert compared["stored"] < 1e-12
    assert compared["labels"] == ["card", "collection", "fraud", "hours"]


def test_the_stored_model_still_ranks_a_fraud_text_first_as_fraud(
    compared: dict[str, Any],
) -> None:
    assert compared["top"] == "fraud"
