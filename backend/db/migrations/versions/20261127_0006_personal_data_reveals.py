"""Audit of personal data revealed in the console.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "personal_data_reveals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", TIMESTAMP, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("conversation_id", sa.String(128), nullable=True),
        sa.Column("register_number", sa.String(32), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_personal_data_reveals"),
    )
    op.create_index("ix_personal_data_reveals_at", "personal_data_reveals", ["at"])
    op.create_index(
        "ix_personal_data_reveals_conversation_id", "personal_data_reveals", ["conversation_id"]
    )
    op.create_index(
        "ix_personal_data_reveals_register_number", "personal_data_reveals", ["register_number"]
    )


def downgrade() -> None:
    op.drop_table("personal_data_reveals")
