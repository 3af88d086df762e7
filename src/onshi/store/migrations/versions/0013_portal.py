"""facility portal: accounts, corporations, onboarding, applications, connection tests,
prior notifications, the adoption-intent survey and portal sessions

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def _key(length: int) -> sa.types.TypeEngine[str]:
    return sa.String(length).with_variant(postgresql.VARCHAR(length, collation="C"), "postgresql")


def _id() -> sa.types.TypeEngine[int]:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _at(name: str, nullable: bool = True) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _facility(table: str) -> list[sa.Column[object] | sa.ForeignKeyConstraint]:
    return [
        sa.Column("facility_code", _key(10), nullable=False),
        sa.ForeignKeyConstraint(
            ["facility_code"], ["facilities.code"], name=op.f(f"fk_{table}_facility_code_facilities")
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "portal_corporations",
        sa.Column("login", _key(32), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        _at("created_at", nullable=False),
        sa.PrimaryKeyConstraint("login", name=op.f("pk_portal_corporations")),
    )
    op.create_table(
        "portal_facilities",
        *_facility("portal_facilities"),
        sa.Column("corporation_login", _key(32), nullable=True),
        sa.Column("password_hash", sa.String(200), nullable=True),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=True),
        sa.Column("paper_claims", sa.Boolean(), nullable=False),
        sa.Column("stage", sa.String(24), nullable=False),
        _at("stage_since", nullable=False),
        sa.Column("connected_on", sa.Date(), nullable=True),
        sa.Column("operating_since", sa.Date(), nullable=True),
        _at("registered_at", nullable=False),
        sa.Column("registered_by", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(
            ["corporation_login"],
            ["portal_corporations.login"],
            name=op.f("fk_portal_facilities_corporation_login_portal_corporations"),
        ),
        sa.PrimaryKeyConstraint("facility_code", name=op.f("pk_portal_facilities")),
    )
    op.create_index("ix_portal_facilities_corporation", "portal_facilities", ["corporation_login"])
    op.create_index("ix_portal_facilities_stage", "portal_facilities", ["stage"])
    op.create_table(
        "portal_applications",
        sa.Column("id", _id(), autoincrement=True, nullable=False),
        *_facility("portal_applications"),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("program", sa.String(32), nullable=True),
        sa.Column("grant_yen", sa.BigInteger(), nullable=True),
        sa.Column("evaluation", sa.Text(), nullable=True),
        _at("submitted_at", nullable=False),
        sa.Column("submitted_by", sa.String(64), nullable=False),
        _at("decided_at"),
        sa.Column("decided_by", sa.String(64), nullable=True),
        sa.Column("return_reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_applications")),
    )
    op.create_index("ix_portal_applications_queue", "portal_applications", ["status", "kind", "submitted_at"])
    op.create_index("ix_portal_applications_facility", "portal_applications", ["facility_code"])
    op.create_table(
        "portal_connection_tests",
        sa.Column("id", _id(), autoincrement=True, nullable=False),
        *_facility("portal_connection_tests"),
        sa.Column("certificate_serial", _key(40), nullable=False),
        _at("tested_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_connection_tests")),
    )
    op.create_index("ix_portal_connection_tests_facility", "portal_connection_tests", ["facility_code"])
    op.create_table(
        "portal_notifications",
        sa.Column("id", _id(), autoincrement=True, nullable=False),
        *_facility("portal_notifications"),
        sa.Column("category", sa.String(24), nullable=False),
        sa.Column("filed_on", sa.Date(), nullable=False),
        sa.Column("facts", sa.Text(), nullable=False),
        _at("filed_at", nullable=False),
        sa.Column("filed_by", sa.String(64), nullable=False),
        _at("superseded_at"),
        _at("approved_at"),
        sa.Column("approved_by", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_notifications")),
    )
    op.create_index("ix_portal_notifications_facility", "portal_notifications", ["facility_code"])
    op.create_table(
        "portal_survey_responses",
        sa.Column("id", _id(), autoincrement=True, nullable=False),
        *_facility("portal_survey_responses"),
        sa.Column("category", sa.String(24), nullable=False),
        sa.Column("prefecture_code", sa.String(2), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        _at("answered_at", nullable=False),
        _at("superseded_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_survey_responses")),
    )
    op.create_index("ix_portal_survey_responses_facility", "portal_survey_responses", ["facility_code"])
    op.create_table(
        "portal_sessions",
        sa.Column("token_hash", _key(64), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("subject", sa.String(64), nullable=False),
        sa.Column("credential_id", _id(), nullable=True),
        _at("created_at", nullable=False),
        _at("expires_at", nullable=False),
        _at("ended_at"),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_portal_sessions")),
    )
    op.create_index("ix_portal_sessions_expires", "portal_sessions", ["expires_at"])


def downgrade() -> None:
    for table in (
        "portal_sessions",
        "portal_survey_responses",
        "portal_notifications",
        "portal_connection_tests",
        "portal_applications",
        "portal_facilities",
        "portal_corporations",
    ):
        op.drop_table(table)
