"""A TCP relay in front of the action server that counts the action calls passing through it.

Rasa is pointed at the relay (ACTIONS_URL); the relay forwards every byte both ways and
counts the requests `POST /webhook` in what Rasa sends (keep-alive connections carry
several). It runs its own event loop in a thread, so it needs nothing of the caller's.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading

REQUEST_LINE = b"POST /webhook"


def count_requests(chunk: bytes, carry: bytes) -> tuple[int, bytes]:
    """Request lines in `carry + chunk`, and the tail to carry into the next chunk."""
    data = carry + chunk
    keep = len(REQUEST_LINE) - 1
    return data.count(REQUEST_LINE), data[-keep:] if len(data) > keep else data


class ActionRelay:
    """Listens on a spare port of 127.0.0.1 and relays to `host:port`."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.calls = 0
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="action-relay", daemon=True)
        self._ready = threading.Event()
        self._server: asyncio.Server | None = None

    def start(self) -> None:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the action relay did not start")

    def stop(self) -> None:
        """Close the listener and the open connections, then the loop and its thread."""
        if self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(5)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(
            asyncio.start_server(self._relay, "127.0.0.1", self.port)
        )
        self._ready.set()
        try:
            self._loop.run_forever()
        finally:
            self._server.close()
            pending = asyncio.all_tasks(self._loop)
            for task in pending:
                task.cancel()
            self._loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            self._loop.run_until_complete(self._server.wait_closed())
            self._loop.close()

    async def _relay(
        self, client_in: asyncio.StreamReader, client_out: asyncio.StreamWriter
    ) -> None:
        try:
            server_in, server_out = await asyncio.open_connection(*self.target)
        except OSError:
            client_out.close()
            return
        await asyncio.gather(
            self._pipe(client_in, server_out, counted=True),
            self._pipe(server_in, client_out, counted=False),
        )

    async def _pipe(
        self, source: asyncio.StreamReader, sink: asyncio.StreamWriter, *, counted: bool
    ) -> None:
        carry = b""
        try:
            while chunk := await source.read(65536):
                if counted:
                    found, carry = count_requests(chunk, carry)
                    self.calls += found
                sink.write(chunk)
                await sink.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            with contextlib.suppress(Exception):
                sink.close()
