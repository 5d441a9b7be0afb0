"""Helpers of the console tests: agents, a signed-in client, forms with their CSRF token."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from backend.services import accounts
from tests.integration.bot.support import Gateway

PASSWORD = "correct horse battery"
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]*)">')
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]*)"')


async def add_agent(gateway: Gateway, username: str, name: str, role: str) -> int:
    """An agent with PASSWORD, straight through the service; its id."""
    async with gateway.app.ctx.db.session() as session:
        agent = await accounts.create_agent(
            session,
            name=name,
            username=username,
            role=role,
            password=PASSWORD,
            hasher=gateway.app.ctx.passwords,
        )
    return agent.id


def login_token(page: str) -> str:
    """The CSRF token of the login form."""
    found = CSRF_INPUT.search(page)
    assert found, "no CSRF token in the login form"
    return found.group(1)


async def post_login(
    client: httpx.AsyncClient, username: str, password: str, **extra: str
) -> httpx.Response:
    """Fetch the form (its CSRF cookie and field), then post it."""
    form = await client.get("/console/login")
    data = {"username": username, "password": password, "csrf_token": login_token(form.text)}
    data.update(extra)
    return await client.post("/console/login", data=data)


@dataclass
class Console:
    """A signed-in client and its session's CSRF token."""

    client: httpx.AsyncClient
    csrf: str

    async def page(self, path: str) -> httpx.Response:
        return await self.client.get(path, headers={"Accept": "text/html"})

    async def form(self, path: str, data: dict[str, Any] | None = None) -> httpx.Response:
        """POST a form the way the browser does, with the CSRF field."""
        return await self.client.post(path, data={"csrf_token": self.csrf, **(data or {})})


@asynccontextmanager
async def sign_in(gateway: Gateway, username: str, password: str) -> AsyncIterator[Console]:
    """A new client (its own cookies) signed in as `username`."""
    async with httpx.AsyncClient(base_url=str(gateway.client.base_url), timeout=10) as client:
        response = await post_login(client, username, password)
        assert response.status_code == 303, response.text
        queue = await client.get("/console", headers={"Accept": "text/html"})
        found = CSRF_META.search(queue.text)
        assert found, queue.text[:500]
        yield Console(client, found.group(1))
