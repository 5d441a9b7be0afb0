"""How the API's and the console's blueprints are built: one database session per request and
one answer to a refusal, installed here rather than in every route."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from sanic import Blueprint, Request
from sanic.blueprint_group import BlueprintGroup
from sanic.response import HTTPResponse, json

from backend.domain.refusal import Refused

Handler = Callable[..., Awaitable[HTTPResponse | None]]


@dataclass(frozen=True)
class Route:
    """A handler at a path relative to its blueprint, for some methods."""

    uri: str
    handler: Handler
    methods: tuple[str, ...]
    stream: bool = False


def get(uri: str, handler: Handler) -> Route:
    return Route(uri, handler, ("GET",))


def post(uri: str, handler: Handler, *, stream: bool = False) -> Route:
    return Route(uri, handler, ("POST",), stream)


def put(uri: str, handler: Handler) -> Route:
    return Route(uri, handler, ("PUT",))


def build_blueprint(name: str, *routes: Route, url_prefix: str | None = None) -> Blueprint:
    """A fresh blueprint of `routes` for one app; each handler runs in the request's session."""
    blueprint = Blueprint(name, url_prefix=url_prefix)
    for route in routes:
        blueprint.add_route(
            in_request_session(route.handler),
            route.uri,
            methods=list(route.methods),
            stream=route.stream,
        )
    return blueprint


def in_request_session(handler: Handler) -> Handler:
    """The handler with `request.ctx.db_session`, a database session closed when it returns.

    Services commit their own work; what is left uncommitted is rolled back at the end, also
    when the client goes away. A handler that runs long (an event stream) ends each read.
    """

    @wraps(handler)
    async def run(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse | None:
        async with request.app.ctx.db.session() as session:
            request.ctx.db_session = session
            return await handler(request, *args, **kwargs)

    return run


async def answer_refusal(request: Request, exc: Refused) -> HTTPResponse:
    """A refusal as JSON with its status: `{"error", "field", "detail", …}`."""
    return json(exc.body, status=exc.status)


def answer_refusals(group: BlueprintGroup) -> None:
    """Answer every refusal raised in the group's routes the same way."""
    group.exception(Refused)(answer_refusal)
