"""The desk's own database (a receipt computer's, not central's): SQLite or PostgreSQL.

Separate from central's schema on purpose — the desk stands where a vendor's receipt
computer stands and shares nothing with central but the terminal's folders. Its tables are
created at start-up (`create_all`, idempotent); `SCHEMA_VERSION` guards against opening a
database written by a newer desk.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

SCHEMA_VERSION = 2  # 2: desk_patients.public_expense (added to version-1 databases at start-up)
metadata = MetaData()

settings = Table(
    "desk_settings",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

staff = Table(
    "desk_staff",
    metadata,
    Column("login", String(64), primary_key=True),
    Column("display_name", String(100), nullable=False),
    Column("password_hash", String(300), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

sessions = Table(
    "desk_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("login", String(64), ForeignKey("desk_staff.login"), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

patients = Table(
    "desk_patients",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False),
    Column("name_kana", String(200)),
    Column("birthdate", Date, nullable=False),
    Column("sex", String(1)),
    Column("postal_code", String(10)),
    Column("address", String(400)),
    Column("insurer_number", String(8)),
    Column("insurer_name", String(200)),
    Column("symbol", String(40)),
    Column("number", String(40)),
    Column("branch", String(2)),
    Column("copay_percent", Integer),
    Column("card_valid_from", Date),
    Column("card_valid_until", Date),
    Column("limit_category", String(3)),
    Column("reference_number", String(50), unique=True),  # 照会番号 registered through the terminal
    Column("public_expense", Text),  # 公費 as last confirmed (desk.results.public_expense_of)
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
Index("ix_desk_patients_birthdate", patients.c.birthdate)
Index("ix_desk_patients_numbers", patients.c.insurer_number, patients.c.number)

# Every result file the desk read (face files, answers to its requests): the day's arrivals.
arrivals = Table(
    "desk_arrivals",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("filename", String(200), nullable=False, unique=True),  # a file is read once
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("day", Date, nullable=False),
    Column("source", String(16), nullable=False),  # face | inquiry | reconciled
    Column("outcome", String(16), nullable=False),
    Column("validity", String(1)),
    Column("code", String(20)),
    Column("message", Text),
    Column("person", JSON),  # the confirmed person (desk.results.Person as JSON), if one
    Column("candidates", Integer, nullable=False, default=0),  # people in the answer
    Column("patient_id", Integer, ForeignKey("desk_patients.id")),
    Column("content", LargeBinary, nullable=False),  # the file itself, kept
)
Index("ix_desk_arrivals_day", arrivals.c.day)
Index("ix_desk_arrivals_patient", arrivals.c.patient_id)

# Request files the desk wrote into the terminal's req folder, to match their results.
requests = Table(
    "desk_requests",
    metadata,
    Column("filename", String(200), primary_key=True),
    Column("kind", String(16), nullable=False),  # inquiry | reference | bulk_upload | bulk_download
    Column("written_at", DateTime(timezone=True), nullable=False),
    Column("written_by", String(64)),
    Column("patient_id", Integer, ForeignKey("desk_patients.id")),
    Column("batch_id", Integer, ForeignKey("desk_batches.id")),
    Column("answered_at", DateTime(timezone=True)),
    Column("outcome", String(16)),
    Column("arrival_id", Integer, ForeignKey("desk_arrivals.id")),
)

corrections = Table(
    "desk_corrections",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("patient_id", Integer, ForeignKey("desk_patients.id"), nullable=False),
    Column("arrival_id", Integer, ForeignKey("desk_arrivals.id")),
    Column("field", String(32), nullable=False),
    Column("old_value", Text),
    Column("new_value", Text),
    Column("applied_by", String(64), nullable=False),
    Column("applied_at", DateTime(timezone=True), nullable=False),
)
Index("ix_desk_corrections_patient", corrections.c.patient_id)

batches = Table(
    "desk_batches",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("source_name", String(200), nullable=False),  # the uploaded CSV's name
    Column("confirmation_date", Date, nullable=False),
    Column("state", String(16), nullable=False),  # sent | accepted | done | refused
    Column("reception_number", String(40)),
    Column("message", Text),
)

batch_entries = Table(
    "desk_batch_entries",
    metadata,
    Column("batch_id", Integer, ForeignKey("desk_batches.id"), primary_key=True),
    Column("line", Integer, primary_key=True),
    Column("identifier", String(50), nullable=False),  # ArbitraryIdentifier sent with the entry
    Column("appointment", String(40)),
    Column("patient_id", Integer, ForeignKey("desk_patients.id")),
    Column("name", String(200)),
    Column("birthdate", Date),
    Column("insurer_number", String(8)),
    Column("symbol", String(40)),
    Column("number", String(40)),
    Column("branch", String(2)),
    Column("outcome", String(16)),
    Column("validity", String(1)),
    Column("code", String(20)),
    Column("message", Text),
    Column("person", JSON),
    UniqueConstraint("batch_id", "identifier"),
)

declarations = Table(
    "desk_declarations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("patient_id", Integer, ForeignKey("desk_patients.id")),
    Column("arrival_id", Integer, ForeignKey("desk_arrivals.id")),
    Column("reason", String(32), nullable=False),
    Column("data", JSON, nullable=False),  # the declaration as filled
    Column("copay_percent", Integer, nullable=False),
    Column("copay_default", Boolean, nullable=False),
    Column("resolved_arrival_id", Integer, ForeignKey("desk_arrivals.id")),
    Column("resolved_at", DateTime(timezone=True)),
    Column("resolved_by", String(64)),
)
