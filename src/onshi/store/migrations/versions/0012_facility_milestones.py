"""facility milestones: the dated onboarding steps, and the day the obligation applies

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def _key(length: int) -> sa.types.TypeEngine[str]:
    return sa.String(length).with_variant(postgresql.VARCHAR(length, collation="C"), "postgresql")


def upgrade() -> None:
    # A nullable column: SQLite adds it in place (no batch copy of a table others refer to).
    op.add_column("facilities", sa.Column("obligated_from", sa.Date(), nullable=True))
    op.create_table(
        "facility_milestones",
        sa.Column("facility_code", _key(10), nullable=False),
        sa.Column("milestone", sa.String(24), nullable=False),
        sa.Column("reached_on", sa.Date(), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["facility_code"],
            ["facilities.code"],
            name=op.f("fk_facility_milestones_facility_code_facilities"),
        ),
        sa.PrimaryKeyConstraint("facility_code", "milestone", name="pk_facility_milestones"),
    )
    op.create_index("ix_facility_milestones_milestone", "facility_milestones", ["milestone", "reached_on"])


def downgrade() -> None:
    op.drop_table("facility_milestones")
    op.drop_column("facilities", "obligated_from")
