"""public expense (公費負担医療) and medical aid (医療扶助): payers, recipients, tickets, card links

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def _key(length: int) -> sa.types.TypeEngine[str]:
    return sa.String(length).with_variant(postgresql.VARCHAR(length, collation="C"), "postgresql")


def _id() -> sa.types.TypeEngine[int]:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _at(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _terms() -> list[sa.Column[object]]:
    return [
        sa.Column("copay_percent", sa.Integer(), nullable=True),
        sa.Column("per_visit_yen", sa.Integer(), nullable=True),
        sa.Column("monthly_cap_yen", sa.Integer(), nullable=True),
    ]


def _payer_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["payer_number"],
        ["public_expense_payers.payer_number"],
        name=op.f(f"fk_{table}_payer_number_public_expense_payers"),
    )


def _payers() -> None:
    op.create_table(
        "public_expense_payers",
        sa.Column("payer_number", _key(8), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("programme_name", sa.Text(), nullable=True),
        sa.Column("participating", sa.Boolean(), nullable=False),
        sa.Column("settings", sa.String(24), nullable=True),
        sa.Column("facility_types", sa.String(120), nullable=True),
        *_terms(),
        sa.Column("import_id", _id(), nullable=True),
        _at("created_at"),
        _at("updated_at"),
        sa.PrimaryKeyConstraint("payer_number", name=op.f("pk_public_expense_payers")),
    )


def _recipients() -> None:
    table = "public_expense_recipients"
    op.create_table(
        table,
        sa.Column("id", _id(), autoincrement=True, nullable=False),
        sa.Column("payer_number", _key(8), nullable=False),
        sa.Column("recipient_number", _key(7), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("name_kana", sa.Text(), nullable=False),
        sa.Column("birthdate", sa.Date(), nullable=False),
        sa.Column("sex", sa.String(1), nullable=False),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("post_number", sa.String(8), nullable=True),
        sa.Column("insurer_number", _key(8), nullable=True),
        sa.Column("symbol", _key(20), nullable=True),
        sa.Column("number", _key(20), nullable=True),
        sa.Column("branch", _key(2), nullable=True),
        sa.Column("individual_key", _key(64), nullable=True),
        *_terms(),
        sa.Column("income_category", sa.String(40), nullable=True),
        sa.Column("import_id", _id(), nullable=True),
        sa.Column("import_line", sa.Integer(), nullable=True),
        _at("recorded_at"),
        _payer_fk(table),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    )
    op.create_index(
        "uq_public_expense_recipients_period",
        table,
        ["payer_number", "recipient_number", "valid_from"],
        unique=True,
    )
    op.create_index(
        "ix_public_expense_recipients_member", table, ["insurer_number", "symbol", "number", "branch"]
    )
    op.create_index("ix_public_expense_recipients_individual", table, ["individual_key"])


def _tickets() -> None:
    table = "public_expense_tickets"
    op.create_table(
        table,
        sa.Column("id", _id(), autoincrement=True, nullable=False),
        sa.Column("payer_number", _key(8), nullable=False),
        sa.Column("recipient_number", _key(7), nullable=False),
        sa.Column("treatment_month", sa.Date(), nullable=False),
        sa.Column("ticket_type", sa.String(2), nullable=False),
        sa.Column("facility_code", _key(10), nullable=False),
        sa.Column("facility_name", sa.Text(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=False),
        sa.Column("issue_number", sa.String(20), nullable=False),
        sa.Column("treatment_type", sa.String(2), nullable=False),
        sa.Column("self_pay_yen", sa.Integer(), nullable=True),
        sa.Column("injury_names", sa.Text(), nullable=True),
        sa.Column("prescriber_code", sa.String(10), nullable=True),
        sa.Column("prescriber_name", sa.Text(), nullable=True),
        sa.Column("district_contact", sa.Text(), nullable=True),
        sa.Column("handling_contact", sa.Text(), nullable=True),
        sa.Column("single_or_combined", sa.String(2), nullable=True),
        sa.Column("social_insurance", sa.String(2), nullable=True),
        sa.Column("infection", sa.String(2), nullable=True),
        sa.Column("elderly_care", sa.String(2), nullable=True),
        sa.Column("prefectural", sa.String(2), nullable=True),
        sa.Column("remarks", sa.Text(), nullable=True),
        sa.Column("import_id", _id(), nullable=True),
        _at("recorded_at"),
        _payer_fk(table),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    )
    op.create_index(
        "uq_public_expense_tickets_natural",
        table,
        ["payer_number", "recipient_number", "treatment_month", "facility_code", "ticket_type"],
        unique=True,
    )
    op.create_index("ix_public_expense_tickets_month", table, ["facility_code", "treatment_month"])


def _card_links() -> None:
    table = "public_expense_card_links"
    op.create_table(
        table,
        sa.Column("certificate_serial", _key(40), nullable=False),
        sa.Column("payer_number", _key(8), nullable=False),
        sa.Column("recipient_number", _key(7), nullable=False),
        _at("linked_at"),
        sa.Column("facility_code", _key(10), nullable=True),
        sa.Column("checked", sa.String(64), nullable=False),
        sa.Column("unverified", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(
            ["certificate_serial"],
            ["card_certificates.serial"],
            name=op.f(f"fk_{table}_certificate_serial_card_certificates"),
        ),
        sa.PrimaryKeyConstraint("certificate_serial", name=op.f(f"pk_{table}")),
    )
    op.create_index("ix_public_expense_card_links_recipient", table, ["payer_number", "recipient_number"])


def upgrade() -> None:
    _payers()
    _recipients()
    _tickets()
    _card_links()


def downgrade() -> None:
    for table in (
        "public_expense_card_links",
        "public_expense_tickets",
        "public_expense_recipients",
        "public_expense_payers",
    ):
        op.drop_table(table)
