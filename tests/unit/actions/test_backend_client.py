"""The case API client: auth, idempotency, typed errors and retries (against a mock transport)."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable
from datetime import date

import httpx
import pytest

from actions.backend_client import (
    BackendClient,
    BackendUnavailable,
    CaseNotFound,
    ConversationNotFound,
    InvalidRegisterNumber,
    RequestRejected,
    backend_client,
    tls_context,
)

Handler = Callable[[httpx.Request], httpx.Response]


def client(handler: Handler, retries: int = 2) -> BackendClient:
    return BackendClient(
        "http://app.test/",
        "secret-token",
        retries=retries,
        backoff_seconds=0,
        transport=httpx.MockTransport(handler),
    )


async def test_a_case_is_created_with_the_token_and_the_idempotency_key() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(201, json={"register_number": "KP-2611-00042X"})

    async with client(handler) as api:
        case = await api.create_case({"full_name": "Budi"}, idempotency_key="chat-1:m-1")
    assert case == {"register_number": "KP-2611-00042X"}
    [request] = seen
    assert (request.method, request.url.path) == ("POST", "/api/cases")
    assert request.headers["Authorization"] == "Bearer secret-token"
    assert request.headers["Idempotency-Key"] == "chat-1:m-1"
    assert json.loads(request.content) == {"full_name": "Budi"}


async def test_a_retried_creation_answered_200_gives_back_the_same_case() -> None:
    async with client(lambda r: httpx.Response(200, json={"register_number": "KP-1"})) as api:
        assert await api.create_case({}, "k") == {"register_number": "KP-1"}


async def test_a_server_error_is_retried_and_the_next_answer_used() -> None:
    answers = iter([httpx.Response(503), httpx.Response(201, json={"register_number": "KP-1"})])
    async with client(lambda r: next(answers)) as api:
        assert await api.create_case({}, "k") == {"register_number": "KP-1"}


async def test_connect_errors_are_retried_then_reported_as_unavailable() -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(BackendUnavailable):
        async with client(handler, retries=2) as api:
            await api.get_case("KP-2611-00042X")
    assert calls == 3


async def test_a_refused_case_is_not_retried_and_names_the_field() -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(422, json={"error": "invalid_field", "field": "phone"})

    with pytest.raises(RequestRejected) as refused:
        async with client(handler) as api:
            await api.create_case({}, "k")
    assert (calls, refused.value.field) == (1, "phone")


async def test_an_unknown_case_raises_case_not_found() -> None:
    with pytest.raises(CaseNotFound):
        async with client(lambda r: httpx.Response(404, json={"error": "not_found"})) as api:
            await api.get_case("KP-2611-00042X")


@pytest.mark.parametrize("reason", ["malformed", "mistyped"])
async def test_an_invalid_register_number_says_why(reason: str) -> None:
    body = {"error": "invalid_register_number", "field": "register_number", "reason": reason}
    with pytest.raises(InvalidRegisterNumber) as invalid:
        async with client(lambda r: httpx.Response(422, json=body)) as api:
            await api.get_case("KP-2611-00042Y")
    assert invalid.value.reason == reason


async def test_the_register_number_is_escaped_in_the_path() -> None:
    paths: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        paths.append(request.url.raw_path.decode())
        return httpx.Response(404)

    with pytest.raises(CaseNotFound):
        async with client(handler) as api:
            await api.get_case("KP 2611/00042X")
    assert paths == ["/api/cases/KP%202611%2F00042X"]


async def test_a_rating_is_put_on_the_conversation() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"rating": 4})

    async with client(handler) as api:
        await api.rate_conversation("chat-1", 4)
    assert (seen[0].method, seen[0].url.path) == ("PUT", "/api/conversations/chat-1/rating")
    assert json.loads(seen[0].content) == {"rating": 4}


async def test_rating_an_unknown_conversation_raises_conversation_not_found() -> None:
    with pytest.raises(ConversationNotFound):
        async with client(lambda r: httpx.Response(404)) as api:
            await api.rate_conversation("nobody", 4)


async def test_the_default_client_reads_the_app_url_and_token_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("APP_URL", "http://app.example:9000/")
    monkeypatch.setenv("APP_API_TOKEN", "from-env")
    async with backend_client() as api:
        assert str(api._http.base_url) == "http://app.example:9000"
        assert api._http.headers["Authorization"] == "Bearer from-env"


async def test_a_contact_check_posts_the_chat_and_the_answer() -> None:
    seen: list[httpx.Request] = []
    outcome = {"register_number": "KP-2611-00042X", "verified": False, "checks_left": 4}

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=outcome)

    async with client(handler) as api:
        assert await api.check_contact("KP-2611-00042X", "chat-1", "1234") == outcome
    [request] = seen
    assert (request.method, request.url.path) == ("POST", "/api/cases/KP-2611-00042X/contact-check")
    assert json.loads(request.content) == {"conversation_id": "chat-1", "answer": "1234"}


async def test_a_contact_check_of_an_unknown_or_mistyped_case_raises_as_a_lookup_does() -> None:
    with pytest.raises(CaseNotFound):
        async with client(lambda r: httpx.Response(404, json={"error": "not_found"})) as api:
            await api.check_contact("KP-2611-00042X", "chat-1")
    body = {"error": "invalid_register_number", "field": "register_number", "reason": "mistyped"}
    with pytest.raises(InvalidRegisterNumber):
        async with client(lambda r: httpx.Response(422, json=body)) as api:
            await api.check_contact("KP-2611-00042Y", "chat-1")


async def test_a_refused_rating_names_the_rating_field() -> None:
    refused = {"error": "invalid_field", "field": "rating", "detail": "from 1 to 5"}
    with pytest.raises(RequestRejected) as rejected:
        async with client(lambda r: httpx.Response(422, json=refused)) as api:
            await api.rate_conversation("chat-1", 9)
    assert (rejected.value.status, rejected.value.field) == (422, "rating")


async def test_the_institution_and_the_operating_hours_are_read_from_the_api() -> None:
    answers = {
        "/api/institution": {"key": "kreditpro", "name": "KreditPro"},
        "/api/operating-hours": {"open": False, "next_opening": "2026-11-23T09:00:00+07:00"},
    }
    async with client(lambda r: httpx.Response(200, json=answers[r.url.path])) as api:
        assert await api.institution() == answers["/api/institution"]
        assert await api.operating_hours() == answers["/api/operating-hours"]


async def test_the_facilitation_deadline_is_asked_for_the_response_date() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"response_date": "2026-11-03", "deadline": "2027-01-29"})

    async with client(handler) as api:
        assert await api.facilitation_deadline(date(2026, 11, 3)) == date(2027, 1, 29)
    assert seen[0].url.params["response_date"] == "2026-11-03"


async def test_an_unreadable_facilitation_deadline_is_reported_as_unavailable() -> None:
    with pytest.raises(BackendUnavailable):
        async with client(lambda r: httpx.Response(200, json={"deadline": "soon"})) as api:
            await api.facilitation_deadline(date(2026, 11, 3))


async def test_a_contact_comes_back_normalised_or_none_when_the_api_refuses_it() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        typed = json.loads(request.content)["contact"]
        if typed == "0812-3456-7890":
            return httpx.Response(200, json={"contact": "+6281234567890"})
        return httpx.Response(422, json={"error": "invalid_field", "field": "contact"})

    async with client(handler) as api:
        assert await api.normalise_contact("0812-3456-7890") == "+6281234567890"
        assert await api.normalise_contact("0812") is None


class SlowCaseApi:
    """A case API that answers 503 after `seconds` of a fake clock, recording each attempt."""

    def __init__(self, seconds: float) -> None:
        self.now = 0.0
        self.seconds = seconds
        self.attempts: list[tuple[float, float]] = []  # (started at, the attempt's timeout)

    def clock(self) -> float:
        return self.now

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.attempts.append((self.now, request.extensions["timeout"]["read"]))
        self.now += self.seconds
        return httpx.Response(503)


async def test_a_failing_call_gives_up_when_its_budget_is_spent_not_after_every_retry() -> None:
    api = SlowCaseApi(seconds=4)
    client = BackendClient(
        "http://app.test",
        "secret-token",
        timeout=10,
        retries=5,
        backoff_seconds=0,
        budget_seconds=10,
        transport=httpx.MockTransport(api.handler),
        clock=api.clock,
    )

    with pytest.raises(BackendUnavailable, match="within 10 s"):
        async with client:
            await client.get_case("KP-2611-00042X")

    assert [started for started, _ in api.attempts] == [0, 4, 8]
    assert [timeout for _, timeout in api.attempts] == [10, 6, 2], "no attempt outlives the budget"


async def test_no_retry_starts_when_its_pause_would_outlast_the_budget() -> None:
    api = SlowCaseApi(seconds=1)
    client = BackendClient(
        "http://app.test",
        "secret-token",
        retries=2,
        backoff_seconds=20,
        budget_seconds=10,
        transport=httpx.MockTransport(api.handler),
        clock=api.clock,
    )

    with pytest.raises(BackendUnavailable):
        async with client:
            await client.institution()

    assert len(api.attempts) == 1


async def test_the_default_client_gives_up_on_a_silent_case_api_within_its_budget(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with socket.socket() as silent:  # accepts connections (the kernel does), never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        monkeypatch.setenv("APP_URL", f"http://127.0.0.1:{silent.getsockname()[1]}")
        monkeypatch.setenv("APP_API_TOKEN", "secret-token")
        monkeypatch.setenv("ACTIONS_CASE_API_BUDGET_SECONDS", "0.3")
        started = time.monotonic()
        with pytest.raises(BackendUnavailable, match="ReadTimeout"):
            async with backend_client() as api:
                await api.operating_hours()
        assert time.monotonic() - started < 1.5


def test_clients_share_one_certificate_store_loaded_once() -> None:
    tls_context.cache_clear()
    first, second = backend_client(), backend_client()

    assert tls_context.cache_info().misses == 1, "the CA certificates were read once"
    assert first._http._transport._pool._ssl_context is tls_context()  # type: ignore[attr-defined]
    assert second._http._transport._pool._ssl_context is tls_context()  # type: ignore[attr-defined]
