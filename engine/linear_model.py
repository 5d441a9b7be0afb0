"""Logistic regression over TF-IDF word and character n-grams: the model of the NLU components.

Shared by the intent classifier (engine/linear_intents.py) and the response selectors
(engine/linear_responses.py): the vectorizers, the fit, the probabilities of one text, and
the storage as plain arrays and JSON (vocabularies, IDF weights, coefficients), never
pickled. Runs in the Rasa environment (Python 3.10).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

WORDS = "words"
WHITESPACE_TOKENS = r"[^\s]+"
CHARACTERS = "characters"
MODEL_FILE = "model.json"
ARRAYS_FILE = "arrays.npz"


def vectorizers(config: dict[str, Any]) -> dict[str, TfidfVectorizer]:
    """Word n-grams (tokens split on whitespace) and character n-grams inside word bounds."""
    return {
        WORDS: TfidfVectorizer(
            analyzer="word",
            token_pattern=WHITESPACE_TOKENS,
            ngram_range=tuple(config["word_ngrams"]),
            sublinear_tf=True,
        ),
        CHARACTERS: TfidfVectorizer(
            analyzer="char_wb", ngram_range=tuple(config["char_ngrams"]), sublinear_tf=True
        ),
    }


@dataclass
class LinearModel:
    """Fitted vectorizers and the coefficients of a (multinomial) logistic regression."""

    parts: dict[str, TfidfVectorizer]
    coefficients: np.ndarray
    intercepts: np.ndarray
    labels: list[str]
    _scorers: list[_PartScorer] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._scorers = _scorers(self.parts, self.coefficients)

    def probabilities(self, text: str) -> np.ndarray:
        """The probability of every label (in the order of `labels`) for one text."""
        scores = self.intercepts.astype(np.float64, copy=True)
        for scorer in self._scorers:
            scores += scorer.scores(text)
        if len(self.labels) == 2:  # a binary regression has one row of coefficients
            scores = np.array([0.0, scores[0]])
        probabilities = np.exp(scores - scores.max())
        return np.asarray(probabilities / probabilities.sum())

    def ranking(self, text: str, length: int) -> list[tuple[str, float]]:
        """The `length` most probable labels with their probabilities, most probable first."""
        probabilities = self.probabilities(text)
        order = np.argsort(-probabilities, kind="stable")[:length]
        return [(self.labels[i], float(probabilities[i])) for i in order]


@dataclass(frozen=True)
class _PartScorer:
    """One vectorizer's share of the scores of one text, without building sparse matrices.

    It computes what `vectorizer.transform([text]) @ coefficients.T` gives (the same terms
    from the vectorizer's own analyzer, counts, sublinear TF × IDF, L2 norm), looking up only
    the coefficient rows of the text's known terms: a parse is one text, and scipy's
    per-call overhead was most of the NLU's time (tests/integration/engine/
    test_linear_model.py holds it equal to scikit-learn's transform).
    """

    analyze: Callable[[str], list[str]]
    vocabulary: dict[str, int]
    idf: np.ndarray
    weights: np.ndarray  # this part's coefficient rows: terms × labels, C-contiguous

    def scores(self, text: str) -> np.ndarray:
        counts: dict[int, int] = {}
        vocabulary = self.vocabulary
        for term in self.analyze(text):
            index = vocabulary.get(term)
            if index is not None:
                counts[index] = counts.get(index, 0) + 1
        if not counts:
            return np.zeros(self.weights.shape[1])
        indices = np.fromiter(counts, dtype=np.intp, count=len(counts))
        frequencies = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        values = (np.log(frequencies) + 1.0) * self.idf[indices]
        values /= np.sqrt(values @ values)
        return np.asarray(values @ self.weights[indices])


def _scorers(parts: dict[str, TfidfVectorizer], coefficients: np.ndarray) -> list[_PartScorer]:
    """A scorer per vectorizer, over its columns of the (stacked) coefficients."""
    scorers = []
    offset = 0
    for vectorizer in parts.values():
        size = len(vectorizer.vocabulary_)
        columns = coefficients[:, offset : offset + size]
        scorers.append(
            _PartScorer(
                vectorizer.build_analyzer(),
                {str(term): int(index) for term, index in vectorizer.vocabulary_.items()},
                np.asarray(vectorizer.idf_, dtype=np.float64),
                np.ascontiguousarray(columns.T, dtype=np.float64),
            )
        )
        offset += size
    return scorers


def fit(texts: list[str], labels: list[str], config: dict[str, Any]) -> LinearModel:
    """Fits the vectorizers and a class-balanced logistic regression (config: word_ngrams,
    char_ngrams, C, max_iter, tol, random_seed). A single label gets probability 1."""
    parts = vectorizers(config)
    features = scipy.sparse.hstack([v.fit_transform(texts) for v in parts.values()]).tocsr()
    classes = sorted(set(labels))
    if len(classes) == 1:
        return LinearModel(parts, np.zeros((1, features.shape[1])), np.zeros(1), classes)
    regression = LogisticRegression(
        C=config["C"],
        class_weight="balanced",
        solver="saga",
        max_iter=config["max_iter"],
        tol=config["tol"],
        random_state=config["random_seed"],
    )
    regression.fit(features, labels)
    return LinearModel(parts, regression.coef_, regression.intercept_, list(regression.classes_))


def write(model: LinearModel, directory: Path, extra: dict[str, Any] | None = None) -> None:
    """Vocabularies, labels and `extra` as JSON, IDF weights and coefficients as arrays."""
    stored = {
        "labels": model.labels,
        "vocabularies": {
            name: {term: int(index) for term, index in v.vocabulary_.items()}
            for name, v in model.parts.items()
        },
        **(extra or {}),
    }
    (directory / MODEL_FILE).write_text(json.dumps(stored), encoding="utf-8")
    np.savez(
        directory / ARRAYS_FILE,
        coefficients=model.coefficients,
        intercepts=model.intercepts,
        **{f"idf_{name}": v.idf_ for name, v in model.parts.items()},
    )


def read(directory: Path, config: dict[str, Any]) -> tuple[LinearModel, dict[str, Any]]:
    """The model written to `directory` and the whole JSON document (with any `extra`).

    Raises FileNotFoundError when nothing was written there."""
    stored = json.loads((directory / MODEL_FILE).read_text(encoding="utf-8"))
    with np.load(directory / ARRAYS_FILE, allow_pickle=False) as arrays:
        values = {name: arrays[name] for name in arrays.files}
    parts = vectorizers(config)
    for name, vectorizer in parts.items():
        vectorizer.vocabulary_ = stored["vocabularies"][name]
        vectorizer.idf_ = values[f"idf_{name}"]
    model = LinearModel(parts, values["coefficients"], values["intercepts"], stored["labels"])
    return model, stored
