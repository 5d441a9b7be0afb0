"""The response selector of a retrieval intent: logistic regression over TF-IDF n-grams.

A Rasa graph component (config.yml names it `engine.linear_responses.LinearResponseSelector`,
one per retrieval intent: `retrieval_intent: complain` learns the complaint category of
complain/<category>, `retrieval_intent: faq` the service topic of faq/<topic>). It replaces
Rasa's DIET-based ResponseSelector: the same model as the intent classifier
(engine/linear_model.py), trained on the examples of its retrieval intent only, costs a
fraction of a millisecond per message instead of a TensorFlow inference, and trains in
seconds instead of 50 epochs.

It writes exactly what the ResponseSelector writes into the message, for every message
(also one the intent classifier did not read as that retrieval intent, so the form reads the
category of a description typed inside it):

    response_selector:
      all_retrieval_intents: [complain, faq]
      complain:
        response: {responses: [...], confidence: 0.93,
                   intent_response_key: complain/fraud, utter_action: utter_complain/fraud}
        ranking: [{confidence: 0.93, intent_response_key: complain/fraud}, ...]

so Rasa's ActionRetrieveResponse (utter_faq, utter_complain), `rasa test nlu` and the
actions (actions/understanding.py) read it unchanged. The responses of the domain's
retrieval intents come with the training data (Rasa syncs them from domain.yml) and are
stored with the model as JSON, like the ResponseSelector stores them.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import (
    RESPONSE_SELECTOR_DEFAULT_INTENT,
    RESPONSE_SELECTOR_PREDICTION_KEY,
    RESPONSE_SELECTOR_PROPERTY_NAME,
    RESPONSE_SELECTOR_RANKING_KEY,
    RESPONSE_SELECTOR_RESPONSES_KEY,
    RESPONSE_SELECTOR_RETRIEVAL_INTENTS,
    RESPONSE_SELECTOR_UTTER_ACTION_KEY,
)
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_RESPONSE_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.shared.nlu.training_data.util import intent_response_key_to_template_key
from rasa.shared.utils.io import raise_warning

from engine.linear_model import LinearModel, fit, read, write

logger = logging.getLogger(__name__)
RESPONSES = "responses"
RETRIEVAL_INTENTS = "all_retrieval_intents"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class LinearResponseSelector(GraphComponent, IntentClassifier):
    """Predicts the response key of one retrieval intent and a ranking of them."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The retrieval intent (None: all of them), n-gram ranges, regularisation and the
        ranking's length (the ResponseSelector's default, 10)."""
        return {
            "retrieval_intent": None,
            "word_ngrams": [1, 2],
            "char_ngrams": [2, 5],
            "C": 20.0,
            "max_iter": 300,
            "tol": 1e-3,
            "random_seed": 42,
            "ranking_length": 10,
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        fitted: LinearModel | None = None,
        responses: dict[str, list[dict[str, Any]]] | None = None,
        all_retrieval_intents: list[str] | None = None,
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        self._storage = model_storage
        self._resource = resource
        self._fitted = fitted
        self.responses = responses or {}
        self.all_retrieval_intents = all_retrieval_intents or []

    @property
    def retrieval_intent(self) -> str | None:
        """The retrieval intent whose response keys this selector learns."""
        found = self.config["retrieval_intent"]
        return str(found) if found else None

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LinearResponseSelector:
        """An untrained selector."""
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        """Fits the model on the examples of the retrieval intent, labelled with their response
        key (complain/fraud); keeps the responses and the retrieval intents; stores them."""
        self.all_retrieval_intents = list(training_data.retrieval_intents)
        self.responses = training_data.responses
        examples = [
            m
            for m in training_data.intent_examples
            if m.get(TEXT)
            and m.get(INTENT_RESPONSE_KEY)
            and (self.retrieval_intent is None or m.get(INTENT) == self.retrieval_intent)
        ]
        if not examples:
            logger.debug(f"No examples of the retrieval intent {self.retrieval_intent}.")
            return self._resource
        texts = [str(m.get(TEXT)) for m in examples]
        labels = [str(m.get(INTENT_RESPONSE_KEY)) for m in examples]
        self._fitted = fit(texts, labels, self.config)
        self.persist()
        return self._resource

    def persist(self) -> None:
        """The model, the responses and the retrieval intents as arrays and JSON."""
        if self._fitted is None:
            return
        extra = {RESPONSES: self.responses, RETRIEVAL_INTENTS: self.all_retrieval_intents}
        with self._storage.write_to(self._resource) as directory:
            write(self._fitted, directory, extra)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> LinearResponseSelector:
        """The trained selector, or an untrained one when nothing was stored."""
        merged = {**cls.get_default_config(), **config}
        try:
            with model_storage.read_from(resource) as directory:
                fitted, stored = read(directory, merged)
        except (ValueError, FileNotFoundError):
            return cls(merged, model_storage, resource)
        return cls(
            merged, model_storage, resource, fitted, stored[RESPONSES], stored[RETRIEVAL_INTENTS]
        )

    def prediction(self, text: str) -> dict[str, Any]:
        """What the ResponseSelector writes under its retrieval intent for one text."""
        ranked = self._fitted.ranking(text, self.config["ranking_length"]) if self._fitted else []
        key, confidence = ranked[0] if ranked else (None, 0.0)
        responses = self.responses.get(intent_response_key_to_template_key(str(key)))
        if key and not responses:
            raise_warning(
                f"Unable to fetch responses for {key} This means that there is likely an "
                f"issue with the training data.Please make sure you have added responses "
                f"for this intent."
            )
            responses = [{TEXT: key}]
        return {
            RESPONSE_SELECTOR_PREDICTION_KEY: {
                RESPONSE_SELECTOR_RESPONSES_KEY: responses,
                PREDICTED_CONFIDENCE_KEY: confidence,
                INTENT_RESPONSE_KEY: key,
                RESPONSE_SELECTOR_UTTER_ACTION_KEY: intent_response_key_to_template_key(str(key)),
            },
            RESPONSE_SELECTOR_RANKING_KEY: [
                {PREDICTED_CONFIDENCE_KEY: score, INTENT_RESPONSE_KEY: name}
                for name, score in ranked
            ],
        }

    def process(self, messages: list[Message]) -> list[Message]:
        """Adds this retrieval intent's prediction to `response_selector` of every message."""
        for message in messages:
            properties = message.get(RESPONSE_SELECTOR_PROPERTY_NAME, {})
            properties[RESPONSE_SELECTOR_RETRIEVAL_INTENTS] = self.all_retrieval_intents
            key = self.retrieval_intent or RESPONSE_SELECTOR_DEFAULT_INTENT
            properties[key] = self.prediction(str(message.get(TEXT) or ""))
            message.set(RESPONSE_SELECTOR_PROPERTY_NAME, properties, add_to_output=True)
        return messages
