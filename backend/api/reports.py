"""`GET /api/reports/<period>`: OJK's monthly or quarterly report as JSON, CSV or XLSX."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json

from backend.blueprints import build_blueprint, get
from backend.domain.refusal import Refused
from backend.reports.download import period_report, report_file
from backend.reports.periods import parse_period

FORMATS = ("json", "csv", "xlsx")


def report_format(request: Request) -> str:
    """The `format` query argument (default json); 422 naming `format` otherwise."""
    chosen = request.args.get("format", "json")
    if chosen not in FORMATS:
        raise Refused(f"must be one of: {', '.join(FORMATS)}", field="format")
    return chosen


async def get_report(request: Request, period: str) -> HTTPResponse:
    """`GET /api/reports/<period>?format=json|csv|xlsx` → the report, or a file to download."""
    parsed, chosen = parse_period(period), report_format(request)
    report = await period_report(request, parsed)
    if chosen == "json":
        return json(report.as_dict())
    return await report_file(report, chosen)


def reports_blueprint() -> Blueprint:
    """The report route, relative to the API prefix."""
    return build_blueprint("api_reports", get("/<period:str>", get_report), url_prefix="/reports")
