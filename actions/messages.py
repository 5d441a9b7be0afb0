"""The message catalogue of the custom actions: every text they send, in Indonesian and English.

`actions/messages/{id,en}.yml` hold one entry per message id: a `text` (a string.Template:
`$institution_name`, `${register_number}`) with optional `buttons`, or one such variation
per institution kind (`p2p:` / `bank:`). Responses that rules and stories send stay in
domain.yml; what only the actions send lives here, so `rasa data validate` has nothing
unused to warn about. The id of each message travels as `message_key` in the bot event's
metadata (as Rasa's own `utter_action` does), never to the channel.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from string import Template
from typing import Any

import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import DEFAULT_LANGUAGE, LANGUAGES, language_of

DIRECTORY = Path(__file__).resolve().parent / "messages"
KINDS = ("p2p", "bank")
DEFAULT_KIND = "p2p"

PAYLOAD = re.compile(r"^/(?P<intent>[\w-]+)(?P<entities>\{.*\})?$", re.DOTALL)

Message = dict[str, Any]


class UnknownMessage(KeyError):
    """No message with this id in the catalogue."""


@lru_cache(maxsize=len(LANGUAGES))
def catalogue(language: str) -> Mapping[str, Any]:
    """The messages of one language, read on first use."""
    name = language if language in LANGUAGES else DEFAULT_LANGUAGE
    return yaml.safe_load((DIRECTORY / f"{name}.yml").read_text(encoding="utf-8"))


def variation(key: str, language: str = DEFAULT_LANGUAGE, kind: str = DEFAULT_KIND) -> Message:
    """The raw entry `key` for this language and institution kind (not yet filled in)."""
    entry = catalogue(language).get(key)
    if entry is None:
        raise UnknownMessage(key)
    if "text" not in entry:
        entry = entry.get(kind if kind in KINDS else DEFAULT_KIND)
        if entry is None:
            raise UnknownMessage(f"{key} ({kind})")
    return entry


def render(
    key: str, language: str = DEFAULT_LANGUAGE, kind: str = DEFAULT_KIND, **params: Any
) -> Message:
    """The message `key` with its placeholders filled: `{"text": ..., "buttons": [...]}`."""
    entry = variation(key, language, kind)
    message: Message = {"text": Template(entry["text"]).substitute(params).strip()}
    if entry.get("buttons"):
        message["buttons"] = [
            {"title": Template(b["title"]).substitute(params), "payload": b["payload"]}
            for b in entry["buttons"]
        ]
    return message


def text(
    key: str, language: str = DEFAULT_LANGUAGE, kind: str = DEFAULT_KIND, **params: Any
) -> str:
    """Only the text of the message `key`."""
    return str(render(key, language, kind, **params)["text"])


def conversation_params(tracker: Tracker) -> dict[str, str]:
    """The language, institution kind and name of this conversation (from the session slots)."""
    return {
        "language": language_of(tracker),
        "kind": str(tracker.get_slot("institution_kind") or DEFAULT_KIND),
        "institution_name": str(tracker.get_slot("institution_name") or ""),
    }


def say(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    key: str,
    *,
    buttons: list[dict[str, str]] | None = None,
    **params: Any,
) -> None:
    """Send the message `key` in the conversation's language; extra `buttons` go after its own."""
    conversation = conversation_params(tracker)
    language, kind = conversation.pop("language"), conversation.pop("kind")
    message = render(key, language, kind, **{**conversation, **params})
    all_buttons = [*(message.get("buttons") or []), *(buttons or [])]
    dispatcher.utter_message(text=message["text"], buttons=all_buttons or None, message_key=key)


def button_label(
    key: str, entity: str, value: Any, language: str = DEFAULT_LANGUAGE, kind: str = DEFAULT_KIND
) -> str | None:
    """The title of the button of message `key` whose payload sets `entity` to `value`."""
    for button in variation(key, language, kind).get("buttons") or []:
        if payload_entities(str(button["payload"])).get(entity) == value:
            return str(button["title"])
    return None


def payload_entities(payload: str) -> dict[str, Any]:
    """The entities a button payload such as `/inform{"priority":"high"}` sets."""
    found = PAYLOAD.match(payload.strip())
    if found is None or not found.group("entities"):
        return {}
    try:
        entities = json.loads(found.group("entities"))
    except ValueError:
        return {}
    return entities if isinstance(entities, dict) else {}
