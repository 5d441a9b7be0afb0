"""The only HTTP client of the case API (the app server) used by the custom actions.

What the actions log here and elsewhere is masked by the action server's entry point (see
`actions/__init__.py`), chat ids and paths included.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import time
from collections.abc import Callable
from datetime import date
from functools import cache
from types import TracebackType
from typing import Any
from urllib.parse import quote

import httpx

from actions.settings import get_settings

logger = logging.getLogger(__name__)

JSON = dict[str, Any]


class BackendError(Exception):
    """The case API could not do what was asked."""


class BackendUnavailable(BackendError):
    """The case API did not answer, or kept failing after the retries."""


class CaseNotFound(BackendError):
    """No case has this register number."""


class ConversationNotFound(BackendError):
    """The app server knows no conversation with this id."""


class InvalidRegisterNumber(BackendError):
    """The register number is malformed or mistyped (its check character does not match)."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"invalid register number: {reason}")
        self.reason = reason


class RequestRejected(BackendError):
    """The case API refused the request (4xx); `field` names the culprit when it says so."""

    def __init__(self, status: int, field: str | None, detail: str) -> None:
        super().__init__(f"{status} on field {field!r}: {detail}")
        self.status = status
        self.field = field


class BackendClient:
    """Calls the case API with a bearer token, timeouts and retries on connect errors and 5xx.

    Each call, all its attempts and the pauses between them included, ends within
    `budget_seconds`: an attempt gets at most what is left of it, and no retry starts that
    could not finish in time. Rasa waits for the action longer than that (the timeout chain
    in backend/timeouts.py).
    """

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        timeout: float = 10.0,
        retries: int = 2,
        backoff_seconds: float = 0.5,
        budget_seconds: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._retries = retries
        self._backoff_seconds = backoff_seconds
        self._budget_seconds = budget_seconds
        self._timeout = timeout
        self._clock = clock
        self._http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            headers={"Authorization": f"Bearer {token}"},
            timeout=httpx.Timeout(timeout, connect=min(timeout, 3.0)),
            transport=transport,
            verify=tls_context(),
        )

    @property
    def budget_seconds(self) -> float:
        """The most one call may take, its retries and pauses included."""
        return self._budget_seconds

    async def __aenter__(self) -> BackendClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    async def create_case(self, case: JSON, idempotency_key: str) -> JSON:
        """Register a case; the same idempotency key always gives back the same case."""
        response = await self._request(
            "POST", "/api/cases", json=case, headers={"Idempotency-Key": idempotency_key}
        )
        if response.status_code in (200, 201):
            return _json(response)
        raise _rejection(response)

    async def get_case(self, register_number: str) -> JSON:
        """The case with this register number; CaseNotFound or InvalidRegisterNumber otherwise."""
        response = await self._request("GET", f"/api/cases/{quote(register_number, safe='')}")
        return _case_answer(response, register_number)

    async def check_contact(
        self, register_number: str, conversation_id: str, answer: str | None = None
    ) -> JSON:
        """May this chat read the case? {"verified", "asks_for", "checks_left", "case"}."""
        response = await self._request(
            "POST",
            f"/api/cases/{quote(register_number, safe='')}/contact-check",
            json={"conversation_id": conversation_id, "answer": answer},
        )
        return _case_answer(response, register_number)

    async def rate_conversation(self, conversation_id: str, rating: int) -> None:
        """Store the customer's rating; RequestRejected naming `rating` if the API refuses it."""
        response = await self._request(
            "PUT",
            f"/api/conversations/{quote(conversation_id, safe='')}/rating",
            json={"rating": rating},
        )
        if response.status_code == 200:
            return
        if response.status_code == 404:
            raise ConversationNotFound(conversation_id)
        raise _rejection(response)

    async def request_handoff(
        self, conversation_id: str, reason: str, channel: str, draft: JSON | None = None
    ) -> JSON:
        """Queue the chat for an agent, with the intake's answers so far as a `draft` if any:
        {"handed_off", "open", "next_opening", "draft_kept", "conversation"}."""
        body: JSON = {"reason": reason, "channel": channel}
        if draft:
            body["draft"] = draft
        response = await self._request(
            "POST", f"/api/conversations/{quote(conversation_id, safe='')}/handoff", json=body
        )
        if response.status_code == 200:
            return _json(response)
        raise _rejection(response)

    async def institution(self) -> JSON:
        """The institution the app serves: {"key", "name", "kind", "roles", "…_days"}."""
        return _ok(await self._request("GET", "/api/institution"))

    async def operating_hours(self) -> JSON:
        """{"open", "next_opening"}: whether agents work now, and when they work next."""
        return _ok(await self._request("GET", "/api/operating-hours"))

    async def facilitation_deadline(self, response_date: date) -> date:
        """The last day to file with OJK after a response letter of `response_date`."""
        response = await self._request(
            "GET",
            "/api/facilitation-deadline",
            params={"response_date": response_date.isoformat()},
        )
        deadline = _ok(response).get("deadline")
        try:
            return date.fromisoformat(str(deadline))
        except ValueError:
            raise BackendUnavailable(f"unreadable facilitation deadline {deadline!r}") from None

    async def normalise_contact(self, contact: str) -> str | None:
        """The phone (+62…) or e-mail as cases keep it; None when it is neither."""
        response = await self._request("POST", "/api/contacts/normalise", json={"contact": contact})
        if response.status_code == 422 and _json_or_empty(response).get("field") == "contact":
            return None
        normalised = _ok(response).get("contact")
        if not isinstance(normalised, str) or not normalised:
            raise BackendUnavailable("the contact came back empty")
        return normalised

    async def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """Send once, and again after connect errors, timeouts and 5xx answers, within budget."""
        attempts = self._retries + 1
        deadline = self._clock() + self._budget_seconds
        attempt = 0
        problem = "no time left"
        while attempt < attempts:
            left = deadline - self._clock()
            if left <= 0:
                break
            attempt += 1
            try:
                response = await self._http.request(
                    method, path, timeout=_attempt_timeout(min(self._timeout, left)), **kwargs
                )
            except httpx.TransportError as exc:
                problem = f"{exc.__class__.__name__}"
            else:
                if response.status_code < 500:
                    return response
                problem = f"HTTP {response.status_code}"
            logger.warning("case API %s %s failed (%s), attempt %d", method, path, problem, attempt)
            pause = self._backoff_seconds * attempt
            if attempt < attempts and deadline - self._clock() > pause:
                await asyncio.sleep(pause)
            else:
                break
        raise BackendUnavailable(
            f"{method} {path}: {problem} after {attempt} attempt(s) "
            f"within {self._budget_seconds:g} s"
        )


