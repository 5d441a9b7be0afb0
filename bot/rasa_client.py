"""The only HTTP client of the Rasa server: its REST channel, conversation control and status."""

from __future__ import annotations

from typing import Any

import httpx


class RasaUnavailable(RuntimeError):
    """The Rasa server did not answer, or answered with an error."""


class RasaClient:
    """Talks to `rasa run --enable-api` with its auth token."""

    def __init__(
        self,
        base_url: str,
        auth_token: str,
        *,
        timeout: float = 30.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._token = auth_token
        self._http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            timeout=httpx.Timeout(timeout, connect=5.0),
            transport=transport,
        )

    async def send(
        self, sender: str, message: str, metadata: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """Pass one user message to the REST channel and return the bot's answers."""
        body = {"sender": sender, "message": message, "metadata": metadata or {}}
        response = await self._request("POST", "/webhooks/rest/webhook", json=body)
        answers = response.json()
        if not isinstance(answers, list):
            raise RasaUnavailable("the REST channel answered something other than a list")
        return answers

    async def tracker(self, sender: str) -> dict[str, Any]:
        """The conversation's tracker (slots, events), as the HTTP API shows it."""
        response = await self._request(
            "GET", f"/conversations/{sender}/tracker", params={"token": self._token}
        )
        return response.json()

    async def ping(self) -> None:
        """Raise RasaUnavailable unless the server answers and has a model loaded."""
        response = await self._request("GET", "/status", params={"token": self._token})
        if not response.json().get("model_id"):
            raise RasaUnavailable("the Rasa server has no model loaded")

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = await self._http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise RasaUnavailable(f"Rasa server unreachable: {exc.__class__.__name__}") from exc
        if response.status_code >= 400:
            raise RasaUnavailable(f"Rasa server answered {response.status_code}")
        return response
