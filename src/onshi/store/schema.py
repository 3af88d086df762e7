"""Tables of the central registry — one schema for SQLite and PostgreSQL.

* `qualifications` holds the current version of every qualification period; the member
  key is copied into it (it never changes) so a confirmation is one index lookup.
* `qualification_history` receives every superseded version, unchanged, before the
  current row is replaced: history is never overwritten (append-only, enforced by triggers).
* `audit_events` is append-only as well (triggers refuse UPDATE and DELETE).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit identity.
Id = BigInteger().with_variant(Integer(), "sqlite")


def _timestamps() -> list[Column[object]]:
    return [
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("updated_at", DateTime(timezone=True), nullable=False),
    ]


insurers = Table(
    "insurers",
    metadata,
    Column("insurer_number", String(8), primary_key=True),  # canonical digits, 6 or 8
    Column("name", Text, nullable=False),
    Column("kind", String(24), nullable=False),
    Column("prefecture_code", String(2), nullable=False),
    *_timestamps(),
)

members = Table(
    "members",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("insurer_number", String(8), ForeignKey("insurers.insurer_number"), nullable=False),
    Column("symbol", String(20), nullable=False),  # '' when the card has none
    Column("number", String(20), nullable=False),
    Column("branch", String(2), nullable=False),  # '' when the card has no 枝番
    Column("individual_key", String(64), nullable=True),
    UniqueConstraint("insurer_number", "symbol", "number", "branch", name="uq_members_key"),
    Index("ix_members_individual_key", "individual_key"),
)


def _qualification_columns() -> list[Column[object]]:
    """The data of one qualification version (shared by the current and history tables)."""
    return [
        Column("member_id", Id, ForeignKey("members.id"), nullable=False),
        Column("insurer_number", String(8), nullable=False),
        Column("symbol", String(20), nullable=False),
        Column("number", String(20), nullable=False),
        Column("branch", String(2), nullable=False),
        Column("qualification_date", Date, nullable=False),
        Column("disqualification_date", Date),
        Column("reason_of_loss", String(2)),
        Column("card_classification", String(2), nullable=False),
        Column("personal_family", String(1)),
        Column("insured_name", Text),
        Column("name", Text, nullable=False),
        Column("name_kana", Text, nullable=False),
        Column("name_of_other", Text),
        Column("name_of_other_kana", Text),
        Column("sex1", String(1), nullable=False),
        Column("sex2", String(1)),
        Column("birthdate", Date, nullable=False),
        Column("address", Text),
        Column("post_number", String(8)),
        Column("card_issued_on", Date),
        Column("card_valid_from", Date),
        Column("card_valid_to", Date),
        Column("copay_percent", Integer),
        Column("preschool", Boolean, nullable=False),
        Column("elderly_issued_on", Date),
        Column("elderly_valid_from", Date),
        Column("elderly_valid_to", Date),
        Column("elderly_copay_percent", Integer),
        Column("limit_classification", String(2)),
        Column("limit_category", String(3)),
        Column("limit_issued_on", Date),
        Column("limit_valid_from", Date),
        Column("limit_valid_to", Date),
        Column("limit_long_term_from", Date),
        Column("specific_diseases", Text),  # JSON list of certificates, or NULL
        Column("content_hash", String(32), nullable=False),
        Column("import_id", Id, ForeignKey("imports.id")),
        Column("import_line", Integer),
        Column("recorded_at", DateTime(timezone=True), nullable=False),
    ]


QUALIFICATION_DATA_COLUMNS = tuple(column.name for column in _qualification_columns())

qualifications = Table(
    "qualifications",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    *_qualification_columns(),
    Column("version", Integer, nullable=False),
    UniqueConstraint("member_id", "qualification_date", name="uq_qualifications_period"),
    Index("ix_qualifications_card", "insurer_number", "symbol", "number"),
)

qualification_history = Table(
    "qualification_history",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    *_qualification_columns(),
    Column("version", Integer, nullable=False),
    Column("superseded_at", DateTime(timezone=True), nullable=False),
    Column("superseded_by_import_id", Id, ForeignKey("imports.id")),
    Index("ix_qualification_history_member", "member_id", "qualification_date"),
)

imports = Table(
    "imports",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("actor_kind", String(16), nullable=False),
    Column("actor_id", String(64), nullable=False),
    Column("source", Text, nullable=False),  # file name or "api"
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Column("status", String(16), nullable=False),  # running / done / failed
    Column("rows_total", Integer, nullable=False),
    Column("rows_loaded", Integer, nullable=False),
    Column("rows_unchanged", Integer, nullable=False),
    Column("rows_rejected", Integer, nullable=False),
)

import_rejections = Table(
    "import_rejections",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("import_id", Id, ForeignKey("imports.id"), nullable=False),
    Column("line", Integer, nullable=False),
    Column("reason_ja", Text, nullable=False),
    Column("reason_en", Text, nullable=False),
    Index("ix_import_rejections_import", "import_id", "line"),
)

facilities = Table(
    "facilities",
    metadata,
    Column("code", String(10), primary_key=True),  # 医療機関等コード
    Column("name", Text, nullable=False),
    Column("prefecture_code", String(2), nullable=False),
    Column("facility_type", String(24), nullable=False),
    Column("status", String(16), nullable=False),
    Column("accepts_smartphone", Boolean, nullable=False),
    *_timestamps(),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("actor_kind", String(16), nullable=False),  # facility / insurer / operator
    Column("actor_id", String(64), nullable=False),
    Column("key_hash", String(64), nullable=False, unique=True),  # sha256 hex; the key itself is never stored
    Column("key_prefix", String(16), nullable=False),  # shown in listings to tell keys apart
    Column("label", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
    Index("ix_api_keys_actor", "actor_kind", "actor_id"),
)

audit_events = Table(
    "audit_events",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("occurred_at", DateTime(timezone=True), nullable=False),
    Column("actor_kind", String(16), nullable=False),
    Column("actor_id", String(64), nullable=False),  # facility code, insurer number, operator name, or '-'
    Column("credential_id", Id),  # api_keys.id used, when one was
    Column("channel", String(16), nullable=False),  # api / cli / terminal
    Column("action", String(48), nullable=False),
    Column("subject_key", String(64)),  # searched 保険者番号:記号:番号:枝番 — never name or birth date
    Column("subject_member_id", Id),
    Column("outcome", String(48), nullable=False),
    Column("detail", Text),
    Index("ix_audit_events_actor", "actor_kind", "actor_id", "occurred_at"),
    Index("ix_audit_events_member", "subject_member_id"),
)

APPEND_ONLY_TABLES = ("audit_events", "qualification_history", "import_rejections")
