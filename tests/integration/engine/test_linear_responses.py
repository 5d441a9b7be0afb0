"""The linear response selector writes what Rasa's ResponseSelector writes, and learns.

On the Rasa environment's Python: a tiny complaint and question data set trains the linear
selector of each retrieval intent and, for the comparison, Rasa's own DIET-based
ResponseSelector (one epoch: only the shape of its output matters). The intent classifier,
which shares the model (engine/linear_model.py), is trained and reloaded too.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.engine.rasa_script import run_in_rasa

TRAIN_AND_PREDICT = """
import json, os, sys, tempfile, warnings
from pathlib import Path
sys.path.insert(0, os.environ["PROJECT_ROOT"])
warnings.simplefilter("ignore")
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.nlu.selectors.response_selector import ResponseSelector
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from engine.linear_intents import LinearIntentClassifier
from engine.linear_responses import LinearResponseSelector

EXAMPLES = {
    "complain/fraud": [
        "saya ditipu orang lewat telepon", "rekening saya dibobol penipu",
        "ada penipuan transfer atas nama bank", "uang saya hilang ditipu",
        "penipu mengaku petugas bank minta kode otp",
    ],
    "complain/card": [
        "kartu kredit saya terblokir", "tagihan kartu kredit salah",
        "kartu atm saya tertelan mesin", "limit kartu kredit dipotong",
        "iuran tahunan kartu kredit ditagih padahal dijanjikan gratis",
    ],
    "faq/hours": ["jam buka kapan", "buka jam berapa", "layanan buka hari minggu"],
    "faq/cost": ["berapa biayanya", "apakah gratis", "ada biaya pengaduan"],
}
OTHER = {"greet": ["halo", "selamat pagi", "hai min"]}


def training_data() -> TrainingData:
    messages = [
        Message(data={"text": text, "intent": key.split("/")[0], "intent_response_key": key})
        for key, texts in EXAMPLES.items()
        for text in texts
    ] + [
        Message(data={"text": text, "intent": intent})
        for intent, texts in OTHER.items()
        for text in texts
    ]
    responses = {f"utter_{key}": [{"text": f"jawaban {key}"}] for key in EXAMPLES}
    return TrainingData(training_examples=messages, responses=responses)


storage = LocalModelStorage(Path(tempfile.mkdtemp()))
context = ExecutionContext(GraphSchema({}), "test")


def made(component, config, name):
    return component.create(
        {**component.get_default_config(), **config}, storage, Resource(name), context
    )


def linear(retrieval_intent):
    config = {"retrieval_intent": retrieval_intent}
    made(LinearResponseSelector, config, retrieval_intent).train(training_data())
    return LinearResponseSelector.load(
        {**LinearResponseSelector.get_default_config(), **config},
        storage, Resource(retrieval_intent), context,
    )


def parsed(components, text):
    message = Message(data={"text": text})
    for component in components:
        component.process([message])
    return message.as_dict(only_output_properties=True)


selectors = [linear("complain"), linear("faq")]
fresh = made(LinearResponseSelector, {"retrieval_intent": "complain"}, "fresh")
fresh.train(training_data())

data = training_data()
tokenizer = made(WhitespaceTokenizer, {}, "tokenizer")
tokenizer.process_training_data(data)
featurizer = made(CountVectorsFeaturizer, {}, "featurizer")
featurizer.train(data)
featurizer.process_training_data(data)
rasa_selector = made(
    ResponseSelector, {"retrieval_intent": "complain", "epochs": 1, "random_seed": 42}, "rasa"
)
rasa_selector.train(data)

made(LinearIntentClassifier, {}, "intents").train(training_data())
intents = LinearIntentClassifier.load(
    LinearIntentClassifier.get_default_config(), storage, Resource("intents"), context
)

print(json.dumps({
    "linear": parsed(selectors, "penipu mengaku dari bank minta otp saya"),
    "card": parsed(selectors, "kartu kredit saya diblokir tanpa alasan"),
    "question": parsed(selectors, "jam berapa layanan buka"),
    "greeting": parsed(selectors, "halo"),
    "empty": parsed(selectors, ""),
    "before_storing": parsed([fresh], "penipu mengaku dari bank minta otp saya"),
    "rasa": parsed([tokenizer, featurizer, rasa_selector], "penipu mengaku dari bank minta otp"),
    "intent": parsed([intents], "selamat pagi min"),
}))
"""


@pytest.fixture(scope="module")
def parses() -> dict[str, Any]:
    return run_in_rasa(TRAIN_AND_PREDICT, timeout=600)


def shape(value: Any) -> Any:
    """The keys of every dictionary in a parse, nested; lists by their first item."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return type(value).__name__


def test_the_output_has_the_shape_of_rasas_response_selector(parses: dict[str, Any]) -> None:
    ours = parses["linear"]["response_selector"]
    rasas = parses["rasa"]["response_selector"]

    assert shape(ours["complain"]) == shape(rasas["complain"])
    assert set(ours) == {"all_retrieval_intents", "complain", "faq"}
    assert sorted(ours["all_retrieval_intents"]) == sorted(rasas["all_retrieval_intents"])


def test_a_fraud_story_is_read_as_the_fraud_category(parses: dict[str, Any]) -> None:
    response = parses["linear"]["response_selector"]["complain"]["response"]

    assert response["intent_response_key"] == "complain/fraud"
    assert response["utter_action"] == "utter_complain/fraud"
    assert response["responses"] == [{"text": "jawaban complain/fraud"}]
    assert response["confidence"] > 0.5


def test_a_card_story_is_read_as_the_card_category(parses: dict[str, Any]) -> None:
    response = parses["card"]["response_selector"]["complain"]["response"]

    assert response["intent_response_key"] == "complain/card"


def test_each_selector_learns_only_its_retrieval_intent(parses: dict[str, Any]) -> None:
    selector = parses["question"]["response_selector"]
    complain_keys = {r["intent_response_key"] for r in selector["complain"]["ranking"]}
    faq_keys = {r["intent_response_key"] for r in selector["faq"]["ranking"]}

    assert complain_keys == {"complain/fraud", "complain/card"}
    assert faq_keys == {"faq/hours", "faq/cost"}
    assert selector["faq"]["response"]["intent_response_key"] == "faq/hours"


def test_the_ranking_is_ordered_and_its_top_is_the_response(parses: dict[str, Any]) -> None:
    selector = parses["linear"]["response_selector"]["complain"]
    confidences = [r["confidence"] for r in selector["ranking"]]

    assert confidences == sorted(confidences, reverse=True)
    assert selector["ranking"][0]["confidence"] == selector["response"]["confidence"]
    assert sum(confidences) == pytest.approx(1.0)


def test_every_message_gets_a_prediction_even_without_that_intent(
    parses: dict[str, Any],
) -> None:
    for name in ("greeting", "empty"):
        selector = parses[name]["response_selector"]
        assert selector["complain"]["response"]["intent_response_key"].startswith("complain/")
        assert selector["faq"]["response"]["intent_response_key"].startswith("faq/")


def test_the_stored_and_loaded_selector_predicts_as_the_trained_one(
    parses: dict[str, Any],
) -> None:
    loaded = parses["linear"]["response_selector"]["complain"]
    trained = parses["before_storing"]["response_selector"]["complain"]

    assert loaded == trained


def test_the_intent_classifier_on_the_shared_model_still_trains_and_loads(
    parses: dict[str, Any],
) -> None:
    intent = parses["intent"]

    assert intent["intent"]["name"] == "greet"
    assert intent["intent_ranking"][0] == intent["intent"]
