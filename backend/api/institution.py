"""What the complaint service is and when it works: `GET /api/institution`,
`GET /api/operating-hours` and `GET /api/facilitation-deadline`.

The action server asks these rather than keeping its own copy of the profile, the
working-day calendar or the regulated periods.
"""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json

from backend.blueprints import build_blueprint, get
from backend.domain.deadlines import is_open, next_opening
from backend.domain.handling import FACILITATION_DAYS, facilitation_filing_deadline
from backend.schemas import InstitutionPublic, format_wib, parse_date


async def get_institution(request: Request) -> HTTPResponse:
    """`GET /api/institution` → its key, name, kind, user roles and periods in working days."""
    return json(InstitutionPublic.from_profile(request.app.ctx.profile).as_dict())


async def get_operating_hours(request: Request) -> HTTPResponse:
    """`GET /api/operating-hours` → {"open", "next_opening"}: do agents work now, and when next."""
    now, calendar = request.app.ctx.clock(), request.app.ctx.calendar
    return json(
        {"open": is_open(now, calendar), "next_opening": format_wib(next_opening(now, calendar))}
    )


async def get_facilitation_deadline(request: Request) -> HTTPResponse:
    """`GET /api/facilitation-deadline?response_date=YYYY-MM-DD` → the last day to file with OJK."""
    response_date = parse_date(request.args.get("response_date"), "response_date")
    deadline = facilitation_filing_deadline(response_date, request.app.ctx.calendar)
    return json(
        {
            "response_date": response_date.isoformat(),
            "working_days": FACILITATION_DAYS,
            "deadline": deadline.isoformat(),
        }
    )


def institution_blueprint() -> Blueprint:
    """The service's routes, relative to the API prefix."""
    return build_blueprint(
        "api_institution",
        get("/institution", get_institution),
        get("/operating-hours", get_operating_hours),
        get("/facilitation-deadline", get_facilitation_deadline),
    )