ClientFactory = Callable[[], BackendClient]


@cache
def tls_context() -> ssl.SSLContext:
    """The system's certificate store, loaded once per process.

    httpx builds a new context for every client unless given one, loading every CA
    certificate again: more than half of the action server's time under load, as the actions
    open a client per call (issue 14's profile).
    """
    return ssl.create_default_context()


def backend_client() -> BackendClient:
    """A client configured from the settings; actions call this, tests pass their own factory."""
    settings = get_settings()
    return BackendClient(
        settings.app_url,
        settings.app_api_token,
        timeout=settings.http_timeout_seconds,
        budget_seconds=settings.case_api_budget_seconds,
    )


def _attempt_timeout(seconds: float) -> httpx.Timeout:
    """One attempt's timeout: `seconds` in all, of which at most 3 to connect."""
    return httpx.Timeout(seconds, connect=min(seconds, 3.0))


def _ok(response: httpx.Response) -> JSON:
    """The JSON object of a 200 answer; a rejection otherwise."""
    if response.status_code == 200:
        return _json(response)
    raise _rejection(response)


def _json(response: httpx.Response) -> JSON:
    body = _json_or_empty(response)
    if not body:
        raise BackendUnavailable(f"HTTP {response.status_code} without a JSON object")
    return body


def _json_or_empty(response: httpx.Response) -> JSON:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _case_answer(response: httpx.Response, register_number: str) -> JSON:
    """The JSON of a 200 about one case; CaseNotFound, InvalidRegisterNumber or a rejection."""
    if response.status_code == 200:
        return _json(response)
    if response.status_code == 404:
        raise CaseNotFound(register_number)
    body = _json_or_empty(response)
    if response.status_code == 422 and body.get("error") == "invalid_register_number":
        raise InvalidRegisterNumber(str(body.get("reason") or "malformed"))
    raise _rejection(response)


def _rejection(response: httpx.Response) -> BackendError:
    body = _json_or_empty(response)
    return RequestRejected(
        response.status_code, body.get("field"), str(body.get("detail") or body.get("error"))
    )
