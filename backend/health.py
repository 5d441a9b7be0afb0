"""`GET /health`: green only when the database, the Rasa server and the action server answer."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import httpx
from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json

from backend.blueprints import build_blueprint, get


async def check(request: Request) -> HTTPResponse:
    """Ask every dependency at once; 503 names those that are down."""
    ctx = request.app.ctx
    probes: dict[str, Callable[[], Awaitable[None]]] = {
        "database": ctx.db.ping,
        "rasa": ctx.rasa.ping,
        "actions": lambda: ping_actions(ctx.http, ctx.settings.actions_url),
    }
    results = await asyncio.gather(
        *(asyncio.wait_for(probe(), timeout=5) for probe in probes.values()),
        return_exceptions=True,
    )
    components = {
        name: "ok" if not isinstance(result, BaseException) else "down"
        for name, result in zip(probes, results, strict=True)
    }
    down = [name for name, state in components.items() if state != "ok"]
    body = {
        "status": "ok" if not down else "down",
        "down": down,
        "components": components,
        "institution": ctx.profile.key,
    }
    return json(body, status=200 if not down else 503)


def health_blueprint() -> Blueprint:
    """The health route, for one app."""
    return build_blueprint("health", get("/health", check))


async def ping_actions(http: httpx.AsyncClient, actions_url: str) -> None:
    """Raise unless the rasa_sdk action server answers its health route."""
    response = await http.get(f"{actions_url}/health")
    response.raise_for_status()
