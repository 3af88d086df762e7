"""audit seals: the audit trail chained by hash, in sealed ranges

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_seals",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("through_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("chain_hash", sa.String(64), nullable=False),
        sa.Column("sealed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_seals")),
    )
    if op.get_bind().dialect.name == "postgresql":
        # onshi_refuse_change() comes from migration 0002.
        op.execute(
            "CREATE TRIGGER audit_seals_append_only BEFORE UPDATE OR DELETE ON audit_seals "
            "FOR EACH ROW EXECUTE FUNCTION onshi_refuse_change()"
        )
        op.execute(
            "CREATE TRIGGER audit_seals_no_truncate BEFORE TRUNCATE ON audit_seals "
            "FOR EACH STATEMENT EXECUTE FUNCTION onshi_refuse_change()"
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_seals_no_{verb.lower()} BEFORE {verb} ON audit_seals "
                "BEGIN SELECT RAISE(ABORT, 'audit_seals is append-only'); END"
            )


def downgrade() -> None:
    op.drop_table("audit_seals")
