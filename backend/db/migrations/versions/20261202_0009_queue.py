"""The console queue at scale: stored rank and next due of cases, indexes, read marks, presence.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)
RUNNING = sa.text("queue_rank IS NOT NULL")
UNASSIGNED = sa.text("queue_rank IS NOT NULL AND officer IS NULL")
# The same rule as backend.domain.handoff (case_queue_rank, case_next_due), for the rows
# already there; the ORM keeps both columns from now on.
FILL_QUEUE_COLUMNS = """
UPDATE cases SET
  queue_rank = CASE
    WHEN status IN ('resolved', 'rejected', 'escalated') THEN NULL
    WHEN priority = 'emergency' THEN 0
    WHEN priority = 'high' THEN 1
    WHEN priority = 'medium' THEN 2
    ELSE 3
  END,
  queue_due_at = CASE
    WHEN status = 'received' THEN first_response_due_at
    ELSE COALESCE(extended_resolution_due_at, resolution_due_at)
  END
"""


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("queue_rank", sa.SmallInteger(), nullable=True))
        batch.add_column(sa.Column("queue_due_at", TIMESTAMP, nullable=True))
    op.execute(FILL_QUEUE_COLUMNS)
    op.create_index("ix_cases_status_priority", "cases", ["status", "priority"])
    op.create_index(
        "ix_cases_queue",
        "cases",
        ["queue_rank", "queue_due_at", "id"],
        postgresql_where=RUNNING,
        sqlite_where=RUNNING,
    )
    op.create_index(
        "ix_cases_unassigned_queue",
        "cases",
        ["queue_rank", "queue_due_at", "id"],
        postgresql_where=UNASSIGNED,
        sqlite_where=UNASSIGNED,
    )
    op.create_index(
        "ix_cases_officer_queue",
        "cases",
        ["officer", "queue_rank", "queue_due_at", "id"],
        postgresql_where=RUNNING,
        sqlite_where=RUNNING,
    )
    op.create_index(
        "ix_conversations_handled_by_updated_at", "conversations", ["handled_by", "updated_at"]
    )
    op.create_table(
        "chat_reads",
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(128), nullable=False),
        sa.Column("last_message_id", sa.Integer(), nullable=False),
        sa.Column("read_at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agents.id"], name="fk_chat_reads_agent_id_agents", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name="fk_chat_reads_conversation_id_conversations",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("agent_id", "conversation_id", name="pk_chat_reads"),
    )
    op.create_table(
        "agent_presence",
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("seen_at", TIMESTAMP, nullable=False),
        sa.Column("last_assigned_at", TIMESTAMP, nullable=True),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agents.id"],
            name="fk_agent_presence_agent_id_agents",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("agent_id", name="pk_agent_presence"),
    )
    op.create_index("ix_agent_presence_seen_at", "agent_presence", ["seen_at"])


def downgrade() -> None:
    op.drop_index("ix_agent_presence_seen_at", table_name="agent_presence")
    op.drop_table("agent_presence")
    op.drop_table("chat_reads")
    op.drop_index("ix_conversations_handled_by_updated_at", table_name="conversations")
    op.drop_index("ix_cases_officer_queue", table_name="cases")
    op.drop_index("ix_cases_unassigned_queue", table_name="cases")
    op.drop_index("ix_cases_queue", table_name="cases")
    op.drop_index("ix_cases_status_priority", table_name="cases")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("queue_due_at")
        batch.drop_column("queue_rank")
