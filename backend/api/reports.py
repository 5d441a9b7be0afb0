"""`GET /api/reports/<period>`: OJK's monthly or quarterly report as JSON, CSV or XLSX."""

from __future__ import annotations

import asyncio
from typing import Any

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json, raw

from backend.api.errors import ApiError, install_error_handlers
from backend.reports.build import Report, build_report
from backend.reports.export import (
    CSV_MEDIA_TYPE,
    XLSX_MEDIA_TYPE,
    file_name,
    to_csv,
    to_xlsx,
)
from backend.reports.periods import Period, PeriodError, parse_period

FORMATS = ("json", "csv", "xlsx")


def report_period(text: str) -> Period:
    """The period named in the path; 422 naming `period` otherwise."""
    try:
        return parse_period(text)
    except PeriodError as exc:
        raise ApiError(422, "invalid_field", field="period", detail=str(exc)) from None


def report_format(request: Request) -> str:
    """The `format` query argument (default json); 422 naming `format` otherwise."""
    chosen = request.args.get("format", "json")
    if chosen not in FORMATS:
        raise ApiError(
            422, "invalid_field", field="format", detail=f"must be one of: {', '.join(FORMATS)}"
        )
    return chosen


async def period_report(context: Any, period: Period) -> Report:
    """The report of `period` as of the app's clock now."""
    async with context.db.session() as session:
        return await build_report(
            session,
            period,
            profile=context.profile,
            calendar=context.calendar,
            as_of=context.clock(),
        )


async def report_file(report: Report, chosen: str) -> HTTPResponse:
    """The report as a CSV or XLSX download (the API's and the console's)."""
    # Building a large file takes a while: keep the event loop serving other requests.
    if chosen == "csv":
        content, media_type = await asyncio.to_thread(to_csv, report), CSV_MEDIA_TYPE
    else:
        content, media_type = await asyncio.to_thread(to_xlsx, report), XLSX_MEDIA_TYPE
    return raw(
        content,
        content_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{file_name(report, chosen)}"',
            "X-Content-Type-Options": "nosniff",
        },
    )


async def get_report(request: Request, period: str) -> HTTPResponse:
    """`GET /api/reports/<period>?format=json|csv|xlsx` → the report, or a file to download."""
    parsed, chosen = report_period(period), report_format(request)
    report = await period_report(request.app.ctx, parsed)
    if chosen == "json":
        return json(report.as_dict())
    return await report_file(report, chosen)


def reports_blueprint() -> Blueprint:
    """The report route, relative to the API prefix."""
    blueprint = Blueprint("api_reports", url_prefix="/reports")
    blueprint.add_route(get_report, "/<period:str>", methods=["GET"])
    install_error_handlers(blueprint)
    return blueprint
