"""Rasa's calls to the action server over connections kept open.

Rasa 3.6 opens a new `aiohttp.ClientSession` for every request of an endpoint
(`EndpointConfig.request`: `async with self.session()`), so each custom action costs a new TCP
connection to the action server, and a form's turn makes two or three: in issue 14's profile,
connecting was about a tenth of the Rasa process's busy time. `install()` gives those sessions
one connection pool per event loop, which they share and do not close, so the connections stay
open between calls (for at most `KEEPALIVE_SECONDS` idle, well under the action server's and
HAProxy's own keep-alive). Headers, authentication and the timeout stay Rasa's.

The request bodies (the whole tracker, on every call) are written with ujson, which Rasa
already depends on, instead of the standard library's encoder: in the second profile that
encoding was a tenth of Rasa's busy time. A value ujson cannot write goes to `json.dumps`,
which then writes it or refuses it as before.

The launcher (engine/rasa_server.py) calls `install()` after it set the action timeout. Runs
on the Rasa environment's Python 3.10.
"""

from __future__ import annotations

import asyncio
import json
import weakref
from typing import Any

KEEPALIVE_SECONDS = 4.0
CONNECTIONS_PER_HOST = 64

_pools: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Any] = weakref.WeakKeyDictionary()


def shared_pool() -> Any:
    """The running loop's connection pool (an aiohttp TCPConnector), made on first use."""
    import aiohttp

    loop = asyncio.get_running_loop()
    pool = _pools.get(loop)
    if pool is None or pool.closed:
        pool = aiohttp.TCPConnector(
            limit_per_host=CONNECTIONS_PER_HOST, keepalive_timeout=KEEPALIVE_SECONDS
        )
        _pools[loop] = pool
    return pool


def request_json(value: Any) -> str:
    """The JSON text of a request body: ujson's, or the standard library's if ujson refuses."""
    import ujson

    try:
        return str(ujson.dumps(value, ensure_ascii=True, escape_forward_slashes=False))
    except (TypeError, OverflowError, ValueError):
        return json.dumps(value)


def session_on_shared_pool(endpoint: Any) -> Any:
    """Rasa's `EndpointConfig.session`, on the shared pool that closing the session keeps."""
    import aiohttp
    import rasa.utils.endpoints as endpoints

    auth = None
    if endpoint.basic_auth:
        auth = aiohttp.BasicAuth(endpoint.basic_auth["username"], endpoint.basic_auth["password"])
    return aiohttp.ClientSession(
        headers=endpoint.headers,
        auth=auth,
        timeout=aiohttp.ClientTimeout(total=endpoints.DEFAULT_REQUEST_TIMEOUT),
        connector=shared_pool(),
        connector_owner=False,
        json_serialize=request_json,
    )


def install() -> None:
    """Make every endpoint's requests in this process share kept-open connections."""
    from rasa.utils.endpoints import EndpointConfig

    EndpointConfig.session = session_on_shared_pool  # type: ignore[method-assign]
