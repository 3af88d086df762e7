"""statistics: monthly usage roll-ups of the audit trail, the months built, claims counts,
facilities' declarations for the support money

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

USAGE = ("card", "card_smartphone", "numbers", "batch", "views_checkup", "views_medication",
         "views_treatment", "card_users")  # fmt: skip


def _key(length: int) -> sa.types.TypeEngine[str]:
    return sa.String(length).with_variant(postgresql.VARCHAR(length, collation="C"), "postgresql")


def _id() -> sa.types.TypeEngine[int]:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "stats_usage_monthly",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("facility_code", _key(10), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in USAGE),
        sa.PrimaryKeyConstraint("month", "facility_code", name="pk_stats_usage_monthly"),
    )
    op.create_index("ix_stats_usage_monthly_facility", "stats_usage_monthly", ["facility_code", "month"])
    op.create_table(
        "stats_months",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("rebuilt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("events", sa.BigInteger(), nullable=False),
        sa.Column("facilities", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("month", name="pk_stats_months"),
    )
    op.create_table(
        "stats_claim_counts",
        sa.Column("facility_code", _key(10), nullable=False),
        sa.Column("billing_month", sa.Date(), nullable=False),
        sa.Column("insurer_kind", sa.String(24), nullable=False),
        sa.Column("outpatient_claims", sa.Integer(), nullable=False),
        sa.Column("import_id", _id(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "facility_code", "billing_month", "insurer_kind", name="pk_stats_claim_counts"
        ),
    )
    op.create_index("ix_stats_claim_counts_month", "stats_claim_counts", ["billing_month"])
    op.create_table(
        "stats_declarations",
        sa.Column("facility_code", _key(10), nullable=False),
        sa.Column("declaration", sa.String(32), nullable=False),
        sa.Column("declared", sa.Boolean(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["facility_code"],
            ["facilities.code"],
            name=op.f("fk_stats_declarations_facility_code_facilities"),
        ),
        sa.PrimaryKeyConstraint("facility_code", "declaration", name="pk_stats_declarations"),
    )
    op.create_index("ix_audit_events_occurred", "audit_events", ["occurred_at"], postgresql_using="brin")


def downgrade() -> None:
    op.drop_index("ix_audit_events_occurred", "audit_events")
    op.drop_table("stats_declarations")
    op.drop_table("stats_claim_counts")
    op.drop_table("stats_months")
    op.drop_table("stats_usage_monthly")
