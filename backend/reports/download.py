"""The report of a period as a file to download: the same for the case API and the console."""

from __future__ import annotations

import asyncio

from sanic import Request
from sanic.response import HTTPResponse, raw

from backend.reports.build import Report, build_report
from backend.reports.export import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE, file_name, to_csv, to_xlsx
from backend.reports.periods import Period


async def period_report(request: Request, period: Period) -> Report:
    """The report of `period` as of the app's clock now, read in the request's session."""
    context = request.app.ctx
    return await build_report(
        request.ctx.db_session,
        period,
        profile=context.profile,
        calendar=context.calendar,
        as_of=context.clock(),
    )


async def report_file(report: Report, chosen: str) -> HTTPResponse:
    """The report as a CSV or XLSX download."""
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
