"""Tables of the central registry — one schema for SQLite and PostgreSQL.

* A person at individual level is their card key (個人単位被保険者番号: 保険者番号 + 記号 +
  番号 + 枝番), as in the real system; `individual_key` links one human's keys across
  insurers. `qualifications` holds the current version of every period, keyed by the card
  key and the acquisition date.
* `qualification_history` receives every superseded version, unchanged, before the
  current row is replaced: history is never overwritten (append-only, enforced by triggers).
* `audit_events` is append-only as well (triggers refuse UPDATE and DELETE).
* The bulk-loaded tables (qualifications, history) carry no foreign keys: per-row FK
  triggers cost more than the rest of the insert. Their one writer, the import, creates
  insurers before the rows that refer to them, and `onshi db check`
  (`onshi.store.integrity`) verifies every reference.
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
    LargeBinary,
    MetaData,
    Numeric,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.types import TypeEngine

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


def Key(length: int) -> TypeEngine[str]:  # noqa: N802 — a column type, named like one
    """An identifier column. On PostgreSQL its collation is "C": byte order is all a key needs,
    and it makes index inserts and sorts several times cheaper than a libc collation."""
    return String(length).with_variant(postgresql.VARCHAR(length, collation="C"), "postgresql")


def _timestamps() -> list[Column[object]]:
    return [
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("updated_at", DateTime(timezone=True), nullable=False),
    ]


insurers = Table(
    "insurers",
    metadata,
    Column("insurer_number", Key(8), primary_key=True),  # canonical digits, 6 or 8
    Column("name", Text, nullable=False),
    Column("kind", String(24), nullable=False),
    Column("prefecture_code", String(2), nullable=False),
    *_timestamps(),
)


def _qualification_columns() -> list[Column[object]]:
    """The data of one qualification version (shared by the current and history tables)."""
    return [
        # 個人単位被保険者番号: the person's card key, then the period's acquisition date.
        Column("insurer_number", Key(8), nullable=False),
        Column("symbol", Key(20), nullable=False),  # '' when the card has none
        Column("number", Key(20), nullable=False),
        Column("branch", Key(2), nullable=False),  # '' when the card has no 枝番
        Column("qualification_date", Date, nullable=False),
        # Opaque per-human key linking qualifications across insurers (never the My Number).
        Column("individual_key", Key(64)),
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
        Column("content_hash", Key(32), nullable=False),
        Column("import_id", Id),
        Column("import_line", Integer),
        Column("recorded_at", DateTime(timezone=True), nullable=False),
    ]


QUALIFICATION_DATA_COLUMNS = tuple(column.name for column in _qualification_columns())

PERIOD_KEY = ("insurer_number", "symbol", "number", "branch", "qualification_date")

# The natural key is the primary key: a card lookup is one index range scan, and a bulk load
# maintains two indexes per new row (a first load builds the second after it: store.importer).
individual_key_index = Index("ix_qualifications_individual_key", "individual_key")
qualifications = Table(
    "qualifications",
    metadata,
    *_qualification_columns(),
    Column("version", Integer, nullable=False),
    PrimaryKeyConstraint(*PERIOD_KEY, name="pk_qualifications"),
    individual_key_index,
)

qualification_history = Table(
    "qualification_history",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    *_qualification_columns(),
    Column("version", Integer, nullable=False),
    Column("superseded_at", DateTime(timezone=True), nullable=False),
    Column("superseded_by_import_id", Id),
    Index("ix_qualification_history_period", *PERIOD_KEY),
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
    Column("code", Key(10), primary_key=True),  # 医療機関等コード
    Column("name", Text, nullable=False),
    Column("prefecture_code", String(2), nullable=False),
    Column("facility_type", String(24), nullable=False),
    Column("status", String(16), nullable=False),
    Column("accepts_smartphone", Boolean, nullable=False),
    *_timestamps(),
    # 義務化対象: the day the obligation to confirm online applies to it (migration 0012); NULL
    # when it does not (paper claims, opened later and not yet counted, or not known).
    Column("obligated_from", Date),
)

# The dated onboarding steps each facility reached (migration 0012): written by the portal (or
# a facility-data load), read by the adoption statistics "as of" a date. One row per step, the
# first day it was reached; onshi.domain.milestones.Milestone names them.
facility_milestones = Table(
    "facility_milestones",
    metadata,
    Column("facility_code", Key(10), ForeignKey("facilities.code"), nullable=False),
    Column("milestone", String(24), nullable=False),
    Column("reached_on", Date, nullable=False),
    Column("source", String(16), nullable=False),  # portal / load / seed
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("facility_code", "milestone", name="pk_facility_milestones"),
    Index("ix_facility_milestones_milestone", "milestone", "reached_on"),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("actor_kind", String(16), nullable=False),  # facility / insurer / operator
    Column("actor_id", String(64), nullable=False),
    Column("key_hash", Key(64), nullable=False, unique=True),  # sha256 hex; the key itself is never stored
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
    Column("subject_key", Key(64)),  # searched 保険者番号:記号:番号:枝番 — never name or birth date
    Column("outcome", String(48), nullable=False),
    Column("detail", Text),
    Index("ix_audit_events_actor", "actor_kind", "actor_id", "occurred_at"),
    Index("ix_audit_events_subject", "subject_key"),
)

APPEND_ONLY_TABLES = ("audit_events", "qualification_history", "import_rejections", "audit_seals")

# --- terminals: facility certificates and request idempotency (migration 0003) ----------------

facility_certificates = Table(
    "facility_certificates",
    metadata,
    # Client certificates onshi's facility CA issued for terminals' mutual TLS (電子証明書).
    Column("serial", Key(40), primary_key=True),  # hex
    Column("facility_code", Key(10), ForeignKey("facilities.code"), nullable=False),
    Column("fingerprint", Key(64), nullable=False, unique=True),  # sha256 of the DER, hex
    Column("not_before", DateTime(timezone=True), nullable=False),
    Column("not_after", DateTime(timezone=True), nullable=False),
    Column("issued_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
    Column("revocation_reason", Text),
    Index("ix_facility_certificates_facility", "facility_code"),
)

terminal_requests = Table(
    "terminal_requests",
    metadata,
    # One row per request file a terminal sent: a resend (after a crash or an outage) gets
    # the stored result back instead of being run — and audited — twice.
    Column("facility_code", Key(10), nullable=False),
    Column("request_id", Key(100), nullable=False),  # the terminal's journal id for the file
    Column("request_filename", Text, nullable=False),
    Column("result_filename", Text, nullable=False),
    Column("result", LargeBinary, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("facility_code", "request_id", name="pk_terminal_requests"),
)

# --- cards: My Number Card certificates, linkage, challenges, reference numbers (migration 0004) ---
# A person here is the card key of `qualifications` (insurer_number, symbol, number, branch with
# '' for none). No table holds a My Number: a card is known by its certificate's random serial.

card_certificates = Table(
    "card_certificates",
    metadata,
    # User-authentication certificates the (emulated) J-LIS issued. Every card use is checked
    # against this row: revoked or expired certificates are refused.
    Column("serial", Key(40), primary_key=True),  # hex
    Column("fingerprint", Key(64), nullable=False, unique=True),  # sha256 of the DER, hex
    Column("form_factor", String(16), nullable=False),  # card / smartphone (スマホ保険証)
    Column("not_before", DateTime(timezone=True), nullable=False),
    Column("not_after", DateTime(timezone=True), nullable=False),
    Column("issued_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
    Column("revocation_reason", String(16)),  # lost / renewed / deceased
    # The member the insurer's registration names as the holder — in the real system this
    # arrives through the My Number, which onshi never holds. Only a linkage that checked the
    # card-surface data against the record makes the certificate resolve to the person.
    Column("holder_insurer_number", Key(8)),
    Column("holder_symbol", Key(20)),
    Column("holder_number", Key(20)),
    Column("holder_branch", Key(2)),
)

card_linkages = Table(
    "card_linkages",
    metadata,
    # The primary key makes "one certificate, one person" a database fact.
    Column("certificate_serial", Key(40), ForeignKey("card_certificates.serial"), primary_key=True),
    Column("insurer_number", Key(8), nullable=False),
    Column("symbol", Key(20), nullable=False),
    Column("number", Key(20), nullable=False),
    Column("branch", Key(2), nullable=False),
    Column("linked_at", DateTime(timezone=True), nullable=False),
    Column("facility_code", Key(10)),  # where the patient registered for insurance use
    Column("checked", String(64), nullable=False),  # attributes verified (provenance), comma-separated
    Column("unverified", String(64), nullable=False),  # attributes the insurer's record lacked
    Index("ix_card_linkages_person", "insurer_number", "symbol", "number", "branch"),
)

card_linkage_reviews = Table(
    "card_linkage_reviews",
    metadata,
    # Refused linkages, for the insurer to review. Attribute names only, never the values.
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("reported_at", DateTime(timezone=True), nullable=False),
    Column("certificate_serial", Key(40), nullable=False),
    Column("facility_code", Key(10), nullable=False),
    Column("insurer_number", Key(8), nullable=False),  # the person the linkage was attempted to
    Column("symbol", Key(20), nullable=False),
    Column("number", Key(20), nullable=False),
    Column("branch", Key(2), nullable=False),
    Column("refusal", String(24), nullable=False),  # mismatch / linked_to_other
    Column("mismatches", String(64), nullable=False),  # e.g. "name,address"
    Index("ix_card_linkage_reviews_serial", "certificate_serial"),
)

card_challenges = Table(
    "card_challenges",
    metadata,
    # Single-use nonces a card signs; a replayed signature finds its nonce used.
    Column("nonce", Key(64), primary_key=True),
    Column("facility_code", Key(10), ForeignKey("facilities.code"), nullable=False),
    Column("issued_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True)),
    Index("ix_card_challenges_facility", "facility_code", "issued_at"),
)

reference_numbers = Table(
    "reference_numbers",
    metadata,
    # 照会番号: a facility's own patient ID for a person, returned in its face result files.
    Column("facility_code", Key(10), ForeignKey("facilities.code"), nullable=False),
    Column("insurer_number", Key(8), nullable=False),
    Column("symbol", Key(20), nullable=False),
    Column("number", Key(20), nullable=False),
    Column("branch", Key(2), nullable=False),
    Column("reference_number", String(50), nullable=False),
    Column("registered_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint(
        "facility_code", "insurer_number", "symbol", "number", "branch", name="pk_reference_numbers"
    ),
)

# --- batches: 一括照会 and 一括登録 uploads, worked through in chunks (migration 0005) ---

batches = Table(
    "batches",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("reception_number", Key(32), nullable=False, unique=True),  # 受付番号
    Column("facility_code", Key(10), ForeignKey("facilities.code"), nullable=False),
    Column("kind", String(24), nullable=False),  # onshi.domain.batch.BatchKind
    # sha256 of the upload: the same file submitted twice is one batch.
    Column("request_digest", Key(64), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("credential_id", Id),
    Column("arbitrary_file_identifier", Text),
    Column("confirmation_date", Date),  # 資格確認日 of an inquiry
    Column("encoding", String(16), nullable=False),  # the upload's, for its results
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Column("entries_total", Integer, nullable=False),
    Column("entries_done", Integer, nullable=False),
    Column("entries_normal", Integer, nullable=False),
    Column("entries_error", Integer, nullable=False),
    Column("request", LargeBinary, nullable=False),  # the upload itself: nothing is lost
    Index("uq_batches_upload", "facility_code", "kind", "request_digest", unique=True),
)

batch_chunks = Table(
    "batch_chunks",
    metadata,
    # A unit of work: a worker claims one (FOR UPDATE SKIP LOCKED on PostgreSQL), answers its
    # entries and marks it done in one transaction — a killed worker leaves it pending.
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("batch_id", Id, ForeignKey("batches.id"), nullable=False),
    Column("chunk_no", Integer, nullable=False),
    Column("state", String(8), nullable=False),  # onshi.domain.batch.ChunkState
    Column("entries", Text, nullable=False),  # JSON list, wire element names
    Column("results", Text),  # JSON list, one unit per entry, in order
    # The same units as the result file's elements (inquiries; onshi.wire.bulk.unit_fragments)
    # with their ProcessingResultStatus counts: a download joins them instead of building.
    Column("results_xml", Text),
    Column("results_normal", Integer),
    Column("results_error", Integer),
    Column("done_at", DateTime(timezone=True)),
    Index("uq_batch_chunks_no", "batch_id", "chunk_no", unique=True),
    Index("ix_batch_chunks_state", "state", "id"),
)

terminal_request_claims = Table(
    "terminal_request_claims",
    metadata,
    # Who is answering a terminal request right now (migration 0006): a resend that arrives
    # while the first send is still running waits instead of running it a second time. A
    # claim older than its lease belonged to a central process that died; it is taken over.
    Column("facility_code", Key(10), nullable=False),
    Column("request_id", Key(100), nullable=False),
    Column("claimed_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("facility_code", "request_id", name="pk_terminal_request_claims"),
)

# --- emergency qualification confirmation (緊急時資格確認機能) switches (migration 0007) ---

emergency_switches = Table(
    "emergency_switches",
    metadata,
    # One row per switch-on, closed by its switch-off: the history of outages stays readable.
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("scope", String(16), nullable=False),  # onshi.domain.emergency.Scope
    Column("target", Key(10), nullable=False),  # facility code (10 digits) or prefecture code (2)
    Column("reason", Text, nullable=False),
    Column("switched_on_at", DateTime(timezone=True), nullable=False),
    Column("switched_on_by", String(64), nullable=False),  # operator name
    Column("switched_off_at", DateTime(timezone=True)),
    Column("switched_off_by", String(64)),
    # At most one switch on per target: two operators switching on at once get one row.
    Index(
        "uq_emergency_switches_on",
        "scope",
        "target",
        unique=True,
        sqlite_where=text("switched_off_at IS NULL"),
        postgresql_where=text("switched_off_at IS NULL"),
    ),
)

# --- consent and clinical information (migration 0008) ---------------------------------------


def _patient_columns() -> list[Column[object]]:
    return [
        Column("patient_key", Key(80), nullable=False),  # onshi.domain.consent_grants.patient_key
        Column("occurred_on", Date, nullable=False),
        Column("facility_code", Key(10), nullable=False),  # whose claim (or checkup) it is
        Column("facility_name", Text, nullable=False),
        Column("import_id", Id),
    ]


consent_grants = Table(
    "consent_grants",
    metadata,
    # A consent as given. Never deleted; a withdrawal sets withdrawn_at once and is audited.
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("patient_key", Key(80), nullable=False),
    Column("facility_code", Key(10), nullable=False),
    Column("context", String(16), nullable=False),  # onshi.domain.consent.ConsentContext
    Column("items", String(80), nullable=False),  # comma-separated ConsentItem values ('' for none)
    Column("given_at", DateTime(timezone=True), nullable=False),
    Column("first_visit", Date, nullable=False),
    Column("channel", String(16), nullable=False),  # card_reader / home_web / online_care
    # The card key the patient was confirmed with, for 再照会 by the stored numbers.
    Column("insurer_number", Key(8), nullable=False),
    Column("symbol", Key(20), nullable=False),
    Column("number", Key(20), nullable=False),
    Column("branch", Key(2), nullable=False),
    Column("withdrawn_at", DateTime(timezone=True)),
    Column("withdrawn_by", String(16)),  # patient / update
    Index("ix_consent_grants_patient", "patient_key", "facility_code"),
)

clinical_medications = Table(
    "clinical_medications",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    *_patient_columns(),
    Column("drug_code", String(12), nullable=False),
    Column("drug_name", Text, nullable=False),
    Column("quantity", Numeric(12, 3), nullable=False),
    Column("unit", String(16), nullable=False),
    Column("days", Integer, nullable=False),
    Column("usage", Text, nullable=False),
    # A claim resent by the insurer is the same record, not a second one.
    Index(
        "uq_clinical_medications_natural",
        "patient_key",
        "occurred_on",
        "facility_code",
        "drug_code",
        "usage",
        unique=True,
    ),
)

clinical_procedures = Table(
    "clinical_procedures",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    *_patient_columns(),
    Column("kind", String(16), nullable=False),  # treatment / surgery
    Column("code", String(12), nullable=False),
    Column("name", Text, nullable=False),
    Column("quantity", Integer, nullable=False),
    Index(
        "uq_clinical_procedures_natural",
        "patient_key",
        "kind",
        "occurred_on",
        "facility_code",
        "code",
        unique=True,
    ),
    # Months with care by a facility (居宅同意取得型 continues while claims show them).
    Index("ix_clinical_procedures_care", "facility_code", "patient_key", "occurred_on"),
)

CHECKUP_MEASUREMENTS = (
    ("height_cm", Numeric(5, 1)),
    ("weight_kg", Numeric(5, 1)),
    ("waist_cm", Numeric(5, 1)),
    ("bmi", Numeric(4, 1)),
    ("systolic_mmhg", Integer),
    ("diastolic_mmhg", Integer),
    ("triglycerides_mg_dl", Integer),
    ("hdl_mg_dl", Integer),
    ("ldl_mg_dl", Integer),
    ("hba1c_percent", Numeric(4, 1)),
    ("glucose_mg_dl", Integer),
    ("ast_u_l", Integer),
    ("alt_u_l", Integer),
    ("gamma_gt_u_l", Integer),
    ("urine_glucose", String(4)),
    ("urine_protein", String(4)),
    ("guidance", String(1)),
)

clinical_checkups = Table(
    "clinical_checkups",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    *_patient_columns(),
    *(Column(name, kind) for name, kind in CHECKUP_MEASUREMENTS),
    Index("uq_clinical_checkups_natural", "patient_key", "occurred_on", "facility_code", unique=True),
)

disaster_declarations = Table(
    "disaster_declarations",
    metadata,
    # 災害時モード: declared by the operator for prefectures and a period; cancelled, never deleted.
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("prefectures", String(160), nullable=False),  # comma-separated 2-digit codes
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date, nullable=False),
    Column("reason", Text, nullable=False),
    Column("declared_at", DateTime(timezone=True), nullable=False),
    Column("declared_by", String(64), nullable=False),
    Column("cancelled_at", DateTime(timezone=True)),
    Column("cancelled_by", String(64)),
)

# --- consent web: マイナ在宅受付Web, patient menu, online care (migration 0009) ------------------

web_sessions = Table(
    "web_sessions",
    metadata,
    # Browser (cookie) and patient API (bearer) sessions of the consent web. Only the token's
    # SHA-256 is stored; a session ends at expires_at or when logged out (ended_at), never reused.
    Column("token_hash", Key(64), primary_key=True),
    Column("kind", String(16), nullable=False),  # facility / patient
    Column("facility_code", Key(10)),  # facility sessions
    Column("credential_id", Id),  # the facility's API key it logged in with (revoking it ends the session)
    Column("identity_mode", String(8)),  # pin / visual: how the facility confirms identity
    Column("certificate_serial", Key(40)),  # patient sessions: the card that signed in
    Column("insurer_number", Key(8)),  # patient sessions: the person the card is linked to
    Column("symbol", Key(20)),
    Column("number", Key(20)),
    Column("branch", Key(2)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True)),
    Column("last_result", Text),  # facility sessions: the completion screen last shown (JSON)
    Index("ix_web_sessions_expires", "expires_at"),
)

card_pin_attempts = Table(
    "card_pin_attempts",
    metadata,
    # Wrong PINs typed into the consent web, per certificate: a fresh copy of a card file does
    # not reset them. An attempt is counted before the PIN is tried; a correct PIN clears it.
    Column("certificate_serial", Key(40), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("locked_at", DateTime(timezone=True)),
)

patient_challenges = Table(
    "patient_challenges",
    metadata,
    # Single-use nonces a card signs to open a patient session (not bound to a facility).
    Column("nonce", Key(64), primary_key=True),
    Column("issued_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True)),
    Index("ix_patient_challenges_issued", "issued_at"),
)

online_care_sessions = Table(
    "online_care_sessions",
    metadata,
    # オンライン診療等: one consent-and-identity round an online-care application started for its
    # facility. The outcome is fetched once by that facility, then erased.
    Column("id", Key(32), primary_key=True),  # returned to the app (and in the redirect)
    Column("facility_code", Key(10), ForeignKey("facilities.code"), nullable=False),
    Column("start_token_hash", Key(64), nullable=False),  # the one-time URL's token (SHA-256)
    Column("browser_token_hash", Key(64)),  # the browser that opened it (cookie, SHA-256)
    Column("return_url", Text, nullable=False),
    Column("state", String(512), nullable=False),
    Column("status", String(16), nullable=False),  # created / opened / completed / refused / fetched
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("opened_at", DateTime(timezone=True)),
    Column("completed_at", DateTime(timezone=True)),
    Column("fetched_at", DateTime(timezone=True)),
    Column("outcome", Text),  # JSON for the app; erased once fetched
    Index("uq_online_care_sessions_start", "start_token_hash", unique=True),
)

# --- public expense (公費負担医療) and medical aid (医療扶助) (migration 0010) -------------------


def _member_key_columns() -> list[Column[object]]:
    """A health-insurance card key; all NULL when the payer knows none (医療扶助単独)."""
    return [
        Column("insurer_number", Key(8)),
        Column("symbol", Key(20)),  # '' when the card has none
        Column("number", Key(20)),
        Column("branch", Key(2)),  # '' when the card has no 枝番
    ]


def _terms_columns() -> list[Column[object]]:
    """onshi.domain.public_expense.CopayTerms; NULL: no limit of that kind (or the default)."""
    return [
        Column("copay_percent", Integer),
        Column("per_visit_yen", Integer),
        Column("monthly_cap_yen", Integer),
    ]


public_expense_payers = Table(
    "public_expense_payers",
    metadata,
    # 公費負担者 (都道府県・市区町村・福祉事務所). Programme rules default by 法別番号; a row may
    # override them (a municipality's own scheme). participating=false: not in online
    # confirmation, the paper 受給者証 is the proof (its recipients are never served).
    Column("payer_number", Key(8), primary_key=True),
    Column("name", Text, nullable=False),
    Column("programme_name", Text),
    Column("participating", Boolean, nullable=False),
    Column("settings", String(24)),  # comma-separated CareSetting values; NULL: the programme's
    Column("facility_types", String(120)),  # comma-separated FacilityType values; NULL: the programme's
    *_terms_columns(),  # all NULL: the programme's terms
    Column("import_id", Id),
    *_timestamps(),
)

public_expense_recipients = Table(
    "public_expense_recipients",
    metadata,
    # 受給者: one row per recipient and validity period, as the payer loaded it (reloading the
    # same period replaces it). The person: by card key, else by identity and card linkage.
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("payer_number", Key(8), ForeignKey("public_expense_payers.payer_number"), nullable=False),
    Column("recipient_number", Key(7), nullable=False),
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date),  # inclusive
    Column("name", Text, nullable=False),
    Column("name_kana", Text, nullable=False),
    Column("birthdate", Date, nullable=False),
    Column("sex", String(1), nullable=False),
    Column("address", Text),
    Column("post_number", String(8)),
    *_member_key_columns(),
    Column("individual_key", Key(64)),
    *_terms_columns(),  # the recipient's own limits (e.g. 難病's cap by income category)
    Column("income_category", String(40)),
    Column("import_id", Id),
    Column("import_line", Integer),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Index(
        "uq_public_expense_recipients_period", "payer_number", "recipient_number", "valid_from", unique=True
    ),
    Index("ix_public_expense_recipients_member", "insurer_number", "symbol", "number", "branch"),
    Index("ix_public_expense_recipients_individual", "individual_key"),
)

public_expense_tickets = Table(
    "public_expense_tickets",
    metadata,
    # 医療券・調剤券: medical aid per month and designated facility (reloading replaces).
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("payer_number", Key(8), ForeignKey("public_expense_payers.payer_number"), nullable=False),
    Column("recipient_number", Key(7), nullable=False),
    Column("treatment_month", Date, nullable=False),  # 診療年月 (the first of the month)
    Column("ticket_type", String(2), nullable=False),  # OQSCD018
    Column("facility_code", Key(10), nullable=False),  # 指定医療機関コード
    Column("facility_name", Text, nullable=False),
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date, nullable=False),
    Column("issue_number", String(20), nullable=False),  # 交付番号
    Column("treatment_type", String(2), nullable=False),  # OQSCD019
    Column("self_pay_yen", Integer),  # 本人支払額
    Column("injury_names", Text),  # up to 3, newline-separated
    Column("prescriber_code", String(10)),
    Column("prescriber_name", Text),
    Column("district_contact", Text),
    Column("handling_contact", Text),
    Column("single_or_combined", String(2)),  # OQSCD020
    Column("social_insurance", String(2)),  # OQSCD021
    Column("infection", String(2)),  # OQSCD023
    Column("elderly_care", String(2)),  # OQSCD024
    Column("prefectural", String(2)),  # OQSCD025
    Column("remarks", Text),  # up to 3, newline-separated
    Column("import_id", Id),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Index(
        "uq_public_expense_tickets_natural",
        "payer_number",
        "recipient_number",
        "treatment_month",
        "facility_code",
        "ticket_type",
        unique=True,
    ),
    Index("ix_public_expense_tickets_month", "facility_code", "treatment_month"),
)

public_expense_card_links = Table(
    "public_expense_card_links",
    metadata,
    # A card linked to a recipient with no health insurance (医療扶助単独), after its surface data
    # matched the payer's record (氏名・カナ・生年月日・性別・住所). One certificate, one person.
    Column("certificate_serial", Key(40), ForeignKey("card_certificates.serial"), primary_key=True),
    Column("payer_number", Key(8), nullable=False),
    Column("recipient_number", Key(7), nullable=False),
    Column("linked_at", DateTime(timezone=True), nullable=False),
    Column("facility_code", Key(10)),
    Column("checked", String(64), nullable=False),
    Column("unverified", String(64), nullable=False),
    Index("ix_public_expense_card_links_recipient", "payer_number", "recipient_number"),
)

# --- the audit chain (migration 0011) ------------------------------------------------------------

audit_seals = Table(
    "audit_seals",
    metadata,
    # Seal n covers the audit events with ids in (seal n-1's through_id, through_id], chained
    # by hash (onshi.domain.audit.chain_step). `seq` is the previous seal's + 1, so two sealers
    # racing make one seal. Append-only, like the events.
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("through_id", Id, nullable=False),
    Column("events", Integer, nullable=False),
    Column("chain_hash", String(64), nullable=False),
    Column("sealed_at", DateTime(timezone=True), nullable=False),
)

# --- the facility portal (医療機関等向け総合ポータルサイト, migration 0013) ---------------------------
# Accounts, the onboarding stage of each facility (onshi.domain.portal.onboarding), the
# applications the operator reviews, connection tests, prior notifications and the survey.

portal_corporations = Table(
    "portal_corporations",
    metadata,
    # 法人 (hospital groups, pharmacy chains): created by the operator, linked to their facilities.
    Column("login", Key(32), primary_key=True),
    Column("name", Text, nullable=False),
    Column("email", String(254), nullable=False),
    Column("password_hash", String(200), nullable=False),  # scrypt (onshi.security.passwords)
    Column("status", String(16), nullable=False),  # active / suspended
    Column("created_at", DateTime(timezone=True), nullable=False),
)

portal_facilities = Table(
    "portal_facilities",
    metadata,
    # A facility's portal account and where its onboarding stands (one row per facility).
    Column("facility_code", Key(10), ForeignKey("facilities.code"), primary_key=True),
    Column("corporation_login", Key(32), ForeignKey("portal_corporations.login")),
    Column("password_hash", String(200)),  # NULL: registered by its corporation, which acts for it
    Column("email", String(254), nullable=False),
    Column("status", String(16), nullable=False),  # active / suspended
    Column("opened_on", Date),  # 開設日 when after the obligation date
    Column("paper_claims", Boolean, nullable=False),  # 紙レセプト請求が認められている
    Column("stage", String(24), nullable=False),
    Column("stage_since", DateTime(timezone=True), nullable=False),
    Column("connected_on", Date),  # the first successful connection test
    Column("operating_since", Date),  # 運用開始日
    Column("registered_at", DateTime(timezone=True), nullable=False),
    Column("registered_by", String(64), nullable=False),  # "self" or the corporation's login
    Index("ix_portal_facilities_corporation", "corporation_login"),
    Index("ix_portal_facilities_stage", "stage"),
)

portal_applications = Table(
    "portal_applications",
    metadata,
    # Applications the operator approves or returns: card reader, usage, certificate, subsidy.
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("facility_code", Key(10), ForeignKey("facilities.code"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("status", String(16), nullable=False),  # pending / approved / returned
    Column("details", Text, nullable=False),  # the form's fields (JSON)
    Column("program", String(32)),  # subsidies: the program id
    Column("grant_yen", BigInteger),  # subsidies: the computed grant (NULL: not computable)
    Column("evaluation", Text),  # subsidies: eligibility and every figure, with the table version (JSON)
    Column("submitted_at", DateTime(timezone=True), nullable=False),
    Column("submitted_by", String(64), nullable=False),
    Column("decided_at", DateTime(timezone=True)),
    Column("decided_by", String(64)),
    Column("return_reason", Text),  # 差戻し理由
    Index("ix_portal_applications_queue", "status", "kind", "submitted_at"),
    Index("ix_portal_applications_facility", "facility_code"),
)

portal_connection_tests = Table(
    "portal_connection_tests",
    metadata,
    # Successful connection tests: a terminal reached central over mutual TLS with this certificate.
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("facility_code", Key(10), ForeignKey("facilities.code"), nullable=False),
    Column("certificate_serial", Key(40), nullable=False),
    Column("tested_at", DateTime(timezone=True), nullable=False),
    Index("ix_portal_connection_tests_facility", "facility_code"),
)

portal_notifications = Table(
    "portal_notifications",
    metadata,
    # 経過措置の事前届出; a newer one supersedes the facility's earlier ones (kept, never deleted).
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("facility_code", Key(10), ForeignKey("facilities.code"), nullable=False),
    Column("category", String(24), nullable=False),
    Column("filed_on", Date, nullable=False),
    Column("facts", Text, nullable=False),  # the dates its deadline needs (JSON)
    Column("filed_at", DateTime(timezone=True), nullable=False),
    Column("filed_by", String(64), nullable=False),
    Column("superseded_at", DateTime(timezone=True)),
    Column("approved_at", DateTime(timezone=True)),  # その他特に困難な事情: the operator's 個別判断
    Column("approved_by", String(64)),
    Index("ix_portal_notifications_facility", "facility_code"),
)

portal_survey_responses = Table(
    "portal_survey_responses",
    metadata,
    # 導入意向調査 (seed 002 別添3); the latest answer of a facility counts.
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("facility_code", Key(10), ForeignKey("facilities.code"), nullable=False),
    Column("category", String(24), nullable=False),
    Column("prefecture_code", String(2), nullable=False),
    Column("answer", Text, nullable=False),  # JSON
    Column("answered_at", DateTime(timezone=True), nullable=False),
    Column("superseded_at", DateTime(timezone=True)),
    Index("ix_portal_survey_responses_facility", "facility_code"),
)

portal_sessions = Table(
    "portal_sessions",
    metadata,
    # Portal sign-ins (browser cookie or API bearer token); only the token's SHA-256 is stored.
    Column("token_hash", Key(64), primary_key=True),
    Column("role", String(16), nullable=False),  # facility / corporation / operator
    Column("subject", String(64), nullable=False),  # facility code, corporation login, operator name
    Column("credential_id", Id),  # operators: the API key signed in with (revoking it ends the session)
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True)),
    Index("ix_portal_sessions_expires", "expires_at"),
)
# --- statistics (migration 0014) ---------------------------------------------------------------
# Monthly roll-ups of the audit trail, rebuilt by `onshi stats rebuild` (never edited by hand),
# and the claims counts the utilisation rate divides by. onshi.domain.statistics says what counts.


def _usage_columns() -> list[Column[object]]:
    return [
        Column("card", Integer, nullable=False),  # 資格確認 by card with a verdict (smartphones included)
        Column("card_smartphone", Integer, nullable=False),
        Column("numbers", Integer, nullable=False),  # by insurance numbers (再照会, 公費 numbers included)
        Column("batch", Integer, nullable=False),  # 一括照会 entries
        Column("views_checkup", Integer, nullable=False),
        Column("views_medication", Integer, nullable=False),
        Column("views_treatment", Integer, nullable=False),  # treatment and surgery
        Column("card_users", Integer, nullable=False),  # 名寄せ users over the rate's insurer kinds
    ]


stats_usage_monthly = Table(
    "stats_usage_monthly",
    metadata,
    Column("month", Date, nullable=False),  # the first day of the month (JST)
    Column("facility_code", Key(10), nullable=False),
    *_usage_columns(),
    PrimaryKeyConstraint("month", "facility_code", name="pk_stats_usage_monthly"),
    Index("ix_stats_usage_monthly_facility", "facility_code", "month"),
)

stats_months = Table(
    "stats_months",
    metadata,
    # The months whose roll-up was built, and from how many audit events: a month not listed
    # is "not built", never silently zero.
    Column("month", Date, primary_key=True),
    Column("rebuilt_at", DateTime(timezone=True), nullable=False),
    Column("events", BigInteger, nullable=False),
    Column("facilities", Integer, nullable=False),
)

stats_claim_counts = Table(
    "stats_claim_counts",
    metadata,
    # 外来レセプト枚数 per facility, billing month (請求年月) and insurer kind, as the claims feed
    # last gave them (reloading replaces).
    Column("facility_code", Key(10), nullable=False),
    Column("billing_month", Date, nullable=False),  # the first day of the month
    Column("insurer_kind", String(24), nullable=False),  # InsurerKind value or public_expense
    Column("outpatient_claims", Integer, nullable=False),
    Column("import_id", Id),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("facility_code", "billing_month", "insurer_kind", name="pk_stats_claim_counts"),
    Index("ix_stats_claim_counts_month", "billing_month"),
)

stats_declarations = Table(
    "stats_declarations",
    metadata,
    # What a facility declares on its my page for the support money (the lump sum's common poster
    # and flyers, seed 000 1-3): the latest state, each change audited (`mypage.declare`).
    Column("facility_code", Key(10), ForeignKey("facilities.code"), nullable=False),
    Column("declaration", String(32), nullable=False),  # e.g. poster_and_flyer
    Column("declared", Boolean, nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("facility_code", "declaration", name="pk_stats_declarations"),
)

# The roll-up reads one month of the trail: a BRIN index on PostgreSQL (the trail is written in
# time order, so a block range summary finds the month for almost nothing on each insert).
Index("ix_audit_events_occurred", audit_events.c.occurred_at, postgresql_using="brin")
