"""The only HTTP client of the WhatsApp Cloud API: POST /{phone_number_id}/messages."""

from __future__ import annotations

from typing import Any

import httpx

from backend.services.ports import DeliveryFailed
from bot.masking import mask_digits


class WhatsAppApiError(DeliveryFailed):
    """The Graph API refused a message or did not answer; `status` and `code` say how."""

    def __init__(self, detail: str, *, status: int | None = None, code: int | None = None) -> None:
        # A 4xx other than 429 (throttled) refuses this very request: sending it again
        # cannot succeed. A 5xx, a timeout or no answer may pass on a later try.
        permanent = status is not None and 400 <= status < 500 and status != 429
        super().__init__(detail, permanent=permanent)
        self.status = status
        self.code = code


class WhatsAppClient:
    """Sends messages with the access token, one request each.

    It does not retry: the outbox retries a failed message with backoff. (A request whose
    answer timed out may have been sent by Meta all the same.)
    """

    def __init__(
        self,
        base_url: str,
        phone_number_id: str,
        access_token: str,
        *,
        timeout: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._path = f"/{phone_number_id}/messages"
        self._http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            headers={"Authorization": f"Bearer {access_token}"},
            timeout=httpx.Timeout(timeout, connect=5.0),
            transport=transport,
        )

    async def send(self, message: dict[str, Any]) -> str:
        """Post one message; its WhatsApp message id (`wamid.…`), or WhatsAppApiError."""
        try:
            response = await self._http.post(self._path, json=message)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise WhatsAppApiError(f"Graph API unreachable: {type(exc).__name__}") from exc
        except httpx.HTTPError as exc:
            raise WhatsAppApiError(f"Graph API did not answer: {type(exc).__name__}") from exc
        return _message_id(response)

    async def aclose(self) -> None:
        await self._http.aclose()


def _message_id(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        body = None
    if response.status_code >= 400 or not isinstance(body, dict):
        error = body.get("error") if isinstance(body, dict) else None
        error = error if isinstance(error, dict) else {}
        detail = mask_digits(str(error.get("message") or "no error message"))
        raise WhatsAppApiError(
            f"Graph API answered {response.status_code}: {detail}",
            status=response.status_code,
            code=error.get("code") if isinstance(error.get("code"), int) else None,
        )
    try:
        return str(body["messages"][0]["id"])
    except (KeyError, IndexError, TypeError):
        raise WhatsAppApiError("Graph API answered without a message id") from None
