"""consent grants, clinical information (medication, procedures, checkups), disaster declarations

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _key(length: int) -> sa.types.TypeEngine[str]:
    return sa.String(length).with_variant(postgresql.VARCHAR(length, collation="C"), "postgresql")


def _id() -> sa.types.TypeEngine[int]:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _patient_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("id", _id(), autoincrement=True, nullable=False),
        sa.Column("patient_key", _key(80), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("facility_code", _key(10), nullable=False),
        sa.Column("facility_name", sa.Text(), nullable=False),
        sa.Column("import_id", _id(), nullable=True),
    ]


CHECKUP_MEASUREMENTS = (
    ("height_cm", sa.Numeric(5, 1)),
    ("weight_kg", sa.Numeric(5, 1)),
    ("waist_cm", sa.Numeric(5, 1)),
    ("bmi", sa.Numeric(4, 1)),
    ("systolic_mmhg", sa.Integer()),
    ("diastolic_mmhg", sa.Integer()),
    ("triglycerides_mg_dl", sa.Integer()),
    ("hdl_mg_dl", sa.Integer()),
    ("ldl_mg_dl", sa.Integer()),
    ("hba1c_percent", sa.Numeric(4, 1)),
    ("glucose_mg_dl", sa.Integer()),
    ("ast_u_l", sa.Integer()),
    ("alt_u_l", sa.Integer()),
    ("gamma_gt_u_l", sa.Integer()),
    ("urine_glucose", sa.String(4)),
    ("urine_protein", sa.String(4)),
    ("guidance", sa.String(1)),
)


def upgrade() -> None:
    op.create_table(
        "consent_grants",
        sa.Column("id", _id(), autoincrement=True, nullable=False),
        sa.Column("patient_key", _key(80), nullable=False),
        sa.Column("facility_code", _key(10), nullable=False),
        sa.Column("context", sa.String(16), nullable=False),
        sa.Column("items", sa.String(80), nullable=False),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_visit", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("insurer_number", _key(8), nullable=False),
        sa.Column("symbol", _key(20), nullable=False),
        sa.Column("number", _key(20), nullable=False),
        sa.Column("branch", _key(2), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_by", sa.String(16), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_grants")),
    )
    op.create_index("ix_consent_grants_patient", "consent_grants", ["patient_key", "facility_code"])
    op.create_table(
        "clinical_medications",
        *_patient_columns(),
        sa.Column("drug_code", sa.String(12), nullable=False),
        sa.Column("drug_name", sa.Text(), nullable=False),
        sa.Column("quantity", sa.Numeric(12, 3), nullable=False),
        sa.Column("unit", sa.String(16), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("usage", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clinical_medications")),
    )
    op.create_index(
        "uq_clinical_medications_natural",
        "clinical_medications",
        ["patient_key", "occurred_on", "facility_code", "drug_code", "usage"],
        unique=True,
    )
    op.create_table(
        "clinical_procedures",
        *_patient_columns(),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("code", sa.String(12), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clinical_procedures")),
    )
    op.create_index(
        "uq_clinical_procedures_natural",
        "clinical_procedures",
        ["patient_key", "kind", "occurred_on", "facility_code", "code"],
        unique=True,
    )
    op.create_index(
        "ix_clinical_procedures_care", "clinical_procedures", ["facility_code", "patient_key", "occurred_on"]
    )
    op.create_table(
        "clinical_checkups",
        *_patient_columns(),
        *(sa.Column(name, kind, nullable=True) for name, kind in CHECKUP_MEASUREMENTS),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clinical_checkups")),
    )
    op.create_index(
        "uq_clinical_checkups_natural",
        "clinical_checkups",
        ["patient_key", "occurred_on", "facility_code"],
        unique=True,
    )
    op.create_table(
        "disaster_declarations",
        sa.Column("id", _id(), autoincrement=True, nullable=False),
        sa.Column("prefectures", sa.String(160), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("declared_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("declared_by", sa.String(64), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_by", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disaster_declarations")),
    )


def downgrade() -> None:
    for table in (
        "disaster_declarations",
        "clinical_checkups",
        "clinical_procedures",
        "clinical_medications",
    ):
        op.drop_table(table)
    op.drop_table("consent_grants")
