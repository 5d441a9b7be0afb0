"""Rasa's check of action-server responses, with the JSON schema compiled once.

Rasa 3.6 checks every response of the action server against its response schema
(`RemoteAction._validate_action_result`) with `jsonschema.validate(result, schema)`. That
function first checks the schema itself against the meta-schema and builds a new validator,
on every call: about 24 ms per custom action on this machine, more than half of the Rasa
process's CPU under load (issue 14's profile). The schema never changes while Rasa runs, so
`install()` puts in its place a check that uses one validator built and checked once, at
start-up: the same schema, the same refusals, the same error text, about 1 ms.

The launcher (engine/rasa_server.py) calls `install()` before it hands over to Rasa. Runs on
the Rasa environment's Python 3.10; imports Rasa only when called.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

ResponseCheck = Callable[[Any, dict[str, Any]], bool]


def compiled_response_check(schema: dict[str, Any], docs_url: str) -> ResponseCheck:
    """A drop-in `_validate_action_result`: True, or Rasa's ValidationError with its hint."""
    from jsonschema import ValidationError
    from jsonschema.validators import validator_for

    validator_class = validator_for(schema)
    validator_class.check_schema(schema)  # once, here, instead of on every call
    validator = validator_class(schema)

    def validate_action_result(_action: Any, result: dict[str, Any]) -> bool:
        try:
            validator.validate(result)
        except ValidationError as error:
            error.message += (
                ". Failed to validate Action server response from API, "
                "make sure your response from the Action endpoint is valid. "
                f"For more information about the format visit {docs_url}/custom-actions"
            )
            raise
        return True

    validate_action_result.compiled_once = True  # type: ignore[attr-defined]
    return validate_action_result


def install() -> None:
    """Make Rasa's remote actions check their responses with the compiled validator."""
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL

    if getattr(RemoteAction._validate_action_result, "compiled_once", False):
        return
    RemoteAction._validate_action_result = compiled_response_check(  # type: ignore[method-assign]
        RemoteAction.action_response_format_spec(), DOCS_BASE_URL
    )
