"""The widget signs its tokens with a key of its own (WIDGET_SECRET) and they expire; an active
visitor gets a fresh one at each connect; production refuses to run without the key."""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from backend.cli import init_env
from backend.settings import Settings, SettingsError
from backend.stack import Stack
from tests.integration.bot.support import Gateway
from tests.integration.bot.web_support import base_url, open_widget

API_KEY_LABEL = b"aduan web widget\x00"


def signed_with_the_api_token(api_token: str, message: str) -> str:
    """What someone who knows APP_API_TOKEN could sign (the key the widget used to derive)."""
    key = hashlib.sha256(API_KEY_LABEL + api_token.encode()).digest()
    digest = hmac.new(key, message.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


async def visitor_session(web: Gateway) -> tuple[str, str]:
    async with open_widget(base_url(web)) as widget:
        await widget.hello()
    return widget.conversation_id, widget.token


async def transcript_status(web: Gateway, conversation_id: str, token: str) -> int:
    answer = await web.client.get(
        f"/webhooks/web/conversations/{conversation_id}/transcript",
        headers={"X-Widget-Token": token},
    )
    return answer.status_code


def at(web: Gateway, moment: datetime) -> None:
    web.app.ctx.clock = lambda: moment


async def test_a_token_forged_with_the_api_token_opens_no_widget_chat(web: Gateway) -> None:
    conversation_id, _ = await visitor_session(web)
    api_token = web.app.ctx.settings.app_api_token
    expires = int((datetime.now(UTC) + timedelta(days=1)).timestamp())
    signed_expiry = signed_with_the_api_token(api_token, conversation_id + f"\x00{expires}")
    forged = [signed_with_the_api_token(api_token, conversation_id), f"{expires}.{signed_expiry}"]

    for token in forged:
        assert await transcript_status(web, conversation_id, token) == 403
        async with open_widget(base_url(web)) as widget:
            session = await widget.hello(conversation_id=conversation_id, token=token)
        assert session["resumed"] is False
        assert session["conversation_id"] != conversation_id


async def test_an_expired_token_is_refused_like_a_wrong_one(web: Gateway) -> None:
    start = datetime.now(UTC)
    at(web, start)
    conversation_id, token = await visitor_session(web)

    at(web, start + timedelta(days=31))
    status = await transcript_status(web, conversation_id, token)
    async with open_widget(base_url(web)) as widget:
        session = await widget.hello(conversation_id=conversation_id, token=token)

    assert status == 403
    assert session["resumed"] is False


async def test_a_visitor_who_comes_back_gets_a_fresh_token_and_keeps_the_chat(web: Gateway) -> None:
    start = datetime.now(UTC)
    at(web, start)
    conversation_id, first = await visitor_session(web)

    at(web, start + timedelta(days=20))
    async with open_widget(base_url(web)) as widget:
        session = await widget.hello(conversation_id=conversation_id, token=first)
    at(web, start + timedelta(days=40))

    assert session["resumed"] is True
    assert session["token"] != first
    assert await transcript_status(web, conversation_id, session["token"]) == 200
    assert await transcript_status(web, conversation_id, first) == 403


@pytest.mark.parametrize("secret", ["", "change-me", "short-widget-key"])
def test_production_refuses_a_missing_or_short_widget_secret(
    settings: Settings, secret: str
) -> None:
    production = replace(
        settings,
        environment="production",
        app_api_token="a" * 32,
        rasa_auth_token="r" * 32,
        widget_secret=secret,
    )

    with pytest.raises(SettingsError, match="WIDGET_SECRET"):
        production.validate()


def test_init_env_adds_a_missing_widget_secret_and_keeps_every_other_line(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    original = "# mine\nAPP_API_TOKEN=mine\nRASA_AUTH_TOKEN=ours\nAPP_PORT=8123"
    path.write_text(original)

    init_env(path)

    text = path.read_text()
    assert text.startswith(original + "\n")
    assert len(Settings.from_env({}, env_file=path).widget_secret) >= 32


def test_the_stack_hands_the_widget_secret_to_the_app(settings: Settings) -> None:
    stack = Stack(replace(settings, widget_secret="w" * 40), Path("model.tar.gz"))

    assert stack.env["WIDGET_SECRET"] == "w" * 40
