"""Cases keep the working days their resolution took, for reports that aggregate in SQL.

The column is filled when a case is resolved. Cases resolved before this revision keep
NULL here; the report fills them in with the institution's calendar the first time it
covers them (backend/reports/build.py), since the calendar's policy lives in the profile.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("cases", sa.Column("resolution_working_days", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("resolution_working_days")
