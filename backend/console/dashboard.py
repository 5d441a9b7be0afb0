"""`/console/dashboard`: the supervisors' dashboard, its JSON, and the OJK report downloads."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import quote

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json

from backend.blueprints import build_blueprint, get
from backend.console.auth import supervisors_only
from backend.console.labels import label, wib
from backend.console.queue import queue_items
from backend.console.render import render
from backend.domain.deadlines import to_wib
from backend.domain.lifecycle import Category
from backend.domain.personal_data import mask_personal_numbers
from backend.domain.refusal import Refused
from backend.reports.dashboard import AttentionCase, Dashboard, build_dashboard
from backend.reports.download import period_report, report_file
from backend.reports.periods import parse_period
from backend.schemas import format_wib

DOWNLOAD_FORMATS = ("csv", "xlsx")


def current_periods(today: date) -> list[dict[str, str]]:
    """The month and the quarter holding `today` (WIB), with their download links."""
    keys = [
        ("Bulan ini", f"{today.year}-{today.month:02d}"),
        ("Triwulan ini", f"{today.year}-Q{(today.month - 1) // 3 + 1}"),
    ]
    return [
        {
            "label": name,
            "period": key,
            **{fmt: f"/console/reports/{key}?format={fmt}" for fmt in DOWNLOAD_FORMATS},
        }
        for name, key in keys
    ]


def attention_json(case: AttentionCase) -> dict[str, Any]:
    return {
        "register_number": case.register_number,
        "full_name": mask_personal_numbers(case.full_name),
        "category": case.category,
        "category_label": label(case.category, "category"),
        "priority": case.priority,
        "priority_label": label(case.priority, "priority"),
        "status_label": label(case.status, "status"),
        "officer": case.officer or "",
        "due_at": format_wib(case.due_at),
        "due_label": wib(case.due_at),
        "overdue": case.overdue,
        "url": f"/console/cases/{quote(case.register_number, safe='')}",
    }


def dashboard_json(board: Dashboard) -> dict[str, Any]:
    """The figures as the page's charts read them."""
    known = [category.value for category in Category]
    names = known + sorted(name for name in board.volume if name not in known)
    return {
        "as_of": format_wib(board.as_of),
        "as_of_label": wib(board.as_of),
        "weeks": [week.isoformat() for week in board.weeks],
        "volume": [
            {
                "category": name,
                "label": label(name, "category"),
                "counts": list(board.volume[name]),
            }
            for name in names
            if name in board.volume
        ],
        "compliance": {
            "on_time": list(board.resolved_on_time),
            "late": list(board.resolved_late),
            "open_overdue": board.open_overdue,
            "open_due_soon": board.open_due_soon,
        },
        "ratings": {"count": list(board.rating_count), "mean": list(board.rating_mean)},
        "attention": [attention_json(case) for case in board.attention],
        "reports": current_periods(to_wib(board.as_of).date()),
    }


async def dashboard_data(request: Request) -> dict[str, Any]:
    context = request.app.ctx
    board = await build_dashboard(
        request.ctx.db_session, calendar=context.calendar, as_of=context.clock()
    )
    return dashboard_json(board)


@supervisors_only
async def show_dashboard(request: Request) -> HTTPResponse:
    """`GET /console/dashboard`: charts (drawn by dashboard.js), cases to chase, the queue."""
    data = await dashboard_data(request)
    return render(request, "dashboard.html", data=data, items=await queue_items(request))


@supervisors_only
async def get_dashboard_json(request: Request) -> HTTPResponse:
    """`GET /console/dashboard.json`: the dashboard's figures now."""
    return json(await dashboard_data(request))


@supervisors_only
async def download_report(request: Request, period: str) -> HTTPResponse:
    """`GET /console/reports/<period>?format=csv|xlsx`: the same file as the API gives."""
    chosen = request.args.get("format", "csv")
    if chosen not in DOWNLOAD_FORMATS:
        raise Refused(f"must be one of: {', '.join(DOWNLOAD_FORMATS)}", field="format")
    return await report_file(await period_report(request, parse_period(period)), chosen)


def dashboard_blueprint() -> Blueprint:
    """The dashboard's routes, relative to the console prefix."""
    return build_blueprint(
        "console_dashboard",
        get("/dashboard", show_dashboard),
        get("/dashboard.json", get_dashboard_json),
        get("/reports/<period:str>", download_report),
    )
