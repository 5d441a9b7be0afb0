"""The real stack for end-to-end tests: Rasa, the action server and the app, on spare ports."""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from backend.cli import migrate
from backend.settings import ROOT, Settings
from backend.stack import Stack, rasa_bin
from backend.training import ensure_model


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stack_settings(var_dir: Path, **overrides: Any) -> Settings:
    """Settings of a private stack: its own ports, tokens and SQLite database."""
    rasa_port, actions_port, app_port = _free_port(), _free_port(), _free_port()
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{var_dir / 'app.db'}",
        app_api_token=secrets.token_urlsafe(24),
        rasa_auth_token=secrets.token_urlsafe(24),
        widget_secret=secrets.token_urlsafe(32),
        rasa_url=f"http://127.0.0.1:{rasa_port}",
        actions_url=f"http://127.0.0.1:{actions_port}",
        app_port=app_port,
        var_dir=var_dir,
    )
    return replace(settings, **overrides)


def start_stack(settings: Settings, model: Path) -> Stack:
    """Migrate a fresh database and start a stack on it.

    The migration runs in its own thread: Playwright's sync API keeps an event loop
    running in the test thread while a browser is open.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(migrate, settings).result()
    running = Stack(settings, model)
    running.start()
    return running


@pytest.fixture(scope="session")
def model() -> Path:
    if not rasa_bin().exists():
        if os.environ.get("CI"):
            pytest.fail("the Rasa environment is missing in CI")
        pytest.skip("the Rasa environment is missing: run `make setup`")
    return ensure_model(ROOT, rasa_bin())


@pytest.fixture(scope="session")
def stack(model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """One running stack shared by the end-to-end tests of a session."""
    running = start_stack(stack_settings(tmp_path_factory.mktemp("stack")), model)
    yield running
    running.stop()


class Chat:
    """One customer talking to the gateway's REST channel, clicking buttons like a person."""

    def __init__(self, base_url: str, sender: str) -> None:
        self.base_url = base_url
        self.sender = sender
        self.last: list[dict[str, Any]] = []
        self.token = ""  # the pull token, handed out with the answer that opened the chat

    def say(self, message: str) -> list[dict[str, Any]]:
        response = httpx.post(
            f"{self.base_url}/webhooks/rest/webhook",
            json={"sender": self.sender, "message": message},
            timeout=60,
        )
        assert response.status_code == 200, response.text
        self.token = response.headers.get("X-Conversation-Token") or self.token
        self.last = response.json()
        return self.last

    def click(self, title: str) -> list[dict[str, Any]]:
        """Send the payload of the button whose title contains `title` (case-insensitive)."""
        buttons = [b for m in self.last for b in m.get("buttons") or []]
        chosen = [b for b in buttons if title.lower() in b["title"].lower()]
        assert chosen, f"no button like {title!r} in {buttons}"
        return self.say(chosen[0]["payload"])

    @property
    def texts(self) -> str:
        return "\n".join(m.get("text") or "" for m in self.last)


@pytest.fixture
def chat(stack: Stack) -> Chat:
    return Chat(stack.settings.app_url, f"e2e-{secrets.token_hex(6)}")


@pytest.fixture
def api(stack: Stack) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {stack.settings.app_api_token}"}
    with httpx.Client(base_url=stack.settings.app_url, headers=headers, timeout=30) as client:
        yield client


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """A real headless Chromium (Debian's package) driven by Playwright."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing in CI: `make test` installs the Debian package")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser context and page per test (its own storage and cookies)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    yield opened
    context.close()
