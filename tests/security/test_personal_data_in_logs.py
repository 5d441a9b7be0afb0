"""Logs keep no NIK, card, account or phone numbers: the app's and the action server's entry
points mask every record, the chat ids (phone numbers) the actions log included."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.backend_client import BackendClient, BackendUnavailable
from actions.cases import ActionSubmitIntake
from actions.forms import ValidateIntakeForm
from actions.handoff import ActionHandoff
from actions.rating import ActionSaveRating
from backend import cli
from tests.unit.actions.fakes import FakeBackend, tracker
from tests.unit.actions.test_cases import CONFIRMED

PHONE_CHAT = "whatsapp-6281234567890"
NIK = "3201012345670001"
CARD = "4111 1111 1111 1111"
SECRETS = ("6281234567890", NIK, CARD)


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    """What a handler of the process writes (like var/logs/*.log), filters removed afterwards."""
    output = io.StringIO()
    handler = logging.StreamHandler(output)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    yield output
    root.removeHandler(handler)
    for logger in [root, *logging.Logger.manager.loggerDict.values()]:
        for each in getattr(logger, "handlers", []):
            each.filters = [f for f in each.filters if type(f).__name__ != "PersonalDataFilter"]
    if logging.lastResort is not None:
        logging.lastResort.filters = []


def log_with_personal_data(name: str) -> None:
    """What a careless log line could hold: a chat id, a NIK, and a traceback with a card."""
    logger = logging.getLogger(name)
    logger.warning("message of %s: NIK %s", PHONE_CHAT, NIK)
    try:
        raise ValueError(f"card {CARD} refused")
    except ValueError:
        logger.exception("delivery to %s failed", PHONE_CHAT)


class FakeApp:
    """Stands in for the Sanic app: `run` logs as a request handler would."""

    def __init__(self) -> None:
        self.listeners: list[tuple[Any, str]] = []

    def register_listener(self, listener: Any, event: str) -> None:
        self.listeners.append((listener, event))

    def run(self, **options: Any) -> None:
        log_with_personal_data("backend.services.live_chat")


def test_the_app_server_masks_personal_data_in_every_log_record(
    log_output: io.StringIO, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    monkeypatch.setattr("backend.app.create_app", lambda settings: FakeApp())
    settings = type("S", (), {"app_host": "127.0.0.1", "app_port": 0, "var_dir": tmp_path})()

    cli.serve(settings)  # type: ignore[arg-type]

    written = log_output.getvalue()
    assert "whatsapp-*********7890" in written and "************0001" in written
    assert "**** **** **** 1111" in written and "Traceback" in written
    assert not any(secret in written for secret in SECRETS)


@pytest.fixture
def action_server_logs(log_output: io.StringIO, monkeypatch: pytest.MonkeyPatch) -> io.StringIO:
    """What the action server's log handlers write, set up as its entry point sets them up."""
    monkeypatch.setattr(
        "rasa_sdk.endpoint.create_app_for_serve", lambda executor, endpoints: FakeApp()
    )
    cli.action_server_app(object(), "endpoints.yml")  # type: ignore[arg-type]
    return log_output


def test_the_action_server_masks_personal_data_in_every_log_record(
    log_output: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        "rasa_sdk.endpoint.create_app_for_serve", lambda executor, endpoints: FakeApp()
    )

    app = cli.action_server_app(object(), "endpoints.yml")  # type: ignore[arg-type]
    app.run()

    written = log_output.getvalue()
    assert "whatsapp-*********7890" in written
    assert not any(secret in written for secret in SECRETS)


async def test_a_case_that_cannot_be_registered_is_logged_without_the_phone(
    action_server_logs: io.StringIO,
) -> None:
    backend = FakeBackend()
    backend.failure = BackendUnavailable(f"POST /api/cases for {PHONE_CHAT}: HTTP 503")

    await ActionSubmitIntake(backend).run(
        CollectingDispatcher(), tracker(CONFIRMED, sender_id=PHONE_CHAT), {}
    )

    written = action_server_logs.getvalue()
    assert "could not register the case" in written
    assert "6281234567890" not in written


async def test_a_failed_handoff_is_logged_without_the_phone(
    action_server_logs: io.StringIO,
) -> None:
    backend = FakeBackend()
    backend.failure = BackendUnavailable("down")

    await ActionHandoff(backend).run(
        CollectingDispatcher(), tracker(intent="request_human", sender_id=PHONE_CHAT), {}
    )

    written = action_server_logs.getvalue()
    assert "could not hand" in written
    assert "6281234567890" not in written


async def test_a_rating_that_cannot_be_stored_is_logged_without_the_phone(
    action_server_logs: io.StringIO,
) -> None:
    backend = FakeBackend()
    backend.failure = BackendUnavailable("down")

    await ActionSaveRating(backend).run(
        CollectingDispatcher(), tracker(text="5", intent="rate", sender_id=PHONE_CHAT), {}
    )

    written = action_server_logs.getvalue()
    assert "could not store the rating" in written
    assert "6281234567890" not in written


async def test_a_retried_case_api_call_is_logged_without_the_chat_id_in_its_path(
    action_server_logs: io.StringIO,
) -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(503))
    client = BackendClient(
        "http://backend.test", "token", retries=1, backoff_seconds=0, transport=transport
    )

    async with client:
        with pytest.raises(BackendUnavailable):
            await client.request_handoff(PHONE_CHAT, "requested", "whatsapp")

    written = action_server_logs.getvalue()
    assert "case API POST" in written
    assert "6281234567890" not in written


async def test_a_contact_that_cannot_be_normalised_is_logged_without_it(
    action_server_logs: io.StringIO,
) -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(503))
    form = ValidateIntakeForm(
        lambda: BackendClient("http://backend.test", "t", retries=0, transport=transport)
    )

    await form.validate_contact(
        "0812-3456-7890", CollectingDispatcher(), tracker(text="0812-3456-7890"), {}
    )

    written = action_server_logs.getvalue()
    assert "could not normalise a contact" in written
    assert "3456" not in written
