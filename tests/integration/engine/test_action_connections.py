"""Rasa calls the action server over connections it keeps open once the launcher prepared it.

Rasa's own `EndpointConfig.request` (what every custom action goes through), on the Rasa
environment's Python, against a small local server that counts the TCP connections it is
given: after the launcher's steps, ten calls arrive on one connection, with Rasa's headers and
answers intact; without them, Rasa opens a connection per call.
"""

from __future__ import annotations

from tests.integration.engine.rasa_script import run_in_rasa

# Slashes, accents, emoji, a line separator and quotes: the body arrives as it was sent.
TEXT = 'Rp 5.000/bulan — "cicilan" é 😀\u2028 \\ selesai'
CALL_TEN_TIMES = """
import asyncio, json, os, sys
sys.path.insert(0, os.environ["PROJECT_ROOT"])
from engine.rasa_server import action_timeout_seconds, keep_action_connections_open
from engine.rasa_server import set_action_timeout

set_action_timeout(action_timeout_seconds(os.environ))
if sys.argv[1] == "launcher":
    keep_action_connections_open()

from aiohttp import web
from rasa.utils.endpoints import EndpointConfig

async def main() -> None:
    peers, headers = set(), []
    async def webhook(request):
        peers.add(request.transport.get_extra_info("peername"))
        headers.append(request.headers.get("X-Deployment"))
        body = await request.json()
        return web.json_response({"events": [], "echo": body["n"], "text": body["text"]})
    app = web.Application()
    app.router.add_post("/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    endpoint = EndpointConfig(
        f"http://127.0.0.1:{port}/webhook", headers={"X-Deployment": "aduan"}
    )
    answers = [
        await endpoint.request(json={"n": n, "text": os.environ["TEXT"]}, method="post")
        for n in range(10)
    ]
    echoes = [answer["echo"] for answer in answers]
    texts = [answer["text"] for answer in answers]
    await runner.cleanup()
    print(json.dumps(
        {"connections": len(peers), "echoes": echoes, "headers": headers, "texts": texts}
    ))

asyncio.run(main())
"""


def ten_calls(how: str) -> dict[str, object]:
    return run_in_rasa(CALL_TEN_TIMES, how, env={"TEXT": TEXT})


def test_after_the_launcher_ten_action_calls_share_one_connection() -> None:
    found = ten_calls("launcher")

    assert found["connections"] == 1
    assert found["echoes"] == list(range(10)), "every call got its own answer, in order"
    assert found["headers"] == ["aduan"] * 10, "the endpoint's headers are still sent"


def test_after_the_launcher_a_request_body_arrives_as_it_was_sent() -> None:
    assert ten_calls("launcher")["texts"] == [TEXT] * 10


def test_without_the_launcher_rasa_opens_a_connection_per_call() -> None:
    assert ten_calls("plain")["connections"] == 10
