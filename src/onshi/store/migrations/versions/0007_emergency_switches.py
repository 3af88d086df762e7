"""emergency switches: 緊急時資格確認機能 switched on per facility or prefecture

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _key(length: int) -> sa.types.TypeEngine[str]:
    return sa.String(length).with_variant(postgresql.VARCHAR(length, collation="C"), "postgresql")


def _id() -> sa.types.TypeEngine[int]:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "emergency_switches",
        sa.Column("id", _id(), autoincrement=True, nullable=False),
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("target", _key(10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("switched_on_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("switched_on_by", sa.String(64), nullable=False),
        sa.Column("switched_off_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("switched_off_by", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_emergency_switches")),
    )
    op.create_index(
        "uq_emergency_switches_on",
        "emergency_switches",
        ["scope", "target"],
        unique=True,
        sqlite_where=sa.text("switched_off_at IS NULL"),
        postgresql_where=sa.text("switched_off_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_table("emergency_switches")
