"""The one refusal type: a request the app will not carry out, and the status it answers with.

Every surface (the case API, the console, later the channels) answers a refusal the same
way, so the mapping of errors to statuses lives here, with the errors, and nowhere else.
This module imports nothing of the project: the domain's own errors are refusals too.
"""

from __future__ import annotations

from typing import Any


class Refused(Exception):
    """A refusal: `error` a stable code, `field` what is at fault (or None), `detail` why.

    `status` is the HTTP status every surface answers with; a subclass sets its own `status`
    and `error`. A `reason` (a stable code within the error) and anything else the refusal
    carries (the allowed values, …) go into the answer's body too.
    """

    status: int = 422
    error: str = "invalid_field"

    def __init__(
        self,
        detail: str,
        *,
        field: str | None = None,
        reason: str | None = None,
        status: int | None = None,
        error: str | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(f"{field}: {detail}" if field else detail)
        self.detail = detail
        self.field = field
        self.reason = reason
        if status is not None:
            self.status = status
        if error is not None:
            self.error = error
        self.extra = extra

    @property
    def body(self) -> dict[str, Any]:
        """The JSON answer: `{"error", "field", "detail"}` and anything the refusal adds."""
        body: dict[str, Any] = {"error": self.error, "field": self.field, "detail": self.detail}
        if self.reason is not None:
            body["reason"] = self.reason
        return body | self.extra


class NotFound(Refused, LookupError):
    """Nothing has the key the request names; `what` says what was looked for."""

    status = 404
    error = "not_found"
    what = "record"

    def __init__(self, key: object = None) -> None:
        super().__init__(f"no such {self.what}")
        self.key = key
