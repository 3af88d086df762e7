"""cards: card certificates, linkages and their reviews, challenges, reference numbers

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _key(length: int) -> sa.types.TypeEngine[str]:
    return sa.String(length).with_variant(postgresql.VARCHAR(length, collation="C"), "postgresql")


def _id() -> sa.types.TypeEngine[int]:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _person() -> list[sa.Column[str]]:
    return [
        sa.Column("insurer_number", _key(8), nullable=False),
        sa.Column("symbol", _key(20), nullable=False),
        sa.Column("number", _key(20), nullable=False),
        sa.Column("branch", _key(2), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "card_certificates",
        sa.Column("serial", _key(40), nullable=False),
        sa.Column("fingerprint", _key(64), nullable=False),
        sa.Column("form_factor", sa.String(16), nullable=False),
        sa.Column("not_before", sa.DateTime(timezone=True), nullable=False),
        sa.Column("not_after", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revocation_reason", sa.String(16), nullable=True),
        sa.Column("holder_insurer_number", _key(8), nullable=True),
        sa.Column("holder_symbol", _key(20), nullable=True),
        sa.Column("holder_number", _key(20), nullable=True),
        sa.Column("holder_branch", _key(2), nullable=True),
        sa.PrimaryKeyConstraint("serial", name=op.f("pk_card_certificates")),
        sa.UniqueConstraint("fingerprint", name=op.f("uq_card_certificates_fingerprint")),
    )
    op.create_table(
        "card_linkages",
        sa.Column("certificate_serial", _key(40), nullable=False),
        *_person(),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("facility_code", _key(10), nullable=True),
        sa.Column("checked", sa.String(64), nullable=False),
        sa.Column("unverified", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(
            ["certificate_serial"],
            ["card_certificates.serial"],
            name=op.f("fk_card_linkages_certificate_serial_card_certificates"),
        ),
        sa.PrimaryKeyConstraint("certificate_serial", name=op.f("pk_card_linkages")),
    )
    op.create_index(
        "ix_card_linkages_person", "card_linkages", ["insurer_number", "symbol", "number", "branch"]
    )
    op.create_table(
        "card_linkage_reviews",
        sa.Column("id", _id(), autoincrement=True, nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("certificate_serial", _key(40), nullable=False),
        sa.Column("facility_code", _key(10), nullable=False),
        *_person(),
        sa.Column("refusal", sa.String(24), nullable=False),
        sa.Column("mismatches", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_card_linkage_reviews")),
    )
    op.create_index("ix_card_linkage_reviews_serial", "card_linkage_reviews", ["certificate_serial"])
    op.create_table(
        "card_challenges",
        sa.Column("nonce", _key(64), nullable=False),
        sa.Column("facility_code", _key(10), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["facility_code"], ["facilities.code"], name=op.f("fk_card_challenges_facility_code_facilities")
        ),
        sa.PrimaryKeyConstraint("nonce", name=op.f("pk_card_challenges")),
    )
    op.create_index("ix_card_challenges_facility", "card_challenges", ["facility_code", "issued_at"])
    op.create_table(
        "reference_numbers",
        sa.Column("facility_code", _key(10), nullable=False),
        *_person(),
        sa.Column("reference_number", sa.String(50), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["facility_code"], ["facilities.code"], name=op.f("fk_reference_numbers_facility_code_facilities")
        ),
        sa.PrimaryKeyConstraint(
            "facility_code", "insurer_number", "symbol", "number", "branch", name="pk_reference_numbers"
        ),
    )


def downgrade() -> None:
    op.drop_table("reference_numbers")
    op.drop_index("ix_card_challenges_facility", table_name="card_challenges")
    op.drop_table("card_challenges")
    op.drop_index("ix_card_linkage_reviews_serial", table_name="card_linkage_reviews")
    op.drop_table("card_linkage_reviews")
    op.drop_index("ix_card_linkages_person", table_name="card_linkages")
    op.drop_table("card_linkages")
    op.drop_table("card_certificates")
