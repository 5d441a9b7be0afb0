"""Case handling: complainants, agents, documents, ratings; officer's actions on cases.

Existing cases get complainants (one per phone, else per e-mail) before the link
becomes required; existing conversation ratings are copied into `ratings`.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)

NEW_CASE_COLUMNS = (
    ("extended_resolution_due_at", TIMESTAMP),
    ("extension_notice", sa.Text()),
    ("extension_sent_at", TIMESTAMP),
    ("resolution_response", sa.Text()),
    ("resolved_at", TIMESTAMP),
    ("facilitation_window_ends_at", TIMESTAMP),
    ("rejection_ground", sa.String(32)),
    ("rejection_reason", sa.Text()),
    ("rejected_at", TIMESTAMP),
    ("requested_documents", sa.Text()),
    ("documents_requested_at", TIMESTAMP),
    ("documents_due_at", TIMESTAMP),
)


def upgrade() -> None:
    _create_tables()
    op.add_column("cases", sa.Column("complainant_id", sa.Integer(), nullable=True))
    for name, kind in NEW_CASE_COLUMNS:
        op.add_column("cases", sa.Column(name, kind, nullable=True))
    _link_existing_cases_to_complainants()
    with op.batch_alter_table("cases") as batch:
        batch.alter_column("complainant_id", existing_type=sa.Integer(), nullable=False)
        batch.create_foreign_key(
            "fk_cases_complainant_id_complainants", "complainants", ["complainant_id"], ["id"]
        )
    op.create_index("ix_cases_complainant_id", "cases", ["complainant_id"])
    op.execute(
        "INSERT INTO ratings (conversation_id, rating, created_at) "
        "SELECT id, rating, updated_at FROM conversations WHERE rating IS NOT NULL"
    )


def _create_tables() -> None:
    op.create_table(
        "complainants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("full_name", sa.String(200), nullable=False),
        sa.Column("phone", sa.String(32), nullable=True),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.CheckConstraint(
            "phone IS NOT NULL OR email IS NOT NULL", name="ck_complainants_contact"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_complainants"),
        sa.UniqueConstraint("email", name="uq_complainants_email"),
        sa.UniqueConstraint("phone", name="uq_complainants_phone"),
    )
    op.create_table(
        "agents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_agents"),
        sa.UniqueConstraint("username", name="uq_agents_username"),
    )
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("original_filename", sa.String(255), nullable=False),
        sa.Column("content_type", sa.String(100), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("stored_path", sa.String(500), nullable=False),
        sa.Column("uploaded_by", sa.String(200), nullable=False),
        sa.Column("uploaded_at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name="fk_documents_case_id_cases", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_documents"),
        sa.UniqueConstraint("case_id", "sha256", name="uq_documents_case_id_sha256"),
    )
    op.create_index("ix_documents_case_id", "documents", ["case_id"])
    op.create_table(
        "ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(128), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name="ck_ratings_rating"),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name="fk_ratings_conversation_id_conversations",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_ratings"),
    )
    op.create_index("ix_ratings_conversation_id", "ratings", ["conversation_id"])


def _link_existing_cases_to_complainants() -> None:
    """One complainant per phone number, else per e-mail address (lowercased), oldest first."""
    connection = op.get_bind()
    cases = sa.table(
        "cases",
        sa.column("id", sa.Integer()),
        sa.column("full_name", sa.String()),
        sa.column("phone", sa.String()),
        sa.column("email", sa.String()),
        sa.column("complainant_id", sa.Integer()),
    )
    complainants = sa.table(
        "complainants",
        sa.column("id", sa.Integer()),
        sa.column("full_name", sa.String()),
        sa.column("phone", sa.String()),
        sa.column("email", sa.String()),
        sa.column("created_at", TIMESTAMP),
        sa.column("updated_at", TIMESTAMP),
    )
    now = datetime.now(UTC)
    by_phone: dict[str, int] = {}
    by_email: dict[str, int] = {}
    contacts: dict[int, dict[str, str | None]] = {}
    rows = connection.execute(
        sa.select(cases.c.id, cases.c.full_name, cases.c.phone, cases.c.email).order_by(cases.c.id)
    ).all()
    for case_id, full_name, phone, raw_email in rows:
        email = raw_email.lower() if raw_email else None
        found = (by_phone.get(phone) if phone else None) or (by_email.get(email) if email else None)
        if found is None:
            found = connection.execute(
                sa.insert(complainants)
                .values(
                    full_name=full_name, phone=phone, email=email, created_at=now, updated_at=now
                )
                .returning(complainants.c.id)
            ).scalar_one()
            contacts[found] = {"phone": phone, "email": email}
        else:
            known = contacts[found]
            fill = {
                name: value
                for name, value, taken in (("phone", phone, by_phone), ("email", email, by_email))
                if value and known[name] is None and value not in taken
            }
            if fill:
                known.update(fill)
                connection.execute(
                    sa.update(complainants).where(complainants.c.id == found).values(**fill)
                )
        for value, index in (
            (contacts[found]["phone"], by_phone),
            (contacts[found]["email"], by_email),
        ):
            if value:
                index.setdefault(value, found)
        connection.execute(
            sa.update(cases).where(cases.c.id == case_id).values(complainant_id=found)
        )


def downgrade() -> None:
    op.drop_index("ix_cases_complainant_id", table_name="cases")
    with op.batch_alter_table("cases") as batch:
        batch.drop_constraint("fk_cases_complainant_id_complainants", type_="foreignkey")
        for name, _ in reversed(NEW_CASE_COLUMNS):
            batch.drop_column(name)
        batch.drop_column("complainant_id")
    op.drop_table("ratings")
    op.drop_table("documents")
    op.drop_table("agents")
    op.drop_table("complainants")
