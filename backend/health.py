"""Health of one app process, for people, supervisors and load balancers.

- `GET /health`: green (200) only when the database, the Rasa server and the action server
  all answer; 503 names those that are down. For a person or a monitor: is the service up?
- `GET /livez`: 200 while this process serves requests; it asks nothing of anyone. A process
  manager restarts the process when this fails.
- `GET /readyz`: 200 when this process can take traffic, which is when its database answers;
  503 otherwise. The body also reports Rasa and the action server, but they never make it
  503: every replica shares them, so a load balancer would take *all* replicas out while Rasa
  restarts, refusing even what needs no Rasa (the case API, the console, the widget's history).

Each answer names the replica (`replica` in the body, `X-Replica` header): `REPLICA_ID`, or
the host's name.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable

import httpx
from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json

from backend.blueprints import build_blueprint, get

PROBE_TIMEOUT_SECONDS = 5
REPLICA_HEADER = "X-Replica"


async def check(request: Request) -> HTTPResponse:
    """Ask every dependency at once; 503 names those that are down."""
    components = await probe_components(request)
    down = [name for name, state in components.items() if state != "ok"]
    body = {
        "status": "ok" if not down else "down",
        "down": down,
        "components": components,
        "institution": request.app.ctx.profile.key,
        "replica": replica_id(request),
    }
    return answer(request, body, 200 if not down else 503)


async def live(request: Request) -> HTTPResponse:
    """This process serves requests: that is all a liveness probe asks."""
    return answer(request, {"status": "alive", "replica": replica_id(request)}, 200)


async def ready(request: Request) -> HTTPResponse:
    """Ready while the database answers; Rasa and the actions are reported, never decisive."""
    components = await probe_components(request)
    is_ready = components["database"] == "ok"
    body = {
        "status": "ready" if is_ready else "not_ready",
        "components": components,
        "replica": replica_id(request),
    }
    return answer(request, body, 200 if is_ready else 503)


async def probe_components(request: Request) -> dict[str, str]:
    """`ok` or `down` for the database, the Rasa server and the action server, asked at once."""
    ctx = request.app.ctx
    probes: dict[str, Callable[[], Awaitable[None]]] = {
        "database": ctx.db.ping,
        "rasa": ctx.rasa.ping,
        "actions": lambda: ping_actions(ctx.http, ctx.settings.actions_url),
    }
    results = await asyncio.gather(
        *(asyncio.wait_for(probe(), timeout=PROBE_TIMEOUT_SECONDS) for probe in probes.values()),
        return_exceptions=True,
    )
    return {
        name: "ok" if not isinstance(result, BaseException) else "down"
        for name, result in zip(probes, results, strict=True)
    }


def replica_id(request: Request) -> str:
    """The name of this app process among its replicas: REPLICA_ID, or the host's name."""
    return str(request.app.ctx.settings.replica_id or socket.gethostname())


def answer(request: Request, body: dict[str, object], status: int) -> HTTPResponse:
    return json(body, status=status, headers={REPLICA_HEADER: replica_id(request)})


def health_blueprint() -> Blueprint:
    """The health routes, for one app."""
    return build_blueprint(
        "health", get("/health", check), get("/livez", live), get("/readyz", ready)
    )


async def ping_actions(http: httpx.AsyncClient, actions_url: str) -> None:
    """Raise unless the rasa_sdk action server answers its health route."""
    response = await http.get(f"{actions_url}/health")
    response.raise_for_status()
