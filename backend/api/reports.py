"""`GET /api/reports/<period>`: OJK's monthly or quarterly report as JSON, CSV or XLSX."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json

from backend.api.errors import ApiError, install_error_handlers
from backend.reports.downloads import period_report, report_file
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
