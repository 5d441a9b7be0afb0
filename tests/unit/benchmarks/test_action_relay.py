"""The relay between Rasa and the action server counts the action calls passing through it."""

from __future__ import annotations

import socket
import threading

from benchmarks.action_relay import ActionRelay, count_requests


def test_requests_are_counted_on_a_keep_alive_stream() -> None:
    stream = b"POST /webhook HTTP/1.1\r\n\r\n{}POST /webhook HTTP/1.1\r\n\r\n{}"
    assert count_requests(stream, b"")[0] == 2


def test_a_request_line_split_between_two_chunks_is_counted_once() -> None:
    found, carry = count_requests(b"...{}POST /web", b"")
    assert found == 0
    found, carry = count_requests(b"hook HTTP/1.1\r\n", carry)
    assert found == 1
    assert count_requests(b"more body", carry)[0] == 0


def echo_server() -> tuple[socket.socket, int]:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()

    def serve() -> None:
        connection, _ = server.accept()
        with connection:
            while data := connection.recv(65536):
                connection.sendall(data)

    threading.Thread(target=serve, daemon=True).start()
    return server, int(server.getsockname()[1])


def test_the_relay_passes_the_bytes_both_ways_and_counts_the_calls() -> None:
    server, port = echo_server()
    relay = ActionRelay("127.0.0.1", port)
    relay.start()
    try:
        with socket.create_connection(("127.0.0.1", relay.port), timeout=5) as client:
            request = b"POST /webhook HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}"
            client.sendall(request)
            received = b""
            while len(received) < len(request):
                received += client.recv(65536)
        assert received == request
        assert relay.calls == 1
    finally:
        relay.stop()
        server.close()
