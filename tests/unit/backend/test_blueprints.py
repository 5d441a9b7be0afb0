"""Blueprints built one way: each handler runs in one database session, closed after it."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import SimpleNamespace
from typing import Any

import pytest

from backend.blueprints import build_blueprint, get, in_request_session, post


class Sessions:
    """A database whose sessions say whether they are still open."""

    def __init__(self) -> None:
        self.opened: list[dict[str, bool]] = []

    @asynccontextmanager
    async def session(self) -> AsyncIterator[dict[str, bool]]:
        session = {"open": True}
        self.opened.append(session)
        try:
            yield session
        finally:
            session["open"] = False


def request_to(database: Sessions) -> Any:
    return SimpleNamespace(
        app=SimpleNamespace(ctx=SimpleNamespace(db=database)), ctx=SimpleNamespace()
    )


async def test_a_handler_gets_the_request_s_session_which_closes_when_it_returns():
    database = Sessions()
    request = request_to(database)

    async def handler(request: Any, number: str) -> Any:
        return request.ctx.db_session["open"], number

    assert await in_request_session(handler)(request, number="KP-1") == (True, "KP-1")
    assert database.opened == [{"open": False}]


async def test_the_session_closes_when_the_handler_fails():
    database = Sessions()

    async def handler(request: Any) -> Any:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await in_request_session(handler)(request_to(database))
    assert database.opened == [{"open": False}]


def test_a_blueprint_keeps_the_handlers_names_and_routes():
    async def show_case(request: Any) -> Any: ...

    async def upload(request: Any) -> Any: ...

    blueprint = build_blueprint(
        "cases", get("/<n:str>", show_case), post("/up", upload, stream=True), url_prefix="/c"
    )

    routes = {route.handler.__name__: route for route in blueprint._future_routes}
    assert set(routes) == {"show_case", "upload"}
    assert (routes["upload"].uri, routes["upload"].methods, routes["upload"].stream) == (
        "/up",
        frozenset({"POST"}),
        True,
    )
