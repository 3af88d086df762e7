"""terminals: facility certificates for mutual TLS, idempotent terminal requests

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _key(length: int) -> sa.types.TypeEngine[str]:
    return sa.String(length).with_variant(postgresql.VARCHAR(length, collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "facility_certificates",
        sa.Column("serial", _key(40), nullable=False),
        sa.Column("facility_code", _key(10), nullable=False),
        sa.Column("fingerprint", _key(64), nullable=False),
        sa.Column("not_before", sa.DateTime(timezone=True), nullable=False),
        sa.Column("not_after", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revocation_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["facility_code"],
            ["facilities.code"],
            name=op.f("fk_facility_certificates_facility_code_facilities"),
        ),
        sa.PrimaryKeyConstraint("serial", name=op.f("pk_facility_certificates")),
        sa.UniqueConstraint("fingerprint", name=op.f("uq_facility_certificates_fingerprint")),
    )
    op.create_index("ix_facility_certificates_facility", "facility_certificates", ["facility_code"])
    op.create_table(
        "terminal_requests",
        sa.Column("facility_code", _key(10), nullable=False),
        sa.Column("request_id", _key(100), nullable=False),
        sa.Column("request_filename", sa.Text(), nullable=False),
        sa.Column("result_filename", sa.Text(), nullable=False),
        sa.Column("result", sa.LargeBinary(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("facility_code", "request_id", name="pk_terminal_requests"),
    )


def downgrade() -> None:
    op.drop_table("terminal_requests")
    op.drop_index("ix_facility_certificates_facility", table_name="facility_certificates")
    op.drop_table("facility_certificates")
