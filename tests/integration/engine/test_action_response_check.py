"""Rasa still refuses a malformed action-server response once the check is compiled once.

Runs Rasa's own `RemoteAction` on the Rasa environment's Python, after what the launcher does
before Rasa starts (engine/rasa_server.py: the timeout, then the compiled response check), and
serves it responses from a small local action server: well-formed ones are taken, every
malformed one is refused with Rasa's ValidationError and its hint, and each verdict equals
that of `jsonschema.validate`, the check Rasa makes without the launcher.
"""

from __future__ import annotations

import json

import pytest

from tests.integration.engine.rasa_script import run_in_rasa

GOOD = {
    "slots and a form": {
        "events": [
            {"event": "slot", "timestamp": None, "name": "requested_slot", "value": "description"},
            {"event": "active_loop", "name": "intake_form"},
        ],
        "responses": [
            {"text": "Ceritakan masalahnya", "buttons": [{"title": "Ya", "payload": "/affirm"}]}
        ],
    },
    "a response by name": {"events": [], "responses": [{"response": "utter_greet"}]},
    "nothing": {"events": [], "responses": []},
}
BAD = {
    "responses not a list": {"events": [], "responses": "Halo"},
    "an event of no kind": {"events": [{"event": "teleport", "name": "x"}], "responses": []},
    "a slot without its name": {"events": [{"event": "slot", "value": 1}], "responses": []},
    "events not a list": {"events": {"event": "slot"}, "responses": []},
    "a response that is text": {"events": [], "responses": ["Halo"]},
    "not an object": ["events"],
}
RUN_REMOTE_ACTIONS = """
import asyncio, json, os, sys
sys.path.insert(0, os.environ["PROJECT_ROOT"])
from engine.rasa_server import action_timeout_seconds, compile_response_check, set_action_timeout

set_action_timeout(action_timeout_seconds(os.environ))
compile_response_check()

import jsonschema
from aiohttp import web
from rasa.core.actions.action import RemoteAction
from rasa.core.channels import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

samples = json.loads(sys.argv[1])

async def main() -> None:
    current = {}
    async def webhook(request):
        return web.json_response(current["response"])
    app = web.Application()
    app.router.add_post("/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    domain = Domain.from_yaml("responses:\\n  utter_greet:\\n  - text: Halo")
    action = RemoteAction("action_sample", EndpointConfig(f"http://127.0.0.1:{port}/webhook"))
    check = RemoteAction._validate_action_result
    verdicts = {"compiled_once": getattr(check, "compiled_once", False)}
    for name, response in samples.items():
        current["response"] = response
        try:
            jsonschema.validate(response, RemoteAction.action_response_format_spec())
            plain = "taken"
        except jsonschema.ValidationError:
            plain = "refused"
        tracker = DialogueStateTracker("sample", domain.slots)
        try:
            events = await action.run(
                CollectingOutputChannel(), TemplatedNaturalLanguageGenerator(domain.responses),
                tracker, domain,
            )
            verdicts[name] = {"rasa": "taken", "plain": plain, "events": len(events)}
        except jsonschema.ValidationError as error:
            hint = "custom-actions" in error.message
            verdicts[name] = {"rasa": "refused", "plain": plain, "hint": hint}
    await runner.cleanup()
    print(json.dumps(verdicts))

asyncio.run(main())
"""


@pytest.fixture(scope="module")
def verdicts() -> dict[str, object]:
    return run_in_rasa(RUN_REMOTE_ACTIONS, json.dumps({**GOOD, **BAD}))


def test_the_launcher_puts_the_compiled_check_in_place(verdicts: dict[str, object]) -> None:
    assert verdicts["compiled_once"] is True


@pytest.mark.parametrize("name", sorted(GOOD))
def test_a_well_formed_response_is_taken(verdicts: dict[str, dict[str, object]], name: str) -> None:
    assert verdicts[name]["rasa"] == verdicts[name]["plain"] == "taken"


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_malformed_response_is_still_refused_with_rasas_hint(
    verdicts: dict[str, dict[str, object]], name: str
) -> None:
    assert verdicts[name] == {"rasa": "refused", "plain": "refused", "hint": True}
