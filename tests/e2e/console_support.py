"""The agent console in a real browser: accounts made through the CLI, logins, waiting."""

from __future__ import annotations

import secrets
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any, TypeVar

import httpx

from backend.settings import ROOT
from backend.stack import Stack

PASSWORD = "a long console passphrase"
WAIT_MS = 30_000
T = TypeVar("T")


def new_supervisor(stack: Stack) -> str:
    """A supervisor made by the real `create-supervisor` command (password on stdin)."""
    username = f"sup{secrets.token_hex(4)}"
    command = [sys.executable, "-m", "backend.cli", "create-supervisor", "--username", username]
    done = subprocess.run(
        [*command, "--name", "Sari Supervisor"],
        input=PASSWORD + "\n",
        env=stack.env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return username


def log_in(page: Any, base_url: str, username: str, password: str = PASSWORD) -> None:
    """Fill the login form and wait for the queue."""
    page.goto(f"{base_url}/console/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/console", timeout=WAIT_MS)


def new_agent(page: Any, base_url: str, supervisor: str, name: str) -> str:
    """The supervisor creates an agent in the console, then logs out; the agent's username."""
    username = f"agent{secrets.token_hex(4)}"
    log_in(page, base_url, supervisor)
    page.goto(f"{base_url}/console/agents")
    page.fill("input[name=name]", name)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("text=Buat akun")
    page.wait_for_selector("text=Akun dibuat.")
    page.click("text=Keluar")
    page.wait_for_url(f"{base_url}/console/login", timeout=WAIT_MS)
    return username


def agent_made_by_a_supervisor(stack: Stack, browser: Any, name: str) -> str:
    """An agent called `name`, made in the console by a supervisor (made by the CLI); their
    username. Done in a browser context of its own, closed after."""
    context = browser.new_context()
    try:
        return new_agent(context.new_page(), stack.settings.app_url, new_supervisor(stack), name)
    finally:
        context.close()


def eventually(probe: Callable[[], T | None], timeout: float = 30.0) -> T:
    """Call `probe` until it returns something truthy; that value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.25)
    raise AssertionError(f"nothing came within {timeout}s")


def pulled(base_url: str, sender: str, token: str, after: int = 0) -> list[dict[str, Any]]:
    """What the REST pull endpoint has for `sender` after message `after` (with its token)."""
    response = httpx.get(
        f"{base_url}/webhooks/rest/messages/{sender}",
        params={"after": after},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    return response.json()
