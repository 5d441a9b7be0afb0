"""Report files never fail and never run what a customer typed: control characters left in old
rows are written out (`\\x1b`), and texts starting with = + - @ stay text in CSV and XLSX."""

from __future__ import annotations

import csv
import io

import openpyxl
from sqlalchemy import update

from backend.db.tables import CaseRecord
from backend.reports.export import CASES_SHEET
from tests.integration.backend.support import case_body
from tests.integration.bot.support import Gateway

PERIOD = "2026-11"  # case_body's cases are received on 2026-11-20
# Names as an older version could store them (it let control characters through).
NAMES = {
    "Budi\x1b[31m Santoso\x07": "Budi\\x1b[31m Santoso\\x07",
    "Siti\x00\x0b Rahayu\x85": "Siti\\x00\\x0b Rahayu\\x85",
    '=HYPERLINK("http://evil.example","klik")': '=HYPERLINK("http://evil.example","klik")',
    "+62 812 3456 7890": "+62 812 3456 7890",
    "-1+1": "-1+1",
    "@SUM(A1:A9)": "@SUM(A1:A9)",
}


def headers(gateway: Gateway) -> dict[str, str]:
    return {"Authorization": f"Bearer {gateway.app.ctx.settings.app_api_token}"}


def storable(text: str, gateway: Gateway) -> str:
    """`text` as the database can hold it: PostgreSQL itself refuses NUL in text."""
    on_postgres = gateway.app.ctx.db.url.get_backend_name() == "postgresql"
    return text.replace("\x00", "").replace("\\x00", "") if on_postgres else text


async def cases_named_as_old_rows(gateway: Gateway) -> None:
    """A case per name: opened through the API, then its name written straight to the table."""
    for name in NAMES:
        opened = await gateway.client.post(
            "/api/cases", json=case_body(product=None), headers=headers(gateway)
        )
        assert opened.status_code == 201, opened.text
        number = opened.json()["register_number"]
        async with gateway.app.ctx.db.session() as session:
            await session.execute(
                update(CaseRecord)
                .where(CaseRecord.register_number == number)
                .values(full_name=storable(name, gateway))
            )
            await session.commit()


def expected(name: str, gateway: Gateway) -> str:
    """How the files write the name stored for `name`."""
    return storable(NAMES[name], gateway)


async def test_an_xlsx_report_with_control_characters_in_old_rows_downloads_and_opens(
    gateway: Gateway,
) -> None:
    await cases_named_as_old_rows(gateway)

    answer = await gateway.client.get(
        f"/api/reports/{PERIOD}", params={"format": "xlsx"}, headers=headers(gateway)
    )

    assert answer.status_code == 200, answer.text
    sheet = openpyxl.load_workbook(io.BytesIO(answer.content))[CASES_SHEET]
    names = {row[2].value: row[2] for row in sheet.iter_rows(min_row=2)}
    assert set(names) == {expected(name, gateway) for name in NAMES}
    for name, cell in names.items():
        assert cell.data_type == "s", name  # never a formula
        if name.startswith(("=", "+", "-", "@")):
            assert cell.quotePrefix, name


async def test_a_csv_report_escapes_control_characters_and_quotes_formulas(
    gateway: Gateway,
) -> None:
    await cases_named_as_old_rows(gateway)

    answer = await gateway.client.get(
        f"/api/reports/{PERIOD}", params={"format": "csv"}, headers=headers(gateway)
    )

    assert answer.status_code == 200
    text = answer.content.decode("utf-8-sig")
    assert not any(control in text for control in ("\x1b", "\x07", "\x00", "\x0b", "\x85"))
    rows = list(csv.reader(io.StringIO(text)))
    names = {row[2] for row in rows[rows.index([]) + 2 :]}
    quoted = {
        ("'" + value if value.startswith(("=", "+", "-", "@")) else value)
        for value in (expected(name, gateway) for name in NAMES)
    }
    assert names == quoted
