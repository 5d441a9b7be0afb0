"""Indexes of the hot paths: reports, dashboard, transcripts.

- `cases.resolved_at`: the dashboard's weekly resolutions (a range of resolution days).
- `ratings.created_at`: the ratings of a period (report) or of the last weeks (dashboard).
- `messages(conversation_id, id)`: a transcript in order, and a live stream's messages
  after the last id it sent; it replaces the index on `conversation_id` alone.
- `ix_cases_unmeasured_resolution`: the resolved cases whose resolution time is not
  stored yet (partial: normally empty), which every report build looks for first.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNMEASURED = "resolved_at IS NOT NULL AND resolution_working_days IS NULL"


def upgrade() -> None:
    op.create_index("ix_cases_resolved_at", "cases", ["resolved_at"])
    op.create_index(
        "ix_cases_unmeasured_resolution",
        "cases",
        ["received_at"],
        postgresql_where=sa.text(UNMEASURED),
        sqlite_where=sa.text(UNMEASURED),
    )
    op.create_index("ix_ratings_created_at", "ratings", ["created_at"])
    op.create_index("ix_messages_conversation_id_id", "messages", ["conversation_id", "id"])
    op.drop_index("ix_messages_conversation_id", table_name="messages")


def downgrade() -> None:
    op.create_index("ix_messages_conversation_id", "messages", ["conversation_id"])
    op.drop_index("ix_messages_conversation_id_id", table_name="messages")
    op.drop_index("ix_ratings_created_at", table_name="ratings")
    op.drop_index("ix_cases_unmeasured_resolution", table_name="cases")
    op.drop_index("ix_cases_resolved_at", table_name="cases")
