"""`/console/register` and `/console/search`: complaints by phone, letter, e-mail or walk-in."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, redirect

from backend import services
from backend.blueprints import build_blueprint, get, post
from backend.console.cases import case_url, exact_case_number
from backend.console.render import refusal_text, render
from backend.domain.calendar import WIB
from backend.domain.control_characters import REFUSAL, has_control_characters
from backend.domain.lifecycle import OFFLINE_CHANNELS
from backend.domain.refusal import Refused
from backend.schemas import CaseCreate, InvalidField
from backend.services.case_lookup import search_cases

FIELDS = (
    "channel",
    "received_at",
    "complainant_type",
    "user_role",
    "complaint_type",
    "category",
    "priority",
    "full_name",
    "phone",
    "email",
    "product",
    "description",
)


def _received_at(value: str) -> str | None:
    """A `datetime-local` value (WIB, as agents type it) as ISO 8601 with +07:00."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidField("received_at", "not a date and time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=WIB)
    return moment.isoformat()


def case_body(values: dict[str, str], officer: str) -> dict[str, Any]:
    """The case API's body from the form (empty fields are absent); the officer is the agent."""
    if values.get("channel") not in OFFLINE_CHANNELS:
        raise InvalidField("channel", "must be phone, letter, email or walk_in")
    body: dict[str, Any] = {name: values[name] for name in FIELDS if values.get(name)}
    body["received_at"] = _received_at(values.get("received_at", ""))
    if body["received_at"] is None:
        del body["received_at"]
    body["officer"] = officer
    return body


def register_page(
    request: Request, values: dict[str, str], *, error: str = "", status: int = 200
) -> HTTPResponse:
    return render(
        request,
        "register.html",
        status=status,
        values=values,
        channels=OFFLINE_CHANNELS,
        profile=request.app.ctx.profile,
        idempotency_key=values.get("idempotency_key") or secrets.token_urlsafe(16),
        error=error,
    )


async def show_register(request: Request) -> HTTPResponse:
    """`GET /console/register`: the form for a complaint that came by phone, letter, …."""
    return register_page(request, {})


async def register(request: Request) -> HTTPResponse:
    """`POST /console/register`: open the case (a retried form gives back the same case)."""
    values = {name: (request.form.get(name) or "").strip() for name in (*FIELDS, "idempotency_key")}
    ctx = request.app.ctx
    try:
        data = CaseCreate.from_json(case_body(values, request.ctx.agent.name))
        case, _ = await services.open_case(
            request.ctx.db_session,
            data,
            profile=ctx.profile,
            calendar=ctx.calendar,
            idempotency_key=values["idempotency_key"][:128] or None,
            now=ctx.clock(),
            actor=request.ctx.agent.username,
        )
    except Refused as exc:
        return register_page(request, values, error=refusal_text(exc), status=exc.status)
    return redirect(f"{case_url(case.register_number)}?done=registered", status=303)


async def search(request: Request) -> HTTPResponse:
    """`GET /console/search?q=…`: by register number, name or phone number."""
    query = (request.args.get("q") or "").strip()
    if has_control_characters(query):
        error = f"q: {REFUSAL}"
        return render(request, "search.html", query="", cases=[], error=error, status=422)
    cases = []
    if query:
        number = await exact_case_number(request.ctx.db_session, query)
        if number is not None:  # an exact register number (any case, any dashes) opens the case
            return redirect(case_url(number), status=303)
        cases = list(await search_cases(request.ctx.db_session, query))
    return render(request, "search.html", query=query, cases=cases)


def intake_blueprint() -> Blueprint:
    """The registration and search routes, relative to the console prefix."""
    return build_blueprint(
        "console_intake",
        get("/register", show_register),
        post("/register", register),
        get("/search", search),
    )
