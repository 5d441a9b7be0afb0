"""A period's report as the app serves it: built as of the app's clock, downloaded as CSV or XLSX.

The case API and the console both serve it; neither imports the other.
"""

from __future__ import annotations

import asyncio
from typing import Any

from sanic.response import HTTPResponse, raw

from backend.reports.build import Report, build_report
from backend.reports.export import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE, file_name, to_csv, to_xlsx
from backend.reports.periods import Period


async def period_report(context: Any, period: Period) -> Report:
    """The report of `period` as of the app's clock now (`context` is the app's `ctx`)."""
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
