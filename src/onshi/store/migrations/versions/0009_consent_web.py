"""consent web: web sessions, server-side PIN counters, patient challenges, online-care sessions

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _key(length: int) -> sa.types.TypeEngine[str]:
    return sa.String(length).with_variant(postgresql.VARCHAR(length, collation="C"), "postgresql")


def _id() -> sa.types.TypeEngine[int]:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _at(name: str, nullable: bool = True) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "web_sessions",
        sa.Column("token_hash", _key(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("facility_code", _key(10), nullable=True),
        sa.Column("credential_id", _id(), nullable=True),
        sa.Column("identity_mode", sa.String(8), nullable=True),
        sa.Column("certificate_serial", _key(40), nullable=True),
        sa.Column("insurer_number", _key(8), nullable=True),
        sa.Column("symbol", _key(20), nullable=True),
        sa.Column("number", _key(20), nullable=True),
        sa.Column("branch", _key(2), nullable=True),
        _at("created_at", nullable=False),
        _at("expires_at", nullable=False),
        _at("ended_at"),
        sa.Column("last_result", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_web_sessions")),
    )
    op.create_index("ix_web_sessions_expires", "web_sessions", ["expires_at"])
    op.create_table(
        "card_pin_attempts",
        sa.Column("certificate_serial", _key(40), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        _at("updated_at", nullable=False),
        _at("locked_at"),
        sa.PrimaryKeyConstraint("certificate_serial", name=op.f("pk_card_pin_attempts")),
    )
    op.create_table(
        "patient_challenges",
        sa.Column("nonce", _key(64), nullable=False),
        _at("issued_at", nullable=False),
        _at("used_at"),
        sa.PrimaryKeyConstraint("nonce", name=op.f("pk_patient_challenges")),
    )
    op.create_index("ix_patient_challenges_issued", "patient_challenges", ["issued_at"])
    op.create_table(
        "online_care_sessions",
        sa.Column("id", _key(32), nullable=False),
        sa.Column("facility_code", _key(10), nullable=False),
        sa.Column("start_token_hash", _key(64), nullable=False),
        sa.Column("browser_token_hash", _key(64), nullable=True),
        sa.Column("return_url", sa.Text(), nullable=False),
        sa.Column("state", sa.String(512), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        _at("created_at", nullable=False),
        _at("expires_at", nullable=False),
        _at("opened_at"),
        _at("completed_at"),
        _at("fetched_at"),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["facility_code"],
            ["facilities.code"],
            name=op.f("fk_online_care_sessions_facility_code_facilities"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_online_care_sessions")),
    )
    op.create_index(
        "uq_online_care_sessions_start", "online_care_sessions", ["start_token_hash"], unique=True
    )


def downgrade() -> None:
    for table in ("online_care_sessions", "patient_challenges", "card_pin_attempts", "web_sessions"):
        op.drop_table(table)
