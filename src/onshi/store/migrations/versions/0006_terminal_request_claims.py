"""terminal request claims: one run per terminal request id, even when resent mid-run

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _key(length: int) -> sa.types.TypeEngine[str]:
    return sa.String(length).with_variant(postgresql.VARCHAR(length, collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "terminal_request_claims",
        sa.Column("facility_code", _key(10), nullable=False),
        sa.Column("request_id", _key(100), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("facility_code", "request_id", name="pk_terminal_request_claims"),
    )


def downgrade() -> None:
    op.drop_table("terminal_request_claims")
